/**
 * The node: {@link dev.dynamo.core.node.DynamoNode} opens its storage (tables, hints, incarnation),
 * wires the request path of {@code coordination}, the background services and the table of
 * message handlers, and is what the server, the simulation and tests hold. Its configuration is
 * {@link dev.dynamo.core.node.NodeConfig} and {@link dev.dynamo.core.node.NodeOptions}.
 *
 * <pre>{@code
 * DynamoNode node = new DynamoNode(config, tables, cluster, transport, scheduler, RequestObserver.NONE);
 * transport.start(node);
 * node.startBackground();
 * }</pre>
 */
package dev.dynamo.core.node;
