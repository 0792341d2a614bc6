package dev.dynamo.http;

import dev.dynamo.core.limits.LimitObserver;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection's end of the HTTP API: takes aggregated requests, hands them to
 * {@link HttpApi} and writes the replies. Requests are served one at a time per connection,
 * in arrival order, because HTTP/1.1 pipelining requires responses in request order; more
 * pipelined requests wait in a short queue, and reading pauses while it is full.
 * All state is touched only on the channel's event loop.
 *
 * <p>It enforces {@code http.max-in-flight} (over all connections, counted in
 * {@code inFlight}): a request past it is answered 503 {@code overloaded} at once. An answer
 * that ends the connection is followed by a {@link LingeringClose}.
 *
 * <pre>{@code
 * pipeline.addLast(new HttpApiHandler(api, inFlight, () -> closing, maxBody, options, metrics));
 * }</pre>
 */
final class HttpApiHandler extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(HttpApiHandler.class);

    /** Pipelined requests a connection may queue before reading pauses. */
    static final int MAX_QUEUED_PER_CONNECTION = 16;

    private final HttpApi api;
    private final AtomicInteger inFlight;
    private final BooleanSupplier closing;
    private final int bodyLimit;
    private final HttpApiServer.Options options;
    private final LimitObserver limits;
    private final ArrayDeque<Object> queued = new ArrayDeque<>();
    private boolean busy;
    /** Set once an answer says "Connection: close": later requests on this connection are dropped. */
    private boolean closingConnection;

    HttpApiHandler(HttpApi api, AtomicInteger inFlight, BooleanSupplier closing, int bodyLimit,
                   HttpApiServer.Options options, LimitObserver limits) {
        this.api = api;
        this.inFlight = inFlight;
        this.closing = closing;
        this.bodyLimit = bodyLimit;
        this.options = options;
        this.limits = limits;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof FullHttpRequest) && !(msg instanceof OversizedRequest)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (closingConnection) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (busy) {
            queued.add(msg);
            if (queued.size() >= MAX_QUEUED_PER_CONNECTION) {
                ctx.channel().config().setAutoRead(false);
            }
            return;
        }
        serve(ctx, msg);
    }

    private void serve(ChannelHandlerContext ctx, Object msg) {
        busy = true;
        int serving = inFlight.incrementAndGet();
        boolean keepAlive;
        HttpVersion version;
        String method;
        CompletableFuture<Reply> reply;
        try {
            if (msg instanceof OversizedRequest) {
                OversizedRequest o = (OversizedRequest) msg;
                version = o.version();
                method = o.method();
                keepAlive = !o.close();
                reply = CompletableFuture.completedFuture(api.oversized(o.method(), o.uri(), o.contentLength(),
                        bodyLimit));
            } else {
                FullHttpRequest request = (FullHttpRequest) msg;
                version = request.protocolVersion();
                method = request.method().name();
                if (!request.decoderResult().isSuccess()) {
                    // the decoder discards the rest of the stream: answer, then close
                    keepAlive = false;
                    reply = CompletableFuture.completedFuture(malformed(method, request.decoderResult().cause()));
                } else if (closing.getAsBoolean()) {
                    keepAlive = false;
                    reply = CompletableFuture.completedFuture(api.shuttingDown(method));
                } else if (serving > options.maxInFlight()) {
                    keepAlive = HttpUtil.isKeepAlive(request);
                    reply = CompletableFuture.completedFuture(api.overloaded(method, HttpApiServer.MAX_IN_FLIGHT,
                            serving - 1, options.maxInFlight()));
                } else {
                    keepAlive = HttpUtil.isKeepAlive(request);
                    HttpApi.Caller caller = new HttpApi.Caller(request.headers().get(HttpHeaderNames.AUTHORIZATION),
                            String.valueOf(ctx.channel().remoteAddress()));
                    reply = api.handle(method, request.uri(), request.headers().get(HttpApi.CONTEXT_HEADER),
                            ByteBufUtil.getBytes(request.content()), caller);
                }
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
        boolean keep = keepAlive;
        HttpVersion v = version;
        reply.whenComplete((ok, error) -> {
            Reply r = ok != null ? ok : api.errorReply(method, "none", error);
            try {
                ctx.executor().execute(() -> respond(ctx, r, v, keep));
            } catch (RejectedExecutionException e) {
                inFlight.decrementAndGet(); // the event loop is gone: so is the connection
            }
        });
    }

    /** A request the decoder refused: over a size limit of the request line or headers, or not HTTP. */
    private Reply malformed(String method, Throwable cause) {
        if (cause instanceof TooLongHttpLineException) {
            return api.overLimit(method, "the request line", HttpApiServer.MAX_REQUEST_LINE,
                    options.maxRequestLineBytes());
        }
        if (cause instanceof TooLongHttpHeaderException) {
            return api.overLimit(method, "the header block", HttpApiServer.MAX_HEADERS, options.maxHeaderBytes());
        }
        return api.malformed(method, cause);
    }

    private void respond(ChannelHandlerContext ctx, Reply reply, HttpVersion version, boolean keepAlive) {
        FullHttpResponse response = toResponse(reply, keepAlive);
        if (keepAlive && version.equals(HttpVersion.HTTP_1_0)) {
            // HTTP/1.0 closes by default: say that this connection stays
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        }
        ChannelFuture written = ctx.writeAndFlush(response);
        written.addListener(f -> inFlight.decrementAndGet());
        busy = false;
        if (!keepAlive) {
            closingConnection = true;
            written.addListener(f -> {
                if (f.isSuccess()) {
                    LingeringClose.start(ctx.channel(), options.lingerBytes(), options.lingerTime(), limits);
                } else {
                    ctx.close();
                }
            });
            releaseQueued();
            return;
        }
        Object next = queued.poll();
        if (!ctx.channel().config().isAutoRead() && queued.size() < MAX_QUEUED_PER_CONNECTION) {
            ctx.channel().config().setAutoRead(true);
        }
        if (next != null) {
            serve(ctx, next);
        }
    }

    /** A Netty response for {@code reply}; {@code keepAlive = false} adds {@code Connection: close}. */
    static FullHttpResponse toResponse(Reply reply, boolean keepAlive) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.valueOf(reply.status()), Unpooled.wrappedBuffer(reply.body()));
        HttpHeaders headers = response.headers();
        if (reply.contentType() != null) {
            headers.set(HttpHeaderNames.CONTENT_TYPE, reply.contentType());
        }
        if (reply.status() != 204 && reply.status() != 304) {
            headers.setInt(HttpHeaderNames.CONTENT_LENGTH, reply.body().length);
        }
        for (Map.Entry<String, String> h : reply.headers().entrySet()) {
            headers.set(h.getKey(), h.getValue());
        }
        if (!keepAlive) {
            headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        return response;
    }

    private void releaseQueued() {
        Object m;
        while ((m = queued.poll()) != null) {
            ReferenceCountUtil.release(m);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        releaseQueued();
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // mostly peers resetting connections; nothing a client sends can reach here as a request error
        LOG.debug("HTTP connection {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }
}
