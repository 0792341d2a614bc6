package dev.dynamo.testing;

import dev.dynamo.core.cluster.ClusterState;
import dev.dynamo.core.membership.Membership;
import dev.dynamo.core.node.DynamoNode;
import dev.dynamo.core.node.NodeConfig;
import dev.dynamo.core.spi.Transport;
import java.util.ArrayList;
import java.util.List;

/**
 * One node of a {@link TestCluster} across its restarts: what stays (id, configuration,
 * seeds, the cluster view it last routed with) and the incarnation running now (null
 * fields while it is down).
 */
final class NodeSlot {
    final String id;
    final NodeConfig config;
    final List<String> seeds;
    /** What a restart routes with, as a server reloads the ring it saved. */
    ClusterState cluster;
    Transport transport;
    DynamoNode node;
    Membership membership;

    NodeSlot(String id, NodeConfig config, List<String> seeds, ClusterState cluster) {
        this.id = id;
        this.config = config;
        this.seeds = List.copyOf(seeds);
        this.cluster = cluster;
    }

    /**
     * The running incarnation's parts in the order they stop (membership, node, transport),
     * forgotten here: the slot is down afterwards.
     */
    List<AutoCloseable> takeRunningParts() {
        List<AutoCloseable> parts = new ArrayList<>();
        if (membership != null) {
            parts.add(membership);
        }
        if (node != null) {
            parts.add(node);
        }
        if (transport != null) {
            parts.add(transport);
        }
        membership = null;
        node = null;
        transport = null;
        return parts;
    }

    boolean isUp() {
        return node != null;
    }
}
