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
 * error instead of Netty's empty 413. Same connection rules as Netty: the connection stays
 * open when the rest of the body can be skipped, and closes when the client may already be
 * sending it on a connection that is not kept alive.
 *
 * <pre>{@code
 * pipeline.addLast(new HttpServerCodec(decoderConfig), new BodyLimitAggregator(limit, api), handler);
 * }</pre>
 */
final class BodyLimitAggregator extends HttpObjectAggregator {
    private final HttpApi api;
    private final int limit;

    BodyLimitAggregator(int limit, HttpApi api) {
        super(limit);
        this.limit = limit;
        this.api = api;
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) throws Exception {
        if (!(oversized instanceof HttpRequest)) {
            super.handleOversizedMessage(ctx, oversized);
            return;
        }
        HttpRequest request = (HttpRequest) oversized;
        boolean close = oversized instanceof FullHttpMessage
                || !HttpUtil.is100ContinueExpected(oversized) && !HttpUtil.isKeepAlive(oversized);
        // the aggregator releases the message after this returns: hand on copies of what the answer needs
        ctx.fireChannelRead(new OversizedRequest(request.method().name(), request.uri(),
                HttpUtil.getContentLength(request, -1L), request.protocolVersion(), close));
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
