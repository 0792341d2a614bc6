package dev.dynamo.core.cluster;

import dev.dynamo.core.protocol.Message;
import dev.dynamo.core.ring.Ring;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * What a node knows of the cluster: the ring and every node's addresses. Immutable;
 * membership replaces it as a whole.
 */
public record ClusterState(Ring ring, Map<String, Message.NodeAddress> addresses) {
    public ClusterState {
        Objects.requireNonNull(ring, "ring");
        addresses = Map.copyOf(addresses);
    }

    public static ClusterState of(Ring ring, List<Message.NodeAddress> nodes) {
        return new ClusterState(ring, nodes.stream().collect(Collectors.toMap(Message.NodeAddress::id,
                Function.identity())));
    }

    /** "host:port" of a node's binary protocol, null when unknown. */
    public String binaryAddress(String node) {
        Message.NodeAddress a = addresses.get(node);
        return a == null ? null : a.binaryAddress();
    }
}
