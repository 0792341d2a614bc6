/**
 * What a node knows of the cluster and what its services share: {@link
 * dev.dynamo.core.cluster.ClusterState} (the ring and every node's addresses, replaced as a whole
 * when membership changes) and {@link dev.dynamo.core.cluster.NodeContext} (the node's id,
 * tables, transport, scheduler and failure detector, as background services see them).
 */
package dev.dynamo.core.cluster;
