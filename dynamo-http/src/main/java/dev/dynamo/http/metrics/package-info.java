/**
 * A node's metrics: {@link dev.dynamo.http.metrics.NodeMetrics} observes every request of a
 * {@link dev.dynamo.core.node.DynamoNode} and serves them in the Prometheus text format on
 * {@code GET /metrics}.
 *
 * <pre>{@code
 * NodeMetrics metrics = new NodeMetrics("n1");
 * DynamoNode node = new DynamoNode(config, tables, cluster, transport, scheduler, metrics);
 * }</pre>
 */
package dev.dynamo.http.metrics;
