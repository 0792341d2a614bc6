package dev.dynamo.http;

import dev.dynamo.core.limits.LimitObserver;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole pipeline of a connection over {@code http.max-connections}: it answers 503
 * {@code overloaded} as soon as the connection opens, without reading a request, then closes
 * it through a short {@link LingeringClose} (at most {@link #LINGER} and
 * {@link #LINGER_BYTES}), so that a client that sent its request first still reads the
 * answer. The refusal was counted when the connection was refused; cutting the linger short
 * is not counted again.
 *
 * <pre>{@code
 * ch.pipeline().addLast(new HttpResponseEncoder(),
 *         new RefusedConnection(api.overloaded(null, "http.max-connections", open, max)));
 * }</pre>
 */
final class RefusedConnection extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(RefusedConnection.class);

    /** Short: a flood of refused connections must not hold sockets long. */
    static final Duration LINGER = Duration.ofSeconds(1);
    /** A request head fits; a body is not worth reading for a connection that is refused anyway. */
    static final long LINGER_BYTES = 64 * 1024;

    private final Reply reply;

    RefusedConnection(Reply reply) {
        this.reply = reply;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        ctx.writeAndFlush(HttpApiHandler.toResponse(reply, false)).addListener(f -> {
            if (f.isSuccess()) {
                LingeringClose.start(ctx.channel(), LINGER_BYTES, LINGER, LimitObserver.NONE);
            } else {
                LOG.debug("answering refused HTTP connection {} failed: {}", ctx.channel().remoteAddress(),
                        String.valueOf(f.cause()));
                ctx.close();
            }
        });
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ReferenceCountUtil.release(msg); // the request is not read: the answer does not depend on it
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("refused HTTP connection {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }
}
