/**
 * The partition-aware Java client: {@link dev.dynamo.client.DynamoClusterClient} learns the
 * ring over the binary protocol and sends each request straight to a replica of its key.
 *
 * <pre>{@code
 * try (DynamoClient client = DynamoClusterClient.builder().seeds("127.0.0.1:7081").build()) {
 *     client.put("default", key, Context.EMPTY, value);
 * }
 * }</pre>
 */
package dev.dynamo.client;
