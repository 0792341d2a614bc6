package dev.dynamo.server.config;

import dev.dynamo.core.protocol.Message;
import dev.dynamo.core.ring.NodeInfo;
import dev.dynamo.core.table.TableConfig;
import java.util.Objects;

/**
 * One entry of {@code cluster.nodes}: a node's id, where it listens, its capacity weight
 * and its zone. Every node parses the same list, so every node computes the same ring.
 *
 * <p>The zone follows the address and capacity as {@code ;zone=NAME}: everything about a
 * node stays on its one entry (no second list to keep in step), and {@code ';'} appears in
 * no host name, IPv6 literal, port or number, so the entry stays unambiguous.
 *
 * <pre>{@code
 * ClusterMember m = ClusterMember.parse("n2@127.0.0.1:7082:8082");            // capacity 1, zone "default"
 * ClusterMember big = ClusterMember.parse("n3@10.0.0.3:7000:8000/2");         // owns about twice as much
 * ClusterMember far = ClusterMember.parse("n4@10.1.0.4:7000:8000/2;zone=dc2"); // in zone dc2
 * m.binaryAddress();   // "127.0.0.1:7082"
 * }</pre>
 *
 * @param id         node id (letters, digits, '-', '_')
 * @param host       host name or address (IPv6 in brackets)
 * @param binaryPort binary protocol port, 0..65535 (0 only for a one-node cluster: chosen at bind)
 * @param httpPort   HTTP API port, 0..65535 (same rule)
 * @param capacity   relative weight for partition ownership, finite and {@code > 0}
 * @param zone       the zone (data center or rack) it runs in ({@link NodeInfo#ZONE_RULE})
 */
public record ClusterMember(String id, String host, int binaryPort, int httpPort, double capacity, String zone) {

    /** The syntax of one entry, for error messages. */
    public static final String FORM = "id@host:binaryPort:httpPort[/capacity][;zone=name]";
    private static final String ZONE_ATTRIBUTE = "zone=";

    public ClusterMember {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(host, "host");
        if (!TableConfig.NAME.matcher(id).matches()) {
            throw new IllegalArgumentException("node id '" + id + "' must be 1 to 64 letters, digits, '-' or '_'");
        }
        if (host.isEmpty() || host.chars().anyMatch(c -> Character.isWhitespace(c) || c == ',' || c == '@')) {
            throw new IllegalArgumentException("host '" + host + "' must be a host name or address");
        }
        checkPort("binary port", binaryPort);
        checkPort("http port", httpPort);
        if (!(capacity > 0) || Double.isInfinite(capacity)) {
            throw new IllegalArgumentException("capacity must be a number greater than 0, was " + capacity);
        }
        if (!NodeInfo.isValidZone(zone)) {
            throw new IllegalArgumentException("zone '" + zone + "' must be " + NodeInfo.ZONE_RULE);
        }
    }

    /** A member of the {@linkplain NodeInfo#DEFAULT_ZONE default zone}. */
    public ClusterMember(String id, String host, int binaryPort, int httpPort, double capacity) {
        this(id, host, binaryPort, httpPort, capacity, NodeInfo.DEFAULT_ZONE);
    }

    private static void checkPort(String what, int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(what + " must be between 0 and 65535, was " + port);
        }
    }

    /**
     * Parses {@value #FORM}.
     *
     * @throws IllegalArgumentException naming the entry and the expected form
     */
    public static ClusterMember parse(String entry) {
        String s = entry.trim();
        try {
            int at = s.indexOf('@');
            if (at <= 0) {
                throw new IllegalArgumentException("missing 'id@'");
            }
            String id = s.substring(0, at);
            String rest = s.substring(at + 1);
            String zone = NodeInfo.DEFAULT_ZONE;
            int semicolon = rest.indexOf(';');
            if (semicolon >= 0) {
                String attribute = rest.substring(semicolon + 1).trim();
                if (!attribute.startsWith(ZONE_ATTRIBUTE)) {
                    throw new IllegalArgumentException("'" + attribute + "' after ';' must be zone=NAME");
                }
                zone = attribute.substring(ZONE_ATTRIBUTE.length()).trim();
                rest = rest.substring(0, semicolon).trim();
            }
            double capacity = 1.0;
            int slash = rest.lastIndexOf('/');
            if (slash >= 0) {
                capacity = parseCapacity(rest.substring(slash + 1));
                rest = rest.substring(0, slash);
            }
            // ports are taken from the right so that an IPv6 host in brackets keeps its colons
            int httpColon = rest.lastIndexOf(':');
            int binaryColon = httpColon <= 0 ? -1 : rest.lastIndexOf(':', httpColon - 1);
            if (binaryColon <= 0) {
                throw new IllegalArgumentException("expected host:binaryPort:httpPort after '@'");
            }
            String host = rest.substring(0, binaryColon);
            int binaryPort = parsePort(rest.substring(binaryColon + 1, httpColon));
            int httpPort = parsePort(rest.substring(httpColon + 1));
            return new ClusterMember(id, host, binaryPort, httpPort, capacity, zone);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("entry '" + s + "' is not " + FORM + " (" + e.getMessage()
                    + "), e.g. n1@127.0.0.1:7081:8081 or n1@10.0.0.1:7081:8081;zone=dc1", e);
        }
    }

    private static int parsePort(String text) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("port '" + text + "' is not an integer", e);
        }
    }

    private static double parseCapacity(String text) {
        try {
            return Double.parseDouble(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("capacity '" + text + "' is not a number", e);
        }
    }

    public String binaryAddress() {
        return host + ":" + binaryPort;
    }

    public String httpAddress() {
        return host + ":" + httpPort;
    }

    /** This member as the ring sees it: addressed by its binary endpoint. */
    public NodeInfo nodeInfo() {
        return new NodeInfo(id, binaryAddress(), capacity, zone);
    }

    /** This member as clients see it. */
    public Message.NodeAddress nodeAddress() {
        return new Message.NodeAddress(id, binaryAddress(), httpAddress());
    }

    /** This member with other ports (an ephemeral port once bound). */
    public ClusterMember withPorts(int newBinaryPort, int newHttpPort) {
        return new ClusterMember(id, host, newBinaryPort, newHttpPort, capacity, zone);
    }

    /** The entry as written in {@code cluster.nodes}. */
    @Override
    public String toString() {
        return id + "@" + host + ":" + binaryPort + ":" + httpPort + (capacity == 1.0 ? "" : "/" + capacity)
                + (zone.equals(NodeInfo.DEFAULT_ZONE) ? "" : ";zone=" + zone);
    }
}
