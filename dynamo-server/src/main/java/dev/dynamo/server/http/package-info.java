/**
 * The HTTP/JSON API every node serves (docs/http-api.md):
 * {@link dev.dynamo.server.http.HttpApiServer} puts a
 * {@link dev.dynamo.core.node.DynamoNode} on Netty.
 *
 * <pre>{@code
 * try (HttpApiServer http = HttpApiServer.start(node, "127.0.0.1", 0, metrics)) {
 *     URI base = URI.create("http://127.0.0.1:" + http.port());
 * }
 * }</pre>
 */
package dev.dynamo.server.http;
