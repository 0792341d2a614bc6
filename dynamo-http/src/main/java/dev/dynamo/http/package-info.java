/**
 * The HTTP/JSON API every node serves (docs/http-api.md):
 * {@link dev.dynamo.http.HttpApiServer} puts a
 * {@link dev.dynamo.core.node.DynamoNode} on Netty.
 *
 * <p>Netty stays inside this package: the public types ({@link dev.dynamo.http.HttpApiServer}
 * and its {@code Options}) take and return only JDK and Dynamo types, so a caller such as
 * {@code dynamo-server} compiles without Netty and needs it only at run time. The pipeline's
 * Netty handlers are package-private.
 *
 * <pre>{@code
 * try (HttpApiServer http = HttpApiServer.start(node, "127.0.0.1", 0, metrics)) {
 *     URI base = URI.create("http://127.0.0.1:" + http.port());
 * }
 * }</pre>
 */
package dev.dynamo.http;
