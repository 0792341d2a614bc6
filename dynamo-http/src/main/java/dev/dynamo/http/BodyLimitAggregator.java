package dev.dynamo.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.FullHttpMessage;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;

/**
 * Netty's aggregator, but a body over the limit gets the API's JSON {@code value_too_large}
 * error instead of Netty's empty 413. The connection stays open when the rest of the body
 * can be skipped: the client waits for {@code 100 Continue}, or the connection is kept alive
 * and the declared body is at most {@code lingerBytes}, which the aggregator then reads and
 * drops. Otherwise (the connection closes after the request, the body is chunked, or it is
 * larger) the answer closes the connection, through a {@link LingeringClose} that reads at
 * most {@code lingerBytes} more so that a client still sending reads the 413.
 *
 * <pre>{@code
 * pipeline.addLast(new HttpServerCodec(decoderConfig), new BodyLimitAggregator(limit, api, lingerBytes), handler);
 * }</pre>
 */
final class BodyLimitAggregator extends HttpObjectAggregator {
    private final HttpApi api;
    private final int limit;
    private final long lingerBytes;

    BodyLimitAggregator(int limit, HttpApi api, long lingerBytes) {
        super(limit);
        this.limit = limit;
        this.api = api;
        this.lingerBytes = lingerBytes;
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) throws Exception {
        if (!(oversized instanceof HttpRequest)) {
            super.handleOversizedMessage(ctx, oversized);
            return;
        }
        HttpRequest request = (HttpRequest) oversized;
        long length = HttpUtil.getContentLength(request, -1L);
        // skipping a body on a kept-alive connection is bounded like a lingering close
        boolean skippable = HttpUtil.isKeepAlive(oversized) && length >= 0 && length <= lingerBytes;
        boolean close = oversized instanceof FullHttpMessage
                || !HttpUtil.is100ContinueExpected(oversized) && !skippable;
        // the aggregator releases the message after this returns: hand on copies of what the answer needs
        ctx.fireChannelRead(new OversizedRequest(request.method().name(), request.uri(),
                length, request.protocolVersion(), close));
    }

    @Override
    protected Object newContinueResponse(HttpMessage start, int maxContentLength, ChannelPipeline pipeline) {
        Object answer = super.newContinueResponse(start, maxContentLength, pipeline);
        if (answer instanceof FullHttpResponse && start instanceof HttpRequest
                && ((FullHttpResponse) answer).status().equals(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE)) {
            // "Expect: 100-continue" with a declared length over the limit: refuse before the body is sent
            ((FullHttpResponse) answer).release();
            HttpRequest request = (HttpRequest) start;
            Reply reply = api.oversized(request.method().name(), request.uri(),
                    HttpUtil.getContentLength(request, -1L), limit);
            return HttpApiHandler.toResponse(reply, true);
        }
        return answer;
    }
}
