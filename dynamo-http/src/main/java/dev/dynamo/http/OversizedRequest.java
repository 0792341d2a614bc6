package dev.dynamo.http;

import io.netty.handler.codec.http.HttpVersion;

/**
 * Stands in the pipeline for a request whose body was over the server's limit, so that its
 * 413 answer takes its turn among the connection's responses like any other.
 *
 * <pre>{@code
 * ctx.fireChannelRead(new OversizedRequest("PUT", uri, contentLength, HttpVersion.HTTP_1_1, false));
 * }</pre>
 *
 * @param method        request method
 * @param uri           request target
 * @param contentLength the declared length, -1 when unknown (chunked)
 * @param version       request protocol version
 * @param close         whether the connection must close after the answer (the body may still be coming)
 */
record OversizedRequest(String method, String uri, long contentLength, HttpVersion version, boolean close) {
}
