package dev.dynamo.core.membership;

import dev.dynamo.core.cluster.ClusterState;
import dev.dynamo.core.coordination.PendingReplicas;
import dev.dynamo.core.failure.FailureDetector;
import dev.dynamo.core.node.DynamoNode;
import dev.dynamo.core.protocol.Message;
import dev.dynamo.core.ring.NodeInfo;
import dev.dynamo.core.ring.Ring;
import dev.dynamo.core.ring.RingPlan;
import dev.dynamo.core.ring.RingPlanner;
import dev.dynamo.core.spi.Transport;
import dev.dynamo.core.table.Table;
import dev.dynamo.core.time.Cancellable;
import dev.dynamo.core.time.Scheduler;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's membership: gossip ({@link Gossiper}), failure detection (the node's
 * {@link PhiAccrualFailureDetector}, fed by heartbeats), and the operator's ring changes
 * with live data movement ({@link Rebalancer}). It installs itself in the
 * {@link DynamoNode} as peer service (gossip and transfer messages), as the source of
 * pending replicas, and replaces the node's {@link ClusterState} whenever the ring or the
 * addresses change.
 *
 * <p>Ring changes are explicit: {@link #join()} (a new node, after {@link #start()} with a
 * seed), {@link #leave()} (this node hands its partitions to the others), and
 * {@link #remove(String)} (an operator removes a dead node). One change runs at a time;
 * {@code remove} may replace a change in progress (for instance one stuck because its
 * joining node died). Each returns a future that completes when the target ring runs.
 *
 * <pre>{@code
 * MembershipConfig config = MembershipConfig.DEFAULTS;
 * PhiAccrualFailureDetector detector = PhiAccrualFailureDetector.of(scheduler.clock(), config);
 * DynamoNode node = new DynamoNode(nodeConfig, tables, cluster, transport, scheduler, observer, options, detector);
 * Membership m = new Membership(new Message.NodeAddress("n4", "10.0.0.4:7081", "10.0.0.4:8081"),
 *         List.of("10.0.0.1:7081"), config, transport, scheduler, node);
 * m.start();
 * m.join().join();                      // n4 now owns about Q/S partitions
 * System.out.println(m.view());
 * m.close();
 * }</pre>
 *
 * <p>A node that joins starts with a placeholder ring ({@link #placeholderRing}); gossip
 * from a seed brings the cluster's ring. Thread-safe.
 */
public final class Membership implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Membership.class);

    private enum Kind { JOIN, LEAVE, REMOVE }

    /** Heartbeats a removed node may have sent that the remover did not hear of (rounds). */
    private static final long REMOVAL_VERSION_MARGIN = 10_000;
    /** How often a node says, at most, that a table cannot reach its quorum. */
    static final long SHORTFALL_LOG_INTERVAL_MILLIS = 30_000;
    /** Not before this long after start: the nodes of a cluster starting together need a moment to meet. */
    static final long SHORTFALL_LOG_GRACE_MILLIS = 10_000;

    /** An operator action waiting to start or to finish. */
    private static final class Op {
        final Kind kind;
        final String node;
        final CompletableFuture<Void> future = new CompletableFuture<>();
        long transition; // 0: not started

        Op(Kind kind, String node) {
            this.kind = kind;
            this.node = node;
        }
    }

    private final Message.NodeAddress self;
    private final MembershipConfig config;
    private final Scheduler scheduler;
    private final DynamoNode node;
    private final FailureDetector detector;
    private final Gossiper gossiper;
    private final Rebalancer rebalancer;
    private final RingPlanner planner;
    private final Map<String, Message.NodeAddress> configuredAddresses;
    private final AtomicBoolean syncScheduled = new AtomicBoolean();
    private final Object syncLock = new Object();
    private final List<Op> ops = new ArrayList<>();
    private volatile ClusterState published;
    private final List<java.util.function.Consumer<Ring>> ringListeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile boolean closed;
    private volatile Cancellable timer;
    /** Clock time of the last shortfall warning; set by start, then touched only by the periodic upkeep. */
    private long lastShortfallLog;

    /**
     * @param self      this node's id and addresses (what other nodes and clients use)
     * @param seeds     names the transport can send to: seed node ids, or "host:port" when the
     *                  transport resolves those (a seed equal to this node is skipped)
     * @param node      the node, built with the failure detector to feed (a
     *                  {@link PhiAccrualFailureDetector} for heartbeats; any other only sees
     *                  request outcomes) and with its starting cluster: the configured ring
     *                  (version >= 1) for a node of the initial cluster, or
     *                  {@link #placeholderRing} for a node that will {@link #join()}
     */
    public Membership(Message.NodeAddress self, List<String> seeds, MembershipConfig config, Transport transport,
                      Scheduler scheduler, DynamoNode node) {
        this.self = Objects.requireNonNull(self, "self");
        this.config = Objects.requireNonNull(config, "config");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.node = Objects.requireNonNull(node, "node");
        if (!self.id().equals(node.id())) {
            throw new IllegalArgumentException("membership of '" + self.id() + "' given node '" + node.id() + "'");
        }
        this.detector = node.failureDetector();
        ClusterState start = node.cluster();
        this.configuredAddresses = new HashMap<>(start.addresses());
        this.published = start;
        Ring ring = start.ring();
        boolean member = ring.version() >= 1 && ring.contains(self.id());
        long generation = scheduler.clock().millis();
        MemberState me = MemberState.initial(self.id(), self.binaryAddress(), self.httpAddress(),
                node.config().capacity(), node.config().zone(), member ? NodeStatus.NORMAL : NodeStatus.JOINING,
                generation, ring.version());
        Random random = new Random(self.id().hashCode() * 1_000_003L + generation);
        this.gossiper = new Gossiper(me, ring, seeds, config, transport, scheduler, detector, random,
                this::requestSync, node.context().limits());
        this.rebalancer = new Rebalancer(node.context(), node.background().hints(), gossiper, config, this::requestSync);
        int spread = 1;
        for (Table t : node.tables()) {
            spread = Math.max(spread, t.config().n());
        }
        this.planner = new RingPlanner(spread);
    }

    /** The ring a node that will join starts with: version 0, just itself (gossip replaces it). */
    public static Ring placeholderRing(String nodeId) {
        return Ring.of(0, List.of(NodeInfo.of(nodeId)), List.of(nodeId));
    }

    /**
     * Calls {@code listener} with every ring this node starts routing with (on the upkeep
     * path; it must not block for long). The server persists it, so that a node restarting
     * routes with the ring it last had rather than the configured one.
     */
    public void onRingChange(java.util.function.Consumer<Ring> listener) {
        ringListeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /** Starts serving gossip and transfers and gossiping. */
    public void start() {
        node.setPeerService(this::serve);
        node.setPendingReplicas(rebalancer::pending);
        gossiper.start();
        lastShortfallLog = scheduler.clock().millis() - SHORTFALL_LOG_INTERVAL_MILLIS + SHORTFALL_LOG_GRACE_MILLIS;
        timer = scheduler.schedule(this::periodic, config.gossipIntervalMillis());
        LOG.info("node {}: membership started ({}), ring version {}", self.id(),
                gossiper.state().member(self.id()).status(), gossiper.state().ring().version());
    }

    private void periodic() {
        if (closed) {
            return;
        }
        try {
            sync();
            logShortfalls();
        } catch (RuntimeException e) {
            LOG.warn("membership upkeep of {} failed", self.id(), e);
        }
        if (!closed) {
            timer = scheduler.schedule(this::periodic, config.gossipIntervalMillis());
        }
    }

    private CompletableFuture<? extends Message> serve(String from, Message m) {
        if (closed) {
            return null;
        }
        if (m instanceof Message.Gossip g) {
            return CompletableFuture.completedFuture(gossiper.serve(g));
        }
        if (m instanceof Message.PartitionPull p) {
            return CompletableFuture.completedFuture(rebalancer.serve(p));
        }
        return null;
    }

    private void requestSync() {
        if (syncScheduled.compareAndSet(false, true)) {
            scheduler.execute(() -> {
                syncScheduled.set(false);
                if (!closed) {
                    sync();
                }
            });
        }
    }

    /** Brings everything in line with the gossiped state: own entry, the node's ring, operations, data movement. */
    private void sync() {
        synchronized (syncLock) {
            GossipState s = gossiper.state();
            long seen = s.transition() == null ? 0 : s.transition().id();
            gossiper.updateSelf(m -> m.withRing(s.ring().version(), Math.max(m.seenTransition(), seen)));
            MemberState me = gossiper.state().member(self.id());
            Transition active = s.activeTransition();
            if (active == null && me.status() == NodeStatus.JOINING && s.ring().contains(self.id())
                    && s.ring().version() >= 1) {
                gossiper.updateSelf(m -> m.withStatus(NodeStatus.NORMAL));
                LOG.info("node {} is a member of ring version {}: status normal", self.id(), s.ring().version());
            } else if (active == null && me.status() == NodeStatus.LEAVING && !s.ring().contains(self.id())) {
                gossiper.updateSelf(m -> m.withStatus(NodeStatus.REMOVED));
                LOG.info("node {} has left the ring (version {}): it owns nothing now", self.id(), s.ring().version());
            } else if (me.status() == NodeStatus.NORMAL && s.ring().version() >= 1 && !s.ring().contains(self.id())
                    && (active == null || !active.target().contains(self.id()))) {
                // restarted after it left or was removed: the cluster's ring has moved on without it
                gossiper.updateSelf(m -> m.withStatus(NodeStatus.REMOVED));
                LOG.warn("node {} is not in the cluster's ring (version {}): it serves no partitions; join it again"
                        + " to give it some", self.id(), s.ring().version());
            }
            ClusterState cs = clusterState(gossiper.state());
            if (!cs.equals(published)) {
                boolean newRing = !cs.ring().equals(published.ring());
                published = cs;
                node.updateCluster(cs);
                if (newRing) {
                    for (java.util.function.Consumer<Ring> l : ringListeners) {
                        try {
                            l.accept(cs.ring());
                        } catch (RuntimeException e) {
                            LOG.warn("ring listener of {} failed on ring version {}", self.id(), cs.ring().version(), e);
                        }
                    }
                }
            }
            runOps();
            rebalancer.tick();
            forgetUnknownPeers(gossiper.state());
        }
    }

    /** The failure detector tracks members and ring nodes only, not every name a peer or request made up. */
    private void forgetUnknownPeers(GossipState s) {
        if (!(detector instanceof PhiAccrualFailureDetector phi)) {
            return;
        }
        Set<String> known = new java.util.HashSet<>(s.members().keySet());
        s.ring().nodes().forEach(n -> known.add(n.id()));
        Transition t = s.activeTransition();
        if (t != null) {
            t.target().nodes().forEach(n -> known.add(n.id()));
        }
        phi.retainOnly(known);
    }

    /** The ring and the addresses of every node that may be asked something. */
    private ClusterState clusterState(GossipState s) {
        Map<String, Message.NodeAddress> addresses = new HashMap<>(configuredAddresses);
        Transition t = s.activeTransition();
        for (MemberState m : s.members().values()) {
            if (m.status() != NodeStatus.REMOVED || s.ring().contains(m.id())) {
                addresses.put(m.id(), new Message.NodeAddress(m.id(), m.binaryAddress(), m.httpAddress()));
            } else {
                addresses.remove(m.id());
            }
        }
        addresses.keySet().removeIf(id -> !s.ring().contains(id) && (t == null || !t.target().contains(id))
                && (s.member(id) == null || s.member(id).status() == NodeStatus.REMOVED));
        return new ClusterState(s.ring(), addresses);
    }

    // ------------------------------------------------------------------ operator actions

    /**
     * Makes this node a member: once gossip has brought the cluster's ring (through a
     * seed), plans the ring with this node added (fewest moves, about Q/S partitions come
     * here), then pulls them. Completes when the target ring runs; at once if this node
     * is already a member.
     */
    public CompletableFuture<Void> join() {
        GossipState s = gossiper.state();
        if (s.ring().version() >= 1 && s.ring().contains(self.id()) && s.activeTransition() == null) {
            return CompletableFuture.completedFuture(null);
        }
        return enqueue(new Op(Kind.JOIN, self.id()));
    }

    /**
     * {@link #join()} through {@code seed} ("host:port" of any member, or a node id): for a node
     * started without configured seeds. See {@link #admitSeed}; fails as it does, and then does
     * not join.
     */
    public CompletableFuture<Void> join(String seed) {
        return admitSeed(seed).thenCompose(admitted -> join());
    }

    /**
     * Gossips with {@code seed} at once and keeps it among this node's seeds only if that
     * exchange succeeds: the seed answered, and with TLS on it presented a node certificate of the
     * cluster CA, as the transport requires of every peer. A seed that fails is not kept, so an
     * address given to {@code join?seed=} by mistake or by an attacker is not gossiped with on
     * every round from then on; the operator asks again once the seed is up.
     *
     * @return completes once the seed is kept; fails at once with
     *         {@link dev.dynamo.api.BadRequestException} for an invalid address or
     *         {@link dev.dynamo.api.LimitExceededException} when the node has
     *         {@link MembershipConfig#maxSeeds()} seeds, and after the exchange with an
     *         {@link IllegalStateException} saying why the seed was not kept
     */
    public CompletableFuture<Void> admitSeed(String seed) {
        Objects.requireNonNull(seed, "seed");
        if (seed.isBlank()) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("seed must not be blank"));
        }
        String address = seed.strip();
        try {
            gossiper.checkSeed(address);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return gossiper.probe(address).handle((merged, error) -> {
            if (error != null) {
                throw new CompletionException(seedRefused(address, error));
            }
            gossiper.addSeed(address);
            return null;
        });
    }

    private IllegalStateException seedRefused(String address, Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        String why = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        LOG.warn("node {}: seed {} not kept: the first gossip exchange with it failed ({})", self.id(),
                MemberSyntax.describe(address), cause.getClass().getSimpleName());
        return new IllegalStateException("seed " + MemberSyntax.describe(address) + " did not complete a gossip"
                + " exchange (" + why + "): it is not kept as a seed. A seed must be a running member of this"
                + " cluster; with TLS, one that presents a node certificate of the cluster CA", cause);
    }

    /** Hands this node's partitions to the others; completes when the ring without it runs. */
    public CompletableFuture<Void> leave() {
        GossipState s = gossiper.state();
        if (!s.ring().contains(self.id())) {
            return CompletableFuture.failedFuture(new IllegalStateException("node " + self.id()
                    + " is not in the ring (version " + s.ring().version() + "): nothing to leave"));
        }
        if (s.ring().nodes().size() < 2) {
            return CompletableFuture.failedFuture(new IllegalStateException("node " + self.id()
                    + " is the only node of the ring: it cannot leave"));
        }
        Transition t = s.activeTransition();
        if (t != null) {
            return CompletableFuture.failedFuture(busy(t));
        }
        return enqueue(new Op(Kind.LEAVE, self.id()));
    }

    /**
     * Removes dead node {@code nodeId} from the ring: its partitions go to the others, who
     * copy them from the surviving replicas. Refused while this node does not suspect it
     * and has heard of it by gossip (a live node should {@link #leave()}). Replaces a ring
     * change in progress.
     */
    public CompletableFuture<Void> remove(String nodeId) {
        Objects.requireNonNull(nodeId, "nodeId");
        GossipState s = gossiper.state();
        Transition t = s.activeTransition();
        boolean known = s.ring().contains(nodeId) || (t != null && t.target().contains(nodeId));
        if (nodeId.equals(self.id())) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("node " + nodeId
                    + " cannot remove itself; use leave"));
        }
        if (!known) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("node " + nodeId
                    + " is not in the ring (version " + s.ring().version() + "); nodes: " + ids(s.ring())));
        }
        // a node never heard of by gossip (configured, but never started) counts as dead too
        if (!detector.suspected().contains(nodeId) && s.member(nodeId) != null) {
            return CompletableFuture.failedFuture(new IllegalStateException("node " + nodeId
                    + " looks alive from " + self.id() + ": stop it first, or run leave on it"));
        }
        return enqueue(new Op(Kind.REMOVE, nodeId));
    }

    private static IllegalStateException busy(Transition t) {
        return new IllegalStateException("a ring change is in progress ('" + t.description() + "', towards ring version "
                + t.target().version() + "); try again when it has completed");
    }

    private static List<String> ids(Ring ring) {
        return ring.nodes().stream().map(NodeInfo::id).toList();
    }

    private CompletableFuture<Void> enqueue(Op op) {
        synchronized (syncLock) {
            if (closed) {
                return CompletableFuture.failedFuture(new IllegalStateException("membership is closed"));
            }
            ops.add(op);
        }
        requestSync();
        return op.future;
    }

    /** Starts operations whose time has come and completes the finished ones. Under syncLock. */
    private void runOps() {
        for (Iterator<Op> it = ops.iterator(); it.hasNext(); ) {
            Op op = it.next();
            GossipState s = gossiper.state();
            Transition active = s.activeTransition();
            if (op.transition != 0) {
                boolean done = switch (op.kind) {
                    case JOIN -> s.ring().contains(op.node);
                    case LEAVE, REMOVE -> !s.ring().contains(op.node);
                };
                if (active == null && done) {
                    LOG.info("node {}: {} {} is complete, ring version {}", self.id(), op.kind, op.node,
                            s.ring().version());
                    it.remove();
                    op.future.complete(null);
                } else if (active == null || (active.id() != op.transition && op.kind != Kind.REMOVE
                        && !targetMatches(op, active))) {
                    // another change replaced this one: start over when the cluster is quiet
                    op.transition = 0;
                }
                continue;
            }
            try {
                start(op, s);
            } catch (RuntimeException e) {
                it.remove();
                op.future.completeExceptionally(e);
            }
        }
    }

    private static boolean targetMatches(Op op, Transition t) {
        return op.kind == Kind.JOIN ? t.target().contains(op.node) : !t.target().contains(op.node);
    }

    private void start(Op op, GossipState s) {
        Ring ring = s.ring();
        Transition active = s.activeTransition();
        if (op.kind != Kind.REMOVE && active != null) {
            if (targetMatches(op, active)) {
                op.transition = active.id(); // already under way (a retried operation)
            }
            return; // one change at a time: wait
        }
        if (op.kind == Kind.REMOVE && active != null && !active.target().contains(op.node)) {
            markRemoved(op.node);
            op.transition = active.id(); // the change under way removes it already
            return;
        }
        if (op.kind == Kind.JOIN && ring.version() < 1) {
            return; // the cluster's ring has not arrived yet
        }
        Map<String, NodeInfo> members = new java.util.TreeMap<>();
        for (NodeInfo n : (active != null ? active.target() : ring).nodes()) {
            members.put(n.id(), n);
        }
        String description;
        switch (op.kind) {
            case JOIN -> {
                if (ring.contains(op.node)) {
                    op.transition = -1; // nothing to do: completes on the next pass
                    return;
                }
                members.put(self.id(), nodeInfo());
                description = "join " + self.id();
                if (s.member(self.id()).status() != NodeStatus.JOINING) {
                    gossiper.updateSelf(m -> m.withStatus(NodeStatus.JOINING));
                }
            }
            case LEAVE -> {
                members.remove(self.id());
                description = "leave " + self.id();
                gossiper.updateSelf(m -> m.withStatus(NodeStatus.LEAVING));
            }
            default -> {
                members.remove(op.node);
                description = "remove " + op.node;
                markRemoved(op.node);
            }
        }
        if (members.isEmpty()) {
            throw new IllegalStateException(description + " would leave no node in the ring");
        }
        RingPlan plan = planner.plan(ring, new ArrayList<>(members.values()));
        int moves = RingSteps.remainingMoves(ring, plan.ring());
        int steps = Math.max(1, (moves + config.moveBatchPartitions() - 1) / config.moveBatchPartitions());
        Ring target = RingSteps.withVersion(plan.ring(), ring.version() + steps);
        long id = (s.transition() == null ? 0 : s.transition().id()) + 1;
        Transition t = new Transition(id, self.id(), description, target, config.moveBatchPartitions(), moves);
        GossipState after = gossiper.update(x -> x.ring().equals(ring) && Objects.equals(x.transition(), s.transition())
                ? x.withTransition(t) : x);
        if (t.equals(after.transition())) {
            op.transition = id;
            LOG.info("node {}: {} planned: {} partitions move in {} steps, ring version {} -> {}", self.id(),
                    description, moves, steps, ring.version(), target.version());
            rebalancer.tick();
        }
    }

    private NodeInfo nodeInfo() {
        try {
            return new NodeInfo(self.id(), self.binaryAddress(), node.config().capacity(), node.config().zone());
        } catch (IllegalArgumentException e) {
            // not a host:port (in-JVM transports): the ring does not need it, gossip carries addresses
            return new NodeInfo(self.id(), null, node.config().capacity(), node.config().zone());
        }
    }

    private void markRemoved(String id) {
        gossiper.update(x -> {
            MemberState m = x.member(id);
            if (m == null) {
                Message.NodeAddress a = configuredAddresses.get(id);
                double capacity = x.ring().node(id).map(NodeInfo::capacity).orElse(1.0);
                String zone = x.ring().zoneOf(id).orElse(NodeInfo.DEFAULT_ZONE);
                m = MemberState.initial(id, a == null ? "" : a.binaryAddress(), a == null ? "" : a.httpAddress(),
                        capacity, zone, NodeStatus.REMOVED, 0, 0);
                return x.with(m);
            }
            // well above the last heartbeat this node heard of it: others may have heard a few
            // more before it died, and the removal must win over those everywhere
            return m.status() == NodeStatus.REMOVED ? x
                    : x.with(m.withStatus(NodeStatus.REMOVED).withVersion(m.version() + REMOVAL_VERSION_MARGIN));
        });
    }

    // ------------------------------------------------------------------ observation

    public MembershipView view() {
        GossipState s = gossiper.state();
        Set<String> suspected = detector.suspected();
        List<MembershipView.Member> members = new ArrayList<>();
        for (MemberState m : s.members().values()) {
            boolean me = m.id().equals(self.id());
            double phi = !me && detector instanceof PhiAccrualFailureDetector p ? p.phi(m.id()) : 0;
            members.add(new MembershipView.Member(m.id(), m.binaryAddress(), m.httpAddress(), m.capacity(), m.status(),
                    !me && suspected.contains(m.id()), phi, s.ring().partitionsOf(m.id()).size(), m.ringVersion(),
                    m.generation(), m.version(), true, s.ring().zoneOf(m.id()).orElse(m.zone())));
        }
        for (NodeInfo n : s.ring().nodes()) {
            if (!s.members().containsKey(n.id())) { // configured, or in the ring gossip brought, but never heard from
                Message.NodeAddress a = configuredAddresses.get(n.id());
                members.add(new MembershipView.Member(n.id(), a == null ? n.address() : a.binaryAddress(),
                        a == null ? null : a.httpAddress(), n.capacity(), NodeStatus.NORMAL, true, 0,
                        s.ring().partitionsOf(n.id()).size(), 0, 0, 0, false, n.zone()));
            }
        }
        return new MembershipView(self.id(), s.ring().version(), s.ring().q(), members, rebalancer.progress());
    }

    /** How many nodes this one can reach now, and who is missing (see {@link #logShortfalls}). */
    public QuorumReach reach() {
        GossipState s = gossiper.state();
        List<String> all = new ArrayList<>(s.members().keySet());
        s.ring().nodes().stream().map(NodeInfo::id).filter(id -> !s.members().containsKey(id)).forEach(all::add);
        return QuorumReach.of(all, self.id(), s.members().keySet(), detector.suspected());
    }

    /**
     * Logs, at most every {@link #SHORTFALL_LOG_INTERVAL_MILLIS}, each table that cannot reach its R or W
     * nodes: otherwise a node that never reached its peers fails every write with no word in its log.
     */
    private void logShortfalls() {
        long now = scheduler.clock().millis();
        if (now - lastShortfallLog < SHORTFALL_LOG_INTERVAL_MILLIS) {
            return;
        }
        QuorumReach reach = reach();
        boolean logged = false;
        for (Table t : node.tables()) {
            String why = reach.shortfall(t.config().name(), t.config().r(), t.config().w());
            if (why != null) {
                LOG.warn("node {}: {}; gets and puts fail with insufficient_replicas until enough nodes are"
                        + " reachable", self.id(), why);
                logged = true;
            }
        }
        if (logged) {
            lastShortfallLog = now;
        }
    }

    public RebalanceProgress progress() {
        return rebalancer.progress();
    }

    /** The gossiped state (tests, diagnostics). */
    public GossipState state() {
        return gossiper.state();
    }

    public Gossiper gossiper() {
        return gossiper;
    }

    /** Stops gossiping and moving data; operations not complete fail. The node stays open. */
    @Override
    public void close() {
        List<Op> left;
        synchronized (syncLock) {
            if (closed) {
                return;
            }
            closed = true;
            left = new ArrayList<>(ops);
            ops.clear();
        }
        Cancellable t = timer;
        if (t != null) {
            t.cancel();
        }
        gossiper.close();
        rebalancer.close();
        node.setPendingReplicas(PendingReplicas.NONE);
        for (Op op : left) {
            op.future.completeExceptionally(new IllegalStateException("membership of " + self.id() + " closed"));
        }
    }
}
