package dev.dynamo.http;

import dev.dynamo.core.limits.LimitObserver;
import dev.dynamo.core.limits.LogLimiter;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpExpectationFailedEvent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The idle timeout of one HTTP connection ({@code http.idle-timeout-ms}). It closes the
 * connection when either
 * <ul>
 *   <li>it has had nothing to do for the timeout: no request being received or answered
 *       (an idle keep-alive connection), or</li>
 *   <li>one request takes longer than the timeout to arrive, from its first byte to its
 *       last: a client trickling headers or a body a few bytes at a time ("slowloris") keeps
 *       a connection busy while each byte alone would reset a plain read timeout.</li>
 * </ul>
 * While a request is being served the connection is not idle: the table's request deadline
 * bounds that. The second case counts as a refusal of {@code http.idle-timeout-ms}; closing
 * an idle keep-alive connection is housekeeping and is not counted.
 *
 * <p>It takes two places in the pipeline: {@link #bytesIn()} first, where it sees a request's
 * first bytes, and {@link #messages()} right after the HTTP codec, where it sees requests end
 * and answers go out. All state is touched on the channel's event loop only.
 *
 * <pre>{@code
 * IdleGuard idle = new IdleGuard(timeoutMillis, limits, logLimiter);
 * pipeline.addLast(IdleGuard.BYTES, idle.bytesIn());
 * pipeline.addLast("http", new HttpServerCodec(decoder));
 * pipeline.addLast(IdleGuard.MESSAGES, idle.messages());
 * }</pre>
 */
final class IdleGuard {
    private static final Logger LOG = LoggerFactory.getLogger(IdleGuard.class);

    static final String BYTES = "idle-bytes";
    static final String MESSAGES = "idle-messages";

    private final long timeoutNanos;
    private final LimitObserver limits;
    private final LogLimiter logLimiter;
    /** When the request being received sent its first byte; -1 when none is being received. */
    private long requestStart = -1;
    /** When the connection last had something happen: opened, a byte read, an answer written. */
    private long lastActivity = System.nanoTime();
    /** Requests whose head arrived and whose final answer has not been written yet. */
    private int unanswered;
    private ChannelHandlerContext ctx;
    private ScheduledFuture<?> timer;

    IdleGuard(long timeoutMillis, LimitObserver limits, LogLimiter logLimiter) {
        this.timeoutNanos = TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        this.limits = limits;
        this.logLimiter = logLimiter;
    }

    /** Takes the guard out of {@code pipeline} (its timer stops), if it is there. */
    static void remove(ChannelPipeline pipeline) {
        if (pipeline.get(BYTES) != null) {
            pipeline.remove(BYTES);
        }
        if (pipeline.get(MESSAGES) != null) {
            pipeline.remove(MESSAGES);
        }
    }

    /** The handler that goes first in the pipeline, before the HTTP codec. */
    ChannelInboundHandlerAdapter bytesIn() {
        return new ChannelInboundHandlerAdapter() {
            @Override
            public void handlerAdded(ChannelHandlerContext c) {
                ctx = c;
                if (c.channel().isActive()) {
                    arm(timeoutNanos);
                }
            }

            @Override
            public void channelActive(ChannelHandlerContext c) throws Exception {
                lastActivity = System.nanoTime();
                arm(timeoutNanos);
                super.channelActive(c);
            }

            @Override
            public void channelRead(ChannelHandlerContext c, Object msg) {
                if (msg instanceof ByteBuf buf && buf.isReadable()) {
                    long now = System.nanoTime();
                    if (requestStart < 0) {
                        requestStart = now;
                    }
                    lastActivity = now;
                }
                c.fireChannelRead(msg);
            }

            @Override
            public void channelInactive(ChannelHandlerContext c) throws Exception {
                disarm();
                super.channelInactive(c);
            }

            @Override
            public void handlerRemoved(ChannelHandlerContext c) {
                disarm();
            }
        };
    }

    /** The handler that goes right after the HTTP codec. */
    ChannelDuplexHandler messages() {
        return new ChannelDuplexHandler() {
            @Override
            public void channelRead(ChannelHandlerContext c, Object msg) {
                if (msg instanceof HttpRequest) {
                    unanswered++;
                }
                if (msg instanceof LastHttpContent) {
                    requestStart = -1; // received whole; the next byte starts the next request
                }
                c.fireChannelRead(msg);
            }

            @Override
            public void userEventTriggered(ChannelHandlerContext c, Object evt) throws Exception {
                if (evt instanceof HttpExpectationFailedEvent) {
                    requestStart = -1; // refused before its body was sent: that request is over
                }
                super.userEventTriggered(c, evt);
            }

            @Override
            public void write(ChannelHandlerContext c, Object msg, ChannelPromise promise) {
                if (msg instanceof HttpResponse r && r.status().code() >= 200) {
                    unanswered = Math.max(0, unanswered - 1);
                    lastActivity = System.nanoTime();
                    // a large answer to a slow reader: idle time counts from when it was all handed to the socket
                    promise.addListener(f -> lastActivity = System.nanoTime());
                }
                c.write(msg, promise);
            }
        };
    }

    private void arm(long delayNanos) {
        disarm();
        timer = ctx.executor().schedule(this::check, Math.max(delayNanos, TimeUnit.MILLISECONDS.toNanos(1)),
                TimeUnit.NANOSECONDS);
    }

    private void disarm() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    private void check() {
        timer = null;
        if (!ctx.channel().isOpen()) {
            return;
        }
        long now = System.nanoTime();
        if (requestStart >= 0) {
            long left = requestStart + timeoutNanos - now;
            if (left <= 0) {
                limits.refused(HttpApiServer.IDLE_TIMEOUT);
                logLimiter.warn(LOG, "slow-request", "closed HTTP connection {}: a request took over {} ms to arrive"
                        + " ({})", ctx.channel().remoteAddress(), TimeUnit.NANOSECONDS.toMillis(timeoutNanos),
                        HttpApiServer.IDLE_TIMEOUT);
                ctx.channel().close();
                return;
            }
            arm(left);
            return;
        }
        if (unanswered > 0) {
            arm(timeoutNanos); // being served: the request's own deadline bounds it
            return;
        }
        long left = lastActivity + timeoutNanos - now;
        if (left <= 0) {
            LOG.debug("closing idle HTTP connection {}", ctx.channel().remoteAddress());
            ctx.channel().close();
            return;
        }
        arm(left);
    }
}
