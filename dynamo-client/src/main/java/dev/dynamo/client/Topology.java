package dev.dynamo.client;

import dev.dynamo.core.protocol.Message;
import dev.dynamo.core.ring.NodeInfo;
import dev.dynamo.core.ring.Ring;
import dev.dynamo.core.spi.Partitioner;
import dev.dynamo.core.spi.Plugins;
import dev.dynamo.core.spi.UnknownPluginException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the client knows of the cluster at one moment: the ring, where each node's binary
 * protocol listens, and each table's placement (n and partitioner). Immutable; a refresh
 * replaces it as a whole, so one request sees one consistent view.
 */
record Topology(Ring ring, Map<String, String> addresses, Map<String, Placement> tables) {

    /**
     * A table's placement. {@code partitioner} is null when the partitioner the cluster
     * names is not installed in the client; {@code problem} then says so.
     */
    record Placement(String table, int n, Partitioner partitioner, String problem) {
    }

    Topology {
        Objects.requireNonNull(ring, "ring");
        addresses = Map.copyOf(addresses);
        tables = Map.copyOf(tables);
    }

    /** Builds a topology from a node's ring answer; the caller handles IllegalArgumentException. */
    static Topology from(Message.RingResult answer) {
        Ring ring = Ring.decode(answer.ring());
        Map<String, String> addresses = new HashMap<>();
        for (NodeInfo node : ring.nodes()) {
            if (node.address() != null) {
                addresses.put(node.id(), node.address());
            }
        }
        // the address list is what nodes serve the binary protocol on; it wins over the ring's
        for (Message.NodeAddress a : answer.nodes()) {
            if (a.binaryAddress() != null && !a.binaryAddress().isBlank()) {
                addresses.put(a.id(), a.binaryAddress());
            }
        }
        Map<String, Placement> tables = new HashMap<>();
        for (Message.TablePlacement t : answer.tables()) {
            Partitioner partitioner = null;
            String problem = null;
            try {
                partitioner = Plugins.partitioner(t.partitioner());
            } catch (UnknownPluginException e) {
                problem = "table '" + t.name() + "': " + e.getMessage()
                        + " in this client; put the plugin on the client's class path";
            }
            tables.put(t.name(), new Placement(t.name(), t.n(), partitioner, problem));
        }
        return new Topology(ring, addresses, tables);
    }

    /** The key's preference list: its coordinator first. */
    List<String> preferenceList(Placement placement, byte[] key) {
        return ring.preferenceList(ring.partitionOf(key, placement.partitioner()), placement.n());
    }

    /** {@code nodes} with those of {@code zone} first, in their order otherwise. */
    List<String> sameZoneFirst(List<String> nodes, String zone) {
        List<String> order = new ArrayList<>(nodes.size());
        nodes.stream().filter(n -> ring.zoneOf(n).filter(zone::equals).isPresent()).forEach(order::add);
        nodes.stream().filter(n -> !order.contains(n)).forEach(order::add);
        return order;
    }

    /** "host:port" of a node's binary protocol, or null when the cluster did not say. */
    String addressOf(String node) {
        return addresses.get(node);
    }
}
