package dev.dynamo.core.membership;

import dev.dynamo.api.BadRequestException;
import dev.dynamo.api.LimitExceededException;
import dev.dynamo.core.failure.FailureDetector;
import dev.dynamo.core.limits.LimitObserver;
import dev.dynamo.core.limits.LogLimiter;
import dev.dynamo.core.protocol.Message;
import dev.dynamo.core.protocol.MessageCodec;
import dev.dynamo.core.protocol.Replies;
import dev.dynamo.core.spi.Transport;
import dev.dynamo.core.time.Cancellable;
import dev.dynamo.core.time.Scheduler;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Spreads the {@link GossipState} (docs/membership.md, "Gossip"). Every gossip interval (one
 * <em>round</em>) a node bumps its heartbeat and exchanges its whole state with one random
 * live peer: it sends {@link Message.Gossip}, the peer merges and answers with its merged
 * state in {@link Message.GossipReply}, which the sender merges. As in Cassandra, it also
 * gossips now and then with a suspected peer (probability suspected/(live+1)), and with a
 * seed when the peer it chose was not one (probability seeds/(live+suspected), always when
 * it knows nobody): because every node keeps talking to the seeds, two groups of nodes
 * cannot drift apart into separate views (the paper's logical partitions), and a new node
 * needs only a seed to reach everyone.
 *
 * <p>Each newer heartbeat of a peer is reported to the {@link PhiAccrualFailureDetector}
 * (when the detector is one); a successful exchange counts as a sign of life. A failed
 * exchange is not reported as a failure: a peer that is slow for one round would
 * otherwise be suspected at once, and phi is the judge of silence.
 *
 * <p>Thread-safe; the state sits behind one lock, I/O and listeners run outside it.
 *
 * <pre>{@code
 * Gossiper g = new Gossiper(me, ring, List.of("n1"), config, transport, scheduler, detector, new Random(1), () -> {});
 * transport.start((from, bytes) -> g.handle(bytes));   // or through Membership's peer service
 * g.start();
 * GossipState view = g.state();
 * }</pre>
 */
public final class Gossiper implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Gossiper.class);
    /** The counter of gossiped entries and seeds refused as malformed (a fixed rule, see {@link MemberSyntax}). */
    public static final String MEMBER_SYNTAX = "membership.member-syntax";
    /** At most one log line per kind of refused gossip entry in this interval. */
    static final long REFUSAL_LOG_INTERVAL_MILLIS = 10_000;

    private final String self;
    private final List<String> seeds;
    private final MembershipConfig config;
    private final Transport transport;
    private final Scheduler scheduler;
    private final FailureDetector detector;
    private final Random random;
    private final Runnable onChange;
    private final LimitObserver limits;
    private final LogLimiter logLimiter;
    private final RingAdmission ringAdmission;
    private final Object lock = new Object();
    private GossipState state;
    private long rounds;
    private volatile boolean closed;
    private volatile Cancellable timer;

    /**
     * @param me        this node's entry
     * @param ring      the ring this node starts with (a joining node: a version-0 placeholder)
     * @param seeds     names the transport can send to (node ids, or addresses the transport resolves)
     * @param random    peer choices (seeded in tests, so runs replay)
     * @param onChange  called, outside any lock, after the state changed through gossip
     */
    public Gossiper(MemberState me, dev.dynamo.core.ring.Ring ring, List<String> seeds, MembershipConfig config,
                    Transport transport, Scheduler scheduler, FailureDetector detector, Random random,
                    Runnable onChange) {
        this(me, ring, seeds, config, transport, scheduler, detector, random, onChange, LimitObserver.NONE);
    }

    /**
     * @param limits told of every gossiped entry refused (malformed, or beyond
     *               {@link MembershipConfig#maxMembers()}) and every seed refused
     */
    public Gossiper(MemberState me, dev.dynamo.core.ring.Ring ring, List<String> seeds, MembershipConfig config,
                    Transport transport, Scheduler scheduler, FailureDetector detector, Random random,
                    Runnable onChange, LimitObserver limits) {
        this.self = me.id();
        this.config = Objects.requireNonNull(config, "config");
        if (seeds.size() > config.maxSeeds()) {
            throw new IllegalArgumentException(seeds.size() + " seeds are more than " + MembershipConfig.MAX_SEEDS
                    + " = " + config.maxSeeds());
        }
        this.seeds = new java.util.concurrent.CopyOnWriteArrayList<>(seeds);
        this.limits = Objects.requireNonNull(limits, "limits");
        this.logLimiter = new LogLimiter(scheduler.clock(), REFUSAL_LOG_INTERVAL_MILLIS);
        this.ringAdmission = new RingAdmission(config.maxRingVersionJump());
        this.transport = Objects.requireNonNull(transport, "transport");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.detector = Objects.requireNonNull(detector, "detector");
        this.random = Objects.requireNonNull(random, "random");
        this.onChange = Objects.requireNonNull(onChange, "onChange");
        this.state = GossipState.of(ring, List.of(me));
    }

    public String self() {
        return self;
    }

    /**
     * Adds a seed (an operator's {@code join --seed}); gossip uses it from the next round.
     *
     * @throws BadRequestException      when {@code seed} is empty or has whitespace or control characters
     * @throws LimitExceededException   when the node has {@link MembershipConfig#maxSeeds()} seeds already
     */
    public void addSeed(String seed) {
        synchronized (seeds) {
            if (checkSeed(seed)) {
                seeds.add(seed);
            }
        }
    }

    /**
     * Checks that {@link #addSeed} would take {@code seed}, without adding it; false when it is
     * a seed already.
     *
     * @throws BadRequestException      when {@code seed} is empty or has whitespace or control characters
     * @throws LimitExceededException   when the node has {@link MembershipConfig#maxSeeds()} seeds already
     */
    public boolean checkSeed(String seed) {
        Objects.requireNonNull(seed, "seed");
        // a seed is whatever the transport sends to (a node id with the in-JVM transport), so the looser rule
        if (seed.isEmpty() || !MemberSyntax.isValidAddress(seed)) {
            limits.refused(MEMBER_SYNTAX);
            throw new BadRequestException("seed " + MemberSyntax.describe(seed) + " is not an address: it "
                    + MemberSyntax.ADDRESS_RULE);
        }
        synchronized (seeds) {
            if (seeds.contains(seed)) {
                return false;
            }
            if (seeds.size() >= config.maxSeeds()) {
                limits.refused(MembershipConfig.MAX_SEEDS);
                throw LimitExceededException.of("the number of seeds", MembershipConfig.MAX_SEEDS, seeds.size() + 1L,
                        config.maxSeeds());
            }
            return true;
        }
    }

    /** The seeds, as configured and added. */
    public List<String> seeds() {
        return List.copyOf(seeds);
    }

    /** Starts gossiping: the first round after a random part of the interval, then every interval. */
    public void start() {
        long first;
        synchronized (lock) {
            first = 1 + (long) (random.nextDouble() * config.gossipIntervalMillis());
        }
        timer = scheduler.schedule(this::roundAndReschedule, first);
    }

    private void roundAndReschedule() {
        if (closed) {
            return;
        }
        try {
            round();
        } catch (RuntimeException e) {
            LOG.warn("gossip round of {} failed", self, e);
        }
        if (!closed) {
            timer = scheduler.schedule(this::roundAndReschedule, config.gossipIntervalMillis());
        }
    }

    /** The current view. */
    public GossipState state() {
        synchronized (lock) {
            return state;
        }
    }

    /** Rounds run so far. */
    public long rounds() {
        synchronized (lock) {
            return rounds;
        }
    }

    /** Changes the local state (own entry, ring, transition); returns the new state. */
    public GossipState update(UnaryOperator<GossipState> change) {
        GossipState after;
        boolean changed;
        synchronized (lock) {
            GossipState before = state;
            state = change.apply(state);
            after = state;
            changed = !after.equals(before);
        }
        if (changed) {
            onChange.run();
        }
        return after;
    }

    /** This node's entry changed: bump its version so that it wins everywhere. */
    public void updateSelf(UnaryOperator<MemberState> change) {
        update(s -> s.with(change.apply(s.member(self))));
    }

    /** One round: heartbeat, then exchanges with a live peer, maybe a suspected peer, maybe a seed. */
    public void round() {
        GossipState snapshot;
        synchronized (lock) {
            rounds++;
            state = state.with(state.member(self).heartbeat());
            snapshot = state;
        }
        Set<String> suspected = detector.suspected();
        List<String> live = new ArrayList<>();
        List<String> unreachable = new ArrayList<>();
        for (String peer : peers(snapshot)) {
            (suspected.contains(peer) ? unreachable : live).add(peer);
        }
        String chosen = null;
        if (!live.isEmpty()) {
            chosen = pick(live);
            exchange(chosen, snapshot);
        }
        if (!unreachable.isEmpty() && nextDouble() < (double) unreachable.size() / (live.size() + 1)) {
            exchange(pick(unreachable), snapshot);
        }
        List<String> seedTargets = new ArrayList<>();
        for (String seed : seeds) {
            if (!isSelf(seed, snapshot)) {
                seedTargets.add(seed);
            }
        }
        if (!seedTargets.isEmpty() && (chosen == null || !isSeed(chosen, snapshot) || live.size() < seedTargets.size())) {
            double p = live.isEmpty() ? 1.0 : (double) seedTargets.size() / (live.size() + unreachable.size());
            if (nextDouble() < p) {
                String seed = pick(seedTargets);
                if (!seed.equals(chosen)) {
                    exchange(seed, snapshot);
                }
            }
        }
    }

    private double nextDouble() {
        synchronized (lock) {
            return random.nextDouble();
        }
    }

    private String pick(List<String> from) {
        synchronized (lock) {
            return from.get(random.nextInt(from.size()));
        }
    }

    /** Nodes to gossip with: members and ring nodes, not this node, not removed ones. */
    private Set<String> peers(GossipState s) {
        Set<String> out = new TreeSet<>();
        s.ring().nodes().forEach(n -> out.add(n.id()));
        Transition t = s.activeTransition();
        if (t != null) {
            t.target().nodes().forEach(n -> out.add(n.id()));
        }
        s.members().forEach((id, m) -> {
            if (m.status() != NodeStatus.REMOVED) {
                out.add(id);
            } else {
                out.remove(id);
            }
        });
        out.remove(self);
        return out;
    }

    private boolean isSelf(String name, GossipState s) {
        MemberState me = s.member(self);
        return name.equals(self) || name.equals(me.binaryAddress());
    }

    private boolean isSeed(String peer, GossipState s) {
        MemberState m = s.member(peer);
        for (String seed : seeds) {
            if (seed.equals(peer) || (m != null && seed.equals(m.binaryAddress()))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Gossips once with {@code peer} now (for instance a seed named by the operator at
     * join), beside the periodic rounds.
     */
    public void contact(String peer) {
        exchange(peer, state());
    }

    /**
     * Gossips once with {@code peer} now; completes with the merged view once the peer answered
     * and its answer was merged, exceptionally when it could not be sent, the transport refused
     * the peer (with TLS: no certificate of the cluster CA), it did not answer within the gossip
     * timeout, or its answer was unusable. Whoever asks learns whether the peer is a member that
     * answers, before trusting it (an operator's {@code join?seed=}).
     */
    public CompletableFuture<GossipState> probe(String peer) {
        return exchange(peer, state());
    }

    private CompletableFuture<GossipState> exchange(String peer, GossipState snapshot) {
        byte[] request = MessageCodec.encode(new Message.Gossip(snapshot.encode()));
        CompletableFuture<byte[]> sent;
        try {
            sent = transport.send(peer, request, config.gossipTimeoutMillis());
        } catch (RuntimeException e) {
            LOG.debug("gossip to {} could not be sent: {}", peer, e.toString());
            return CompletableFuture.failedFuture(e);
        }
        CompletableFuture<GossipState> merged = new CompletableFuture<>();
        sent.thenApply(bytes -> Replies.expect(bytes, Message.GossipReply.class))
                .whenComplete((reply, error) -> {
                    if (error != null) {
                        LOG.debug("gossip with {} failed: {}", peer, error.toString());
                        merged.completeExceptionally(error);
                        return;
                    }
                    try {
                        GossipState theirs = GossipState.decode(reply.state());
                        if (theirs.members().containsKey(peer)) {
                            detector.success(peer);
                        }
                        merged.complete(merge(theirs));
                    } catch (RuntimeException e) {
                        // a peer chooses what it answers: no stack trace, at most one line per 10 s
                        limits.refused(MEMBER_SYNTAX);
                        logLimiter.warn(LOG, "gossip-unusable-reply", "node {}: gossip reply from {} is unusable: {}",
                                self, peer, e.toString());
                        merged.completeExceptionally(e);
                    }
                });
        return merged;
    }

    /** Serves a peer's {@link Message.Gossip}: merges it and answers with the merged view. */
    public Message.GossipReply serve(Message.Gossip gossip) {
        GossipState merged = merge(GossipState.decode(gossip.state()));
        return new Message.GossipReply(merged.encode());
    }

    /**
     * Merges a peer's view into this node's; returns the result. Entries with a malformed id
     * or address are dropped, and so are entries of nodes new to this node once it keeps
     * {@link MembershipConfig#maxMembers()} entries, unless the node is in the ring or in the
     * change in progress, and a ring or ring change that {@link RingAdmission} refuses is
     * replaced by this node's (each counted, and logged at most every
     * {@value #REFUSAL_LOG_INTERVAL_MILLIS} ms per kind).
     */
    public GossipState merge(GossipState theirs) {
        GossipState before;
        GossipState after;
        synchronized (lock) {
            before = state;
            GossipState merged = state.merge(admissible(state, theirs));
            MemberState mine = before.member(self);
            MemberState reported = merged.member(self);
            if (reported != mine) {
                // someone else's word about this node: only a removal is accepted, and this
                // node's entry is re-versioned above it so that its own view wins from now on
                MemberState keep = reported.status() == NodeStatus.REMOVED && mine.status() != NodeStatus.REMOVED
                        ? mine.withStatus(NodeStatus.REMOVED) : mine;
                merged = merged.with(keep.withVersion(Math.max(mine.version(), reported.version()) + 1));
                if (keep.status() == NodeStatus.REMOVED && mine.status() != NodeStatus.REMOVED) {
                    LOG.warn("node {} was removed from the cluster by an operator", self);
                }
            }
            state = merged;
            after = merged;
        }
        heartbeats(before, after);
        if (!after.equals(before)) {
            onChange.run();
        }
        return after;
    }

    /** {@code theirs} without the entries this node refuses to keep. Under the lock. */
    private GossipState admissible(GossipState mine, GossipState frame) {
        GossipState theirs = wellFormedRingAndChange(mine, frame);
        GossipState union = mine.merge(theirs); // the ring and change that will be in force
        Transition change = union.activeTransition();
        Map<String, MemberState> kept = new TreeMap<>();
        int known = mine.members().size();
        for (MemberState m : theirs.members().values()) {
            if (!MemberSyntax.isGossipId(m.id()) || !MemberSyntax.isGossipAddress(m.binaryAddress())
                    || !MemberSyntax.isGossipAddress(m.httpAddress()) || !MemberSyntax.isGossipId(m.zone())) {
                limits.refused(MEMBER_SYNTAX);
                logLimiter.warn(LOG, "gossip-malformed-member", "node {}: ignored a gossiped member entry with a"
                        + " malformed id, address or zone: id {}, addresses {} and {}, zone {}; {}", self,
                        MemberSyntax.describe(m.id()), MemberSyntax.describe(m.binaryAddress()),
                        MemberSyntax.describe(m.httpAddress()), MemberSyntax.describe(m.zone()),
                        MemberSyntax.GOSSIP_RULE);
                continue;
            }
            if (!mine.members().containsKey(m.id())) {
                boolean placed = union.ring().contains(m.id()) || (change != null && change.target().contains(m.id()));
                if (!placed && known >= config.maxMembers()) {
                    limits.refused(MembershipConfig.MAX_MEMBERS);
                    logLimiter.warn(LOG, "gossip-too-many-members", "node {}: ignored gossiped member {}: it keeps"
                            + " {} member entries already ({} = {}); nodes of the ring are always kept", self,
                            MemberSyntax.describe(m.id()), known, MembershipConfig.MAX_MEMBERS, config.maxMembers());
                    continue;
                }
                known++;
            }
            kept.put(m.id(), m);
        }
        GossipState entries = kept.size() == theirs.members().size() ? theirs
                : new GossipState(kept, theirs.ring(), theirs.transition());
        RingAdmission.Decision decision = ringAdmission.judge(mine, entries, mine.merge(entries).members());
        if (decision.refused()) {
            limits.refused(RingAdmission.REFUSALS);
            logLimiter.warn(LOG, "gossip-ring-refused", "node {}: ignored a gossiped {}; the frame's member entries"
                    + " are used", self, decision.refusal());
        }
        return decision.admitted();
    }

    /**
     * {@code frame}, its ring and ring change replaced by this node's when they name a node id
     * or address, an initiator or a description that gossip may not bring in: this node would
     * keep them in its ring, its {@code cluster.ring} file and its answers to operators.
     */
    private GossipState wellFormedRingAndChange(GossipState mine, GossipState frame) {
        Transition t = frame.transition();
        String malformed = null;
        if (!MemberSyntax.isGossipRing(frame.ring())) {
            malformed = "ring version " + frame.ring().version();
        } else if (t != null && (!MemberSyntax.isGossipId(t.initiator())
                || !MemberSyntax.isGossipDescription(t.description()) || !MemberSyntax.isGossipRing(t.target()))) {
            malformed = "ring change " + t.id() + " (initiator " + MemberSyntax.describe(t.initiator())
                    + ", description " + MemberSyntax.describe(t.description()) + ")";
        }
        if (malformed == null) {
            return frame;
        }
        limits.refused(MEMBER_SYNTAX);
        logLimiter.warn(LOG, "gossip-malformed-ring", "node {}: ignored a gossiped {} naming a malformed node id,"
                + " address or description ({}; descriptions at most {} printable characters); the frame's member"
                + " entries are used", self, malformed, MemberSyntax.GOSSIP_RULE, MemberSyntax.MAX_DESCRIPTION_CHARS);
        return new GossipState(frame.members(), mine.ring(), mine.transition());
    }

    private void heartbeats(GossipState before, GossipState after) {
        if (!(detector instanceof PhiAccrualFailureDetector phi)) {
            return;
        }
        after.members().forEach((id, now) -> {
            if (id.equals(self)) {
                return;
            }
            MemberState old = before.member(id);
            if (old != null && !now.newerThan(old)) {
                return;
            }
            if (now.status() == NodeStatus.REMOVED || (old != null && old.generation() != now.generation())) {
                phi.forget(id);
            }
            if (now.status() != NodeStatus.REMOVED) {
                phi.heartbeat(id);
            }
        });
    }

    @Override
    public void close() {
        closed = true;
        Cancellable t = timer;
        if (t != null) {
            t.cancel();
        }
    }
}
