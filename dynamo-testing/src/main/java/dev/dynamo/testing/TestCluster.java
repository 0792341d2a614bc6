package dev.dynamo.testing;

import dev.dynamo.api.DynamoClient;
import dev.dynamo.core.cluster.ClusterState;
import dev.dynamo.core.coordination.RequestObserver;
import dev.dynamo.core.failure.FailureDetector;
import dev.dynamo.core.failure.OutcomeFailureDetector;
import dev.dynamo.core.membership.Membership;
import dev.dynamo.core.membership.MembershipConfig;
import dev.dynamo.core.membership.PhiAccrualFailureDetector;
import dev.dynamo.core.node.DynamoNode;
import dev.dynamo.core.node.NodeConfig;
import dev.dynamo.core.node.NodeOptions;
import dev.dynamo.core.protocol.Message;
import dev.dynamo.core.ring.NodeInfo;
import dev.dynamo.core.ring.Ring;
import dev.dynamo.core.ring.RingPlanner;
import dev.dynamo.core.spi.PluginRegistry;
import dev.dynamo.core.spi.Transport;
import dev.dynamo.core.table.TableConfig;
import dev.dynamo.core.time.Scheduler;
import dev.dynamo.core.time.VirtualScheduler;
import dev.dynamo.core.transport.local.LocalNetwork;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * A whole cluster in one JVM for tests: nodes n1..nS with their tables, on the {@code local}
 * network or on {@code netty} over 127.0.0.1, under virtual or real time, with or without
 * membership (gossip, phi accrual failure detection, joins and leaves). The one harness of
 * the project: unit-level cluster tests, the scenario suite ({@link ClusterScenarios}), the
 * HTTP and client tests and the simulation all build their clusters here.
 *
 * <pre>{@code
 * try (TestCluster c = TestCluster.builder()
 *         .nodes(3)
 *         .table(TableConfig.of("t", 3, 2, 2, "memory", KeepAllTestReconcilerProvider.NAME))
 *         .build()) {                                   // local network, virtual time, seed 1
 *     Context ctx = c.client("n1").put("t", Utf8.bytes("k"), Context.EMPTY, Utf8.bytes("v"));
 *     c.kill("n2");                                     // as kill -9 would
 *     c.client("n3").get("t", Utf8.bytes("k"));         // time runs while the test waits
 *     c.restart("n2");                                  // a new node over n2's data directory
 *     c.network().partition(Set.of("n1"), Set.of("n3")); // local network only
 *     c.runUntil(() -> c.node("n1").background().hints().pendingTotal() == 0, 30_000, "hints delivered");
 * }
 * }</pre>
 *
 * <p>Waits are bounded: {@link #await(CompletableFuture)} and the blocking {@link #client}
 * fail the test when the answer does not come, {@link #runUntil} after its bound. On virtual
 * time everything runs on the test thread while it waits, and a run is a function of the
 * seed; on real time nodes run on a scheduler's threads and netty's. {@link #close()} stops
 * every node, transport and thread the cluster started, and deletes its data directory
 * unless the test gave one ({@link Builder#dataDir}).
 *
 * <p>Not thread-safe: one test thread drives it (nodes may run on their own threads).
 */
public final class TestCluster implements AutoCloseable {
    /** Options for test clusters: memory system tables, fast hint delivery, anti-entropy and purge off. */
    public static final NodeOptions DEFAULT_OPTIONS = NodeOptions.DEFAULTS.withSystemEngine("memory")
            .withHints(200, 100).withAntiEntropy(0, 10_000).withTombstones(24L * 3600 * 1000, 0);

    /** Every initial node's membership seed. */
    private static final String FIRST_NODE = "n1";

    private final ClusterSpec spec;
    private final ClusterTime time;
    private final Wiring wiring;
    private final Optional<TempDirectory> ownDirectory;
    private final Path dataDir;
    private final Map<String, NodeSlot> slots = new LinkedHashMap<>();
    private ClusterState installed;

    private TestCluster(ClusterSpec spec) {
        this.spec = spec;
        // the directory first: if it cannot be made, no thread has started yet
        this.ownDirectory = spec.dataDir().isPresent() ? Optional.empty()
                : Optional.of(new TempDirectory("dynamo-test-cluster"));
        this.dataDir = spec.dataDir().orElseGet(() -> ownDirectory.orElseThrow().path());
        this.time = ClusterTime.of(spec);
        this.wiring = Wiring.of(spec, time.scheduler());
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Starts the cluster {@code spec} describes; what started is closed again if a node fails to start. */
    public static TestCluster start(ClusterSpec spec) {
        TestCluster cluster = new TestCluster(spec);
        try {
            cluster.startInitialNodes();
        } catch (RuntimeException | Error e) {
            try {
                cluster.close();
            } catch (RuntimeException closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
        return cluster;
    }

    private void startInitialNodes() {
        List<NodeInfo> infos = new ArrayList<>();
        List<Message.NodeAddress> addresses = new ArrayList<>();
        for (int i = 1; i <= spec.nodes(); i++) {
            String id = "n" + i;
            infos.add(new NodeInfo(id, null, 1.0, spec.zones().apply(id)));
            addresses.add(wiring.address(id));
        }
        installed = ClusterState.of(new RingPlanner().initial(spec.partitions(), infos), addresses);
        for (NodeInfo info : infos) {
            slots.put(info.id(), new NodeSlot(info.id(), nodeConfig(info.id()), List.of(FIRST_NODE), installed));
        }
        // every node listens before any gossips, so that no first round finds a peer missing
        slots.values().forEach(this::startNode);
        slots.values().forEach(this::startMembership);
    }

    private NodeConfig nodeConfig(String id) {
        String binary = wiring.address(id).binaryAddress();
        int port = spec.transport() == TransportKind.NETTY
                ? Integer.parseInt(binary.substring(binary.lastIndexOf(':') + 1)) : 0;
        return new NodeConfig(id, "127.0.0.1", port, 0, dataDir.resolve(id), 1.0, 10, spec.zones().apply(id));
    }

    private void startNode(NodeSlot slot) {
        PluginRegistry plugins = spec.plugins().apply(slot.id);
        Transport transport = spec.transportWrapper().apply(slot.id, wiring.open(slot.id, plugins));
        slot.transport = transport;
        Scheduler scheduler = spec.schedulers().apply(slot.id, time.scheduler());
        DynamoNode node = new DynamoNode(slot.config, spec.tables(), slot.cluster, transport, scheduler,
                spec.observers().apply(slot.id), spec.nodeOptions(), failureDetector(scheduler), plugins);
        slot.node = node;
        transport.start(node);
        node.startBackground();
    }

    /** With membership, phi accrual fed by gossip heartbeats; without, the node's own outcome counting. */
    private FailureDetector failureDetector(Scheduler scheduler) {
        NodeOptions options = spec.nodeOptions();
        return spec.membership().<FailureDetector>map(config -> PhiAccrualFailureDetector.of(scheduler.clock(), config))
                .orElseGet(() -> new OutcomeFailureDetector(scheduler.clock(), options.failuresToSuspect(),
                        options.probeIntervalMillis()));
    }

    private void startMembership(NodeSlot slot) {
        if (spec.membership().isEmpty()) {
            return;
        }
        slot.membership = new Membership(wiring.address(slot.id), slot.seeds, spec.membership().get(), slot.transport,
                spec.schedulers().apply(slot.id, time.scheduler()), slot.node);
        slot.membership.start();
    }

    // ---------------------------------------------------------------- nodes

    /** What this cluster was built from. */
    public ClusterSpec spec() {
        return spec;
    }

    /** The running node {@code id}. */
    public DynamoNode node(String id) {
        NodeSlot slot = slot(id);
        if (!slot.isUp()) {
            throw new IllegalStateException("node " + id + " is down; restart(\"" + id + "\") first");
        }
        return slot.node;
    }

    /** Every node's id, up or down, in the order they were added. */
    public List<String> nodeIds() {
        return List.copyOf(slots.keySet());
    }

    public boolean isUp(String id) {
        return slot(id).isUp();
    }

    /** Node {@code id}'s membership; membership must be on. */
    public Membership membership(String id) {
        requireMembership();
        Membership m = slot(id).membership;
        if (m == null) {
            throw new IllegalStateException("node " + id + " is down; restart(\"" + id + "\") first");
        }
        return m;
    }

    /** A blocking client whose requests node {@code id} coordinates (see {@link #await(CompletableFuture)}). */
    public DynamoClient client(String id) {
        slot(id);
        return new NodeClient(this, id);
    }

    /** Node {@code id}'s address on the binary protocol: {@code 127.0.0.1:port} on netty, {@code local:id} else. */
    public String binaryAddress(String id) {
        slot(id);
        return wiring.address(id).binaryAddress();
    }

    /** Every node's binary address, in {@link #nodeIds()} order: the seeds a client needs. */
    public List<String> binaryAddresses() {
        return nodeIds().stream().map(this::binaryAddress).toList();
    }

    /** Node {@code id}'s data directory (one sub-directory per table). */
    public Path dataDir(String id) {
        return slot(id).config.dataDir();
    }

    /**
     * Kills node {@code id} as {@code kill -9} would, as far as its peers can tell: on the local
     * network its messages in flight are lost and its pending sends fail at once; its port
     * closes. The node object is dropped: a memory engine loses what it held. (Engines are
     * closed, so a persistent one keeps what it wrote; dynamo-sim's crashable engines lose
     * what was not synced.) No-op when it is down.
     */
    public void kill(String id) {
        NodeSlot slot = slot(id);
        if (slot.isUp()) {
            wiring.kill(id);
            shutDown(slot);
        }
    }

    /** Stops node {@code id} in order: membership, node (flushing its engines), then its transport. No-op when down. */
    public void stop(String id) {
        NodeSlot slot = slot(id);
        if (slot.isUp()) {
            shutDown(slot);
        }
    }

    private void shutDown(NodeSlot slot) {
        slot.cluster = slot.node.cluster();
        closeAll(slot.takeRunningParts());
    }

    /**
     * Starts a new incarnation of node {@code id} over its data directory, on its address,
     * routing with the ring it last routed with (and with membership, gossiping again).
     * No-op when it is up.
     */
    public void restart(String id) {
        NodeSlot slot = slot(id);
        if (slot.isUp()) {
            return;
        }
        startNode(slot);
        startMembership(slot);
        wiring.revive(id);
    }

    /**
     * Starts a new node that knows nothing of the cluster but {@code seed} (null: no seed; it
     * learns of one through {@link Membership#join(String)}). It owns nothing until it joins:
     * {@code membership(id).join()}. Membership must be on.
     */
    public Membership addNode(String id, String seed) {
        requireMembership();
        if (slots.containsKey(id)) {
            throw new IllegalArgumentException("node " + id + " exists already");
        }
        ClusterState alone = ClusterState.of(Membership.placeholderRing(id), List.of(wiring.address(id)));
        NodeSlot slot = new NodeSlot(id, nodeConfig(id), seed == null ? List.of() : List.of(seed), alone);
        slots.put(id, slot);
        startNode(slot);
        startMembership(slot);
        return slot.membership;
    }

    private void requireMembership() {
        if (spec.membership().isEmpty()) {
            throw new IllegalStateException("membership is off; build the cluster with membership(config)");
        }
    }

    private NodeSlot slot(String id) {
        NodeSlot slot = slots.get(id);
        if (slot == null) {
            throw new IllegalArgumentException("no node " + id + "; nodes: " + slots.keySet());
        }
        return slot;
    }

    // ---------------------------------------------------------------- ring

    /**
     * The ring this harness installed (at start or by {@link #updateRing}). With membership
     * on, the nodes move on from it: ask a node, {@code node(id).cluster().ring()}.
     */
    public Ring ring() {
        return installed.ring();
    }

    /** Gives every node, up or down, {@code ring} with the same addresses, as an operator's ring file would. */
    public void updateRing(Ring ring) {
        installed = new ClusterState(ring, installed.addresses());
        for (NodeSlot slot : slots.values()) {
            slot.cluster = installed;
            if (slot.isUp()) {
                slot.node.updateCluster(installed);
            }
        }
    }

    // ---------------------------------------------------------------- time and faults

    /** The scheduler every node runs on. */
    public Scheduler scheduler() {
        return time.scheduler();
    }

    /** The cluster's clock now, in milliseconds. */
    public long now() {
        return time.scheduler().clock().millis();
    }

    /**
     * Lets time pass until {@code f} completes and returns its value, or throws its failure
     * as the typed {@link dev.dynamo.api.DynamoException} a client would see. On virtual time it
     * runs one task at a time (so {@code f} completes at its exact virtual moment), at most
     * millions of them; on real time it waits up to a minute.
     */
    public <T> T await(CompletableFuture<T> f) {
        time.runUntilDone(f);
        return DynamoClient.await(f);
    }

    /** Like {@link #await(CompletableFuture)}, bounded by {@code maxMillis} of cluster time, failing with {@code what}. */
    public <T> T await(CompletableFuture<T> f, long maxMillis, String what) {
        time.runUntil(f::isDone, maxMillis, what);
        return DynamoClient.await(f);
    }

    /** Lets {@code millis} pass: background work (hints, read repair, gossip) runs meanwhile. */
    public void runFor(long millis) {
        time.runFor(millis);
    }

    /** Lets time pass until {@code done} holds; fails the test naming {@code what} after {@code maxMillis}. */
    public void runUntil(BooleanSupplier done, long maxMillis, String what) {
        time.runUntil(done, maxMillis, what);
    }

    /** The local network, for fault injection (partitions, drops, delays, network-level crashes). */
    public LocalNetwork network() {
        return wiring.network().orElseThrow(() -> new IllegalStateException("the " + spec.transport()
                + " transport has no simulated network; faults there are kill, stop and restart"));
    }

    /** Stops every node, transport and thread the cluster started, then deletes its own data directory. */
    @Override
    public void close() {
        List<AutoCloseable> parts = new ArrayList<>();
        for (NodeSlot slot : slots.values()) {
            parts.addAll(slot.takeRunningParts());
        }
        parts.add(wiring);
        parts.add(time);
        ownDirectory.ifPresent(parts::add);
        closeAll(parts);
    }

    /** Closes each in order, all of them even when one fails; then throws the first failure. */
    private static void closeAll(List<AutoCloseable> parts) {
        RuntimeException failure = null;
        for (AutoCloseable part : parts) {
            try {
                part.close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = new IllegalStateException("closing " + part + " failed", e);
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    // ---------------------------------------------------------------- builder

    /**
     * Builds a {@link TestCluster}. Defaults: 3 nodes, 32 partitions, local transport,
     * virtual time, membership off, seed 1, {@link #DEFAULT_OPTIONS}, a temporary data
     * directory; at least one table must be given.
     */
    public static final class Builder {
        private int nodes = 3;
        private int partitions = 32;
        private final List<TableConfig> tables = new ArrayList<>();
        private TransportKind transport = TransportKind.LOCAL;
        private TimeKind time = TimeKind.VIRTUAL;
        private Optional<MembershipConfig> membership = Optional.empty();
        private long seed = 1;
        private NodeOptions nodeOptions = DEFAULT_OPTIONS;
        private Optional<Path> dataDir = Optional.empty();
        private Map<String, String> transportProperties = Map.of();
        private Function<String, RequestObserver> observers = id -> RequestObserver.NONE;
        private BiFunction<String, Transport, Transport> transportWrapper = (id, t) -> t;
        private Optional<VirtualScheduler> virtualScheduler = Optional.empty();
        private BiFunction<String, Scheduler, Scheduler> schedulers = (id, shared) -> shared;
        private Function<String, PluginRegistry> plugins = id -> PluginRegistry.installed();
        private Function<String, String> zones = id -> NodeInfo.DEFAULT_ZONE;

        private Builder() {
        }

        /** Nodes n1..n{count} of the initial ring. */
        public Builder nodes(int count) {
            this.nodes = count;
            return this;
        }

        /** Q, the initial ring's partitions. */
        public Builder partitions(int q) {
            this.partitions = q;
            return this;
        }

        /** Adds tables every node serves. */
        public Builder table(TableConfig... configs) {
            tables.addAll(Arrays.asList(configs));
            return this;
        }

        public Builder transport(TransportKind kind) {
            this.transport = Objects.requireNonNull(kind, "kind");
            return this;
        }

        public Builder time(TimeKind kind) {
            this.time = Objects.requireNonNull(kind, "kind");
            return this;
        }

        /** Membership on, with {@code config}; every initial node has n1 as its seed. */
        public Builder membership(MembershipConfig config) {
            this.membership = Optional.of(config);
            return this;
        }

        /** Membership on with {@link MembershipConfig#DEFAULTS}, or off. */
        public Builder membership(boolean on) {
            this.membership = on ? Optional.of(MembershipConfig.DEFAULTS) : Optional.empty();
            return this;
        }

        /** The local network's random seed (drops, duplicates, jitter). */
        public Builder seed(long value) {
            this.seed = value;
            return this;
        }

        public Builder nodeOptions(NodeOptions options) {
            this.nodeOptions = Objects.requireNonNull(options, "options");
            return this;
        }

        /** Node directories go under {@code dir}, which the test owns: the cluster does not delete it. */
        public Builder dataDir(Path dir) {
            this.dataDir = Optional.of(dir);
            return this;
        }

        /** Netty transport properties over the defaults ({@code io-threads} 1, {@code shutdown-grace-millis} 200). */
        public Builder transportProperties(Map<String, String> properties) {
            this.transportProperties = Map.copyOf(properties);
            return this;
        }

        /** Each node's request observer (metrics, counters), by node id. */
        public Builder observers(Function<String, RequestObserver> byNode) {
            this.observers = Objects.requireNonNull(byNode, "byNode");
            return this;
        }

        /** Wraps each node's transport, by node id, before the node gets it (for instance to silence it). */
        public Builder wrapTransports(BiFunction<String, Transport, Transport> wrapper) {
            this.transportWrapper = Objects.requireNonNull(wrapper, "wrapper");
            return this;
        }

        /**
         * Virtual time on {@code scheduler}, which the caller drives and schedules on too (a
         * simulation's workload and faults share the nodes' clock).
         */
        public Builder virtualTime(VirtualScheduler scheduler) {
            this.time = TimeKind.VIRTUAL;
            this.virtualScheduler = Optional.of(scheduler);
            return this;
        }

        /**
         * Each node's scheduler, by node id, given the cluster's: one that runs its tasks on the
         * cluster's but reads another clock (a skewed one) or counts what it runs.
         */
        public Builder schedulers(BiFunction<String, Scheduler, Scheduler> byNode) {
            this.schedulers = Objects.requireNonNull(byNode, "byNode");
            return this;
        }

        /** The plugin registry each node opens its engines and transport through, by node id (extensions, added engines). */
        public Builder plugins(Function<String, PluginRegistry> byNode) {
            this.plugins = Objects.requireNonNull(byNode, "byNode");
            return this;
        }

        /** Each node's zone, by node id, for the initial nodes and those {@linkplain TestCluster#addNode added} later. */
        public Builder zones(Function<String, String> byNode) {
            this.zones = Objects.requireNonNull(byNode, "byNode");
            return this;
        }

        public ClusterSpec spec() {
            return new ClusterSpec(nodes, partitions, tables, transport, time, membership, seed, nodeOptions, dataDir,
                    transportProperties, observers, transportWrapper, virtualScheduler, schedulers, plugins, zones);
        }

        public TestCluster build() {
            return TestCluster.start(spec());
        }
    }
}
