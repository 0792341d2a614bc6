package dev.dynamo.http;

import dev.dynamo.core.limits.LimitObserver;
import dev.dynamo.core.limits.LogLimiter;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.ssl.SslHandler;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * First in the pipeline of an HTTPS port: looks at a connection's first bytes and, if they are
 * a TLS record, steps aside for the {@link SslHandler} behind it. Otherwise the client spoke
 * plain HTTP to the HTTPS port (an {@code http://} URL): instead of a TLS alert it cannot read,
 * it gets a plain {@code 400 bad_request} saying to use {@code https://}, and the connection
 * closes. No request is served in clear.
 *
 * <pre>{@code
 * pipeline.addLast(HttpsOnly.NAME, new HttpsOnly(logLimiter));
 * pipeline.addLast("tls", sslContext.newHandler(ch.alloc()));
 * }</pre>
 */
final class HttpsOnly extends ByteToMessageDecoder {
    private static final Logger LOG = LoggerFactory.getLogger(HttpsOnly.class);

    static final String NAME = "https-only";

    /** A TLS record header: type, version, length. */
    private static final int RECORD_HEADER_BYTES = 5;

    private static final byte[] ANSWER = answer();

    private final LogLimiter logLimiter;
    private boolean answered;

    HttpsOnly(LogLimiter logLimiter) {
        this.logLimiter = logLimiter;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (answered) {
            in.skipBytes(in.readableBytes());
            return;
        }
        if (in.readableBytes() < RECORD_HEADER_BYTES) {
            return;
        }
        if (SslHandler.isEncrypted(in, false)) {
            // the decoder hands what it buffered to the SslHandler as it leaves
            ctx.pipeline().remove(this);
            return;
        }
        in.skipBytes(in.readableBytes());
        answered = true;
        logLimiter.warn(LOG, "plaintext-on-https", "plain HTTP from {} on the HTTPS port: answered 400 and closed",
                ctx.channel().remoteAddress());
        SslHandler tls = ctx.pipeline().get(SslHandler.class);
        if (tls != null) {
            // no handshake happened: no TLS alert or close_notify must follow the plain answer
            ctx.pipeline().remove(tls);
        }
        ctx.writeAndFlush(Unpooled.wrappedBuffer(ANSWER)).addListener(f -> {
            if (f.isSuccess()) {
                LingeringClose.start(ctx.channel(), RefusedConnection.LINGER_BYTES, RefusedConnection.LINGER,
                        LimitObserver.NONE);
            } else {
                ctx.close();
            }
        });
    }

    private static byte[] answer() {
        String body = "{\"error\":\"bad_request\",\"message\":\"this port speaks HTTPS only: use an https:// URL\"}\n";
        String head = "HTTP/1.1 400 Bad Request\r\nContent-Type: " + HttpApi.JSON + "\r\nContent-Length: "
                + body.getBytes(StandardCharsets.UTF_8).length + "\r\nConnection: close\r\n\r\n";
        return (head + body).getBytes(StandardCharsets.UTF_8);
    }
}
