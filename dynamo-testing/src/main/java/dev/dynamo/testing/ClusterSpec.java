package dev.dynamo.testing;

import dev.dynamo.core.coordination.RequestObserver;
import dev.dynamo.core.membership.MembershipConfig;
import dev.dynamo.core.node.NodeOptions;
import dev.dynamo.core.spi.PluginRegistry;
import dev.dynamo.core.spi.Transport;
import dev.dynamo.core.table.TableConfig;
import dev.dynamo.core.time.Scheduler;
import dev.dynamo.core.time.VirtualScheduler;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * What {@link TestCluster.Builder} builds: checked once, then read by {@link TestCluster}.
 *
 * @param nodes               nodes n1..n{nodes} of the initial ring
 * @param partitions          Q, partitions of the initial ring
 * @param tables              every node's tables
 * @param transport           local network or netty on loopback
 * @param time                virtual or real time
 * @param membership          gossip, failure detection and ring changes; empty: a fixed ring
 * @param seed                the local network's random seed (drops, jitter)
 * @param nodeOptions         every node's background tunables
 * @param dataDir             where node directories go; empty: a temporary directory deleted on close
 * @param transportProperties the netty transport's properties over the defaults (ignored by local)
 * @param observers           each node's request observer, by node id
 * @param transportWrapper    wraps each node's transport (for instance in one that never answers)
 * @param virtualScheduler    the virtual clock to run on, when the caller drives it too; empty: the cluster's own
 * @param schedulers          each node's scheduler, by node id, given the cluster's; it must run its tasks on
 *                            the cluster's (a node's skewed clock in the simulation)
 * @param plugins             the plugin registry each node opens its engines and transport through, by node id
 * @param zones               each node's zone, by node id (initial nodes and nodes added later)
 */
public record ClusterSpec(int nodes, int partitions, List<TableConfig> tables, TransportKind transport, TimeKind time,
                          Optional<MembershipConfig> membership, long seed, NodeOptions nodeOptions,
                          Optional<Path> dataDir, Map<String, String> transportProperties,
                          Function<String, RequestObserver> observers,
                          BiFunction<String, Transport, Transport> transportWrapper,
                          Optional<VirtualScheduler> virtualScheduler,
                          BiFunction<String, Scheduler, Scheduler> schedulers,
                          Function<String, PluginRegistry> plugins, Function<String, String> zones) {
    public ClusterSpec {
        if (nodes < 1) {
            throw new IllegalArgumentException("a cluster needs at least one node, was " + nodes);
        }
        if (partitions < nodes) {
            throw new IllegalArgumentException("partitions (" + partitions + ") must be at least the nodes ("
                    + nodes + ")");
        }
        tables = List.copyOf(tables);
        if (tables.isEmpty()) {
            throw new IllegalArgumentException("a cluster needs at least one table: call table(...)");
        }
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(time, "time");
        if (transport == TransportKind.NETTY && time == TimeKind.VIRTUAL) {
            throw new IllegalArgumentException("netty runs on its own threads in real time: use time(TimeKind.REAL)");
        }
        Objects.requireNonNull(membership, "membership");
        Objects.requireNonNull(nodeOptions, "nodeOptions");
        Objects.requireNonNull(dataDir, "dataDir");
        transportProperties = Map.copyOf(transportProperties);
        Objects.requireNonNull(observers, "observers");
        Objects.requireNonNull(transportWrapper, "transportWrapper");
        Objects.requireNonNull(virtualScheduler, "virtualScheduler");
        if (virtualScheduler.isPresent() && time != TimeKind.VIRTUAL) {
            throw new IllegalArgumentException("a virtual scheduler was given but time is " + time);
        }
        Objects.requireNonNull(schedulers, "schedulers");
        Objects.requireNonNull(plugins, "plugins");
        Objects.requireNonNull(zones, "zones");
    }
}
