package dev.dynamo.server.config;

import dev.dynamo.core.cluster.ClusterState;
import dev.dynamo.core.membership.Membership;
import dev.dynamo.core.membership.MembershipConfig;
import dev.dynamo.core.node.NodeConfig;
import dev.dynamo.core.node.NodeOptions;
import dev.dynamo.core.protocol.Message;
import dev.dynamo.core.ring.NodeInfo;
import dev.dynamo.core.ring.Ring;
import dev.dynamo.core.ring.RingPlanner;
import dev.dynamo.core.table.TableConfig;
import dev.dynamo.http.HttpApiServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything one node is started with, parsed once from a configuration directory
 * ({@code node.properties} and {@code tables/<table>.properties}) by {@link ConfigLoader}.
 * Code never reads a raw properties file after this.
 *
 * <pre>{@code
 * ServerConfig config = ServerConfig.load(Path.of("conf"));
 * ClusterState cluster = config.clusterState();   // the same ring on every node
 * }</pre>
 *
 * @param confDir             the directory the configuration was read from
 * @param node                this node's settings
 * @param q                   number of partitions of the ring
 * @param members             every node of the cluster, this one included, sorted by id
 * @param transport           transport plugin name
 * @param transportProperties {@code transport.<transport>.*} keys without the prefix
 * @param tables              the tables, sorted by name
 * @param tableFiles          each table's file, for error messages at open
 * @param options             background machinery: hints, anti-entropy, tombstones, failure detection
 * @param membership          gossip, phi accrual failure detection and data movement settings
 * @param seeds               binary addresses ({@code host:port}) of nodes to gossip with first
 * @param joining             this node is not in {@code cluster.nodes}: it starts outside the ring and
 *                            becomes a member through a seed when an operator runs {@code join}
 * @param http                the HTTP API's threads and limits ({@code http.*} keys)
 * @param tls                 mutual TLS of the binary port ({@code tls.*} keys), {@link TlsSettings#off()} for none
 * @param httpAuth            the HTTP API's password authentication ({@code http.auth.*} keys)
 */
public record ServerConfig(Path confDir, NodeConfig node, int q, List<ClusterMember> members, String transport,
                           Map<String, String> transportProperties, List<TableConfig> tables,
                           Map<String, Path> tableFiles, NodeOptions options, MembershipConfig membership,
                           List<String> seeds, boolean joining, HttpApiServer.Options http, TlsSettings tls,
                           HttpAuthSettings httpAuth) {

    public ServerConfig {
        Objects.requireNonNull(confDir, "confDir");
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(transport, "transport");
        members = List.copyOf(members);
        transportProperties = Map.copyOf(transportProperties);
        tables = List.copyOf(tables);
        tableFiles = Map.copyOf(tableFiles);
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(membership, "membership");
        seeds = List.copyOf(seeds);
        Objects.requireNonNull(http, "http");
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(httpAuth, "httpAuth");
        if (members.stream().noneMatch(m -> m.id().equals(node.id()))) {
            throw new IllegalArgumentException("cluster members " + members + " do not include this node '"
                    + node.id() + "'");
        }
    }

    /** Parses {@code confDir}; see {@link ConfigLoader#load}. */
    public static ServerConfig load(Path confDir) {
        return ConfigLoader.load(confDir);
    }

    /** This node's cluster entry. */
    public ClusterMember self() {
        return members.stream().filter(m -> m.id().equals(node.id())).findFirst().orElseThrow();
    }

    /** The file {@code table} was read from. */
    public Path tableFile(String table) {
        return tableFiles.getOrDefault(table, confDir.resolve("tables").resolve(table + ".properties"));
    }

    /**
     * This configuration with this node's ports replaced by the ones actually bound (port 0
     * asks the system for a free one; only a one-node cluster may do that).
     */
    public ServerConfig withBoundPorts(int binaryPort, int httpPort) {
        NodeConfig n = new NodeConfig(node.id(), node.host(), binaryPort, httpPort, node.dataDir(), node.capacity(),
                node.maxClockEntries(), node.zone());
        List<ClusterMember> updated = new ArrayList<>();
        for (ClusterMember m : members) {
            updated.add(m.id().equals(node.id()) ? m.withPorts(binaryPort, httpPort) : m);
        }
        return new ServerConfig(confDir, n, q, updated, transport, transportProperties, tables, tableFiles, options,
                membership, seeds, joining, http, tls, httpAuth);
    }

    /**
     * The initial ring over {@link #members} and their addresses. Deterministic: every
     * node with the same {@code q} and {@code cluster.nodes} computes the same ring.
     *
     * @throws IllegalStateException while a member's port is still 0 (not bound yet)
     */
    public ClusterState clusterState() {
        if (joining) {
            ClusterMember me = self();
            return ClusterState.of(Membership.placeholderRing(me.id()), List.of(me.nodeAddress()));
        }
        List<NodeInfo> infos = new ArrayList<>();
        List<Message.NodeAddress> addresses = new ArrayList<>();
        for (ClusterMember m : members) {
            if (m.binaryPort() == 0 || m.httpPort() == 0) {
                throw new IllegalStateException("node '" + m.id() + "' has port 0; bind first, then withBoundPorts");
            }
            infos.add(m.nodeInfo());
            addresses.add(m.nodeAddress());
        }
        Ring ring = new RingPlanner().initial(q, infos);
        return ClusterState.of(ring, addresses);
    }
}
