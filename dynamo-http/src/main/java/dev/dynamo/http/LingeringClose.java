package dev.dynamo.http;

import dev.dynamo.core.limits.LimitObserver;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes a connection after its last answer without losing that answer. A client that
 * sends a request body without waiting (no {@code Expect: 100-continue}) is still writing
 * when the server answers early (a 413 before the body is read, a 503 to a connection over
 * the cap); closing the socket then with unread bytes makes the kernel send a reset, and
 * the client gets a broken pipe instead of the answer. So the server half-closes (the client
 * reads the answer and an end of stream), then reads and drops what still arrives until the
 * client closes, at most {@code maxBytes} or {@code maxTime}, then closes.
 *
 * <pre>{@code
 * ctx.writeAndFlush(response).addListener(f -> LingeringClose.start(ctx.channel(), 8 << 20,
 *         Duration.ofSeconds(5), limits));
 * }</pre>
 *
 * <p>Past either bound the connection is closed while the client may still send (it sees a
 * reset): each such cut counts as a refusal of {@code http.linger-max-bytes} or
 * {@code http.linger-ms}. A client that simply keeps the connection open without sending is
 * closed at {@code maxTime} without being counted.
 */
final class LingeringClose {
    private static final Logger LOG = LoggerFactory.getLogger(LingeringClose.class);

    /** Name of the draining handler at the head of the pipeline. */
    static final String NAME = "linger";

    private LingeringClose() {
    }

    /**
     * Starts the lingering close of {@code ch}; call it once the last answer is written. On a
     * channel that cannot half-close (an embedded one), or with a zero bound, it just closes.
     * Must run on the channel's event loop; calling it again while it lingers does nothing.
     */
    static void start(Channel ch, long maxBytes, Duration maxTime, LimitObserver limits) {
        if (!ch.isActive() || maxBytes <= 0 || maxTime.isZero() || !(ch instanceof DuplexChannel duplex)) {
            ch.close();
            return;
        }
        if (ch.pipeline().get(NAME) != null) {
            return;
        }
        Drain drain = new Drain(maxBytes, limits);
        // first in the pipeline: nothing reaches the HTTP decoder any more, and the idle guard's timer stops
        ch.pipeline().addFirst(NAME, drain);
        IdleGuard.remove(ch.pipeline());
        ch.config().setAutoRead(true);
        SslHandler tls = ch.pipeline().get(SslHandler.class);
        // over TLS the client must read a close_notify before the end of stream, or it may take the answer as truncated
        ChannelFuture notified = tls == null ? ch.newSucceededFuture() : tls.closeOutbound();
        notified.addListener(n -> duplex.shutdownOutput().addListener(f -> {
            if (!f.isSuccess()) {
                ch.close();
            }
        }));
        ScheduledFuture<?> timer = ch.eventLoop().schedule(() -> {
            if (ch.isOpen()) {
                if (drain.bytes > 0) {
                    limits.refused(HttpApiServer.LINGER_TIME);
                }
                ch.close();
            }
        }, maxTime.toNanos(), TimeUnit.NANOSECONDS);
        ch.closeFuture().addListener(f -> timer.cancel(false));
    }

    /** Drops every byte read and closes the connection past {@code maxBytes} or at the client's end of stream. */
    private static final class Drain extends ChannelInboundHandlerAdapter {
        private final long maxBytes;
        private final LimitObserver limits;
        long bytes;

        Drain(long maxBytes, LimitObserver limits) {
            this.maxBytes = maxBytes;
            this.limits = limits;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof ByteBuf buf) {
                bytes += buf.readableBytes();
            }
            ReferenceCountUtil.release(msg);
            if (bytes > maxBytes && ctx.channel().isOpen()) {
                limits.refused(HttpApiServer.LINGER_BYTES);
                ctx.close();
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof ChannelInputShutdownEvent) {
                ctx.close(); // the client is done sending: nothing left to drain
            }
            ReferenceCountUtil.release(evt);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // mostly a reset while draining: the connection is over either way
            LOG.debug("HTTP connection {} failed while closing: {}", ctx.channel().remoteAddress(), cause.toString());
            ctx.close();
        }
    }
}
