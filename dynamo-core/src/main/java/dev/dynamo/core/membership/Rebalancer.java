package dev.dynamo.core.membership;

import dev.dynamo.core.cluster.NodeContext;
import dev.dynamo.core.failure.FailureDetector;
import dev.dynamo.core.handoff.HintStore;
import dev.dynamo.core.protocol.Message;
import dev.dynamo.core.protocol.MessageCodec;
import dev.dynamo.core.protocol.Replies;
import dev.dynamo.core.ring.Ring;
import dev.dynamo.core.spi.KeyValue;
import dev.dynamo.core.spi.Transport;
import dev.dynamo.core.store.StorageKeys;
import dev.dynamo.core.table.Table;
import dev.dynamo.core.time.Scheduler;
import dev.dynamo.core.version.SiblingSet;
import dev.dynamo.core.version.SiblingSetCodec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves data while the ring changes (docs/membership.md, "Join, leave and remove"). Driven by the gossiped state:
 * for the next step of the active {@link Transition} (see {@link RingSteps}) it pulls every
 * (table, partition) this node becomes a replica of from an old replica, chunk by chunk
 * ({@link Message.PartitionPull} / {@link Message.PartitionChunk}), merging each key into
 * its store; an interrupted pull resumes from the last key received, at the next old
 * replica. Meanwhile coordinators also send writes to the new replicas
 * ({@link #pending}), and the old ones keep serving. When this node has everything for the
 * step, synced to disk, it says so in its gossip entry; any node that sees every receiver of the step
 * ready publishes the step's ring (they all compute the same one). Pulls start only once
 * every live member has seen the transition, so no coordinator still writes without
 * knowing the new replicas.
 *
 * <p>When the target ring is reached and every live member routes with it, each node waits
 * {@code cleanupDelayMillis} and deletes the data of partitions it no longer replicates,
 * so every key ends on exactly its preference nodes.
 *
 * <pre>{@code
 * Rebalancer r = new Rebalancer(node.context(), node.background().hints(), gossiper, config, () -> upkeep());
 * node.setPendingReplicas(r::pending);
 * r.tick();                     // after every state change and every gossip round
 * RebalanceProgress p = r.progress();
 * }</pre>
 */
public final class Rebalancer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Rebalancer.class);

    private record PullKey(long transition, long ringVersion, String table, int partition) {
    }

    /** One (table, partition) being copied; resumes from {@code nextKey}. */
    private static final class Pull {
        final RingSteps.Transfer transfer;
        final List<String> sources;
        byte[] nextKey = new byte[0];
        int attempt;
        boolean running;
        boolean copied; // every chunk merged; what is left is making it durable
        boolean done;

        Pull(RingSteps.Transfer transfer, List<String> sources) {
            this.transfer = transfer;
            this.sources = sources;
        }
    }

    /** The step being worked on: computed once per (transition, current ring). */
    private record Step(long transition, Ring current, Ring next, List<RingSteps.Transfer> mine, Set<String> receivers) {
    }

    private final String self;
    private final NodeContext node;
    private final HintStore hints;
    private final Gossiper gossiper;
    private final MembershipConfig config;
    private final Transport transport;
    private final Scheduler scheduler;
    private final FailureDetector detector;
    private final Map<String, Integer> tables;
    private final Runnable wake;
    private final Object lock = new Object();
    private final Map<PullKey, Pull> pulls = new LinkedHashMap<>();
    private final Set<String> redirecting = new java.util.HashSet<>();
    private volatile Step step;
    private volatile boolean closed;
    // progress, guarded by lock
    private long progressTransition;
    private long startedAt;
    private int transfersDone;
    private int transfersTotal;
    private long bytes;
    private long keys;
    private long retries;
    // cleanup, guarded by lock
    private long cleanedRingVersion = -1;
    private long cleanupEligibleSince = -1;
    private long cleanupEligibleRing = -1;

    /**
     * @param wake asks for a {@link #tick} soon, from the owner's single upkeep path (a
     *             finished pull, a cleanup that is due)
     */
    public Rebalancer(NodeContext node, HintStore hints, Gossiper gossiper, MembershipConfig config, Runnable wake) {
        this.node = Objects.requireNonNull(node, "node");
        this.hints = Objects.requireNonNull(hints, "hints");
        this.self = node.self();
        this.gossiper = Objects.requireNonNull(gossiper, "gossiper");
        this.config = Objects.requireNonNull(config, "config");
        this.transport = node.transport();
        this.scheduler = node.scheduler();
        this.detector = node.detector();
        this.wake = Objects.requireNonNull(wake, "wake");
        Map<String, Integer> t = new HashMap<>();
        for (Table table : node.tables().values()) {
            t.put(table.config().name(), table.config().n());
        }
        this.tables = Map.copyOf(t);
    }

    /** Table name to replication factor, as this node is configured (all nodes must agree). */
    public Map<String, Integer> tables() {
        return tables;
    }

    // ------------------------------------------------------------------ writes during a move

    /** The {@link dev.dynamo.core.coordination.PendingReplicas} of this node: cheap, never blocks. */
    public List<String> pending(int n, int partition) {
        GossipState state = gossiper.state();
        Transition t = state.activeTransition();
        if (t == null) {
            return List.of();
        }
        Ring current = state.ring();
        if (partition >= current.q()) {
            return List.of();
        }
        // the step of the last tick when it is current, else computed here: a write must not
        // miss a new replica in the moment between learning of a change and the next tick
        Step s = step;
        Ring next = s != null && s.transition() == t.id() && s.current().version() == current.version() ? s.next()
                : RingSteps.next(current, t.target(), t.batch());
        return RingSteps.pending(current, next, t.target(), n, partition);
    }

    // ------------------------------------------------------------------ driving

    /** Looks at the gossiped state and does what is due: start pulls, say ready, publish a step, clean up. */
    public void tick() {
        if (closed) {
            return;
        }
        GossipState s = gossiper.state();
        Transition t = s.activeTransition();
        if (t == null) {
            step = null;
            if (settled(s)) {
                maybeCleanup(s);
                redirectHints(s);
            }
            return;
        }
        Ring current = s.ring();
        Step st = step;
        if (st == null || st.transition() != t.id() || st.current().version() != current.version()
                || !st.current().equals(current)) {
            Ring next = RingSteps.next(current, t.target(), t.batch());
            st = new Step(t.id(), current, next, RingSteps.transfers(self, current, next, tables),
                    RingSteps.receivers(current, next, tables));
            step = st;
            noteTransition(t);
        }
        if (!everyLiveMemberHasSeen(s, t)) {
            return;
        }
        boolean allMine = true;
        List<Pull> toStart = new ArrayList<>();
        synchronized (lock) {
            int running = 0;
            for (Pull p : pulls.values()) {
                if (p.running) {
                    running++;
                }
            }
            for (RingSteps.Transfer tr : st.mine()) {
                PullKey key = new PullKey(t.id(), st.next().version(), tr.table(), tr.partition());
                Pull p = pulls.get(key);
                if (p == null) {
                    p = new Pull(tr, sources(st.current(), tr, s));
                    pulls.put(key, p);
                    transfersTotal++;
                }
                if (!p.done) {
                    allMine = false;
                    if (!p.running && running < config.maxConcurrentTransfers()) {
                        p.running = true;
                        running++;
                        toStart.add(p);
                    }
                }
            }
        }
        for (Pull p : toStart) {
            pullNext(t.id(), p);
        }
        if (allMine && st.receivers().contains(self)) {
            long nextVersion = st.next().version();
            gossiper.updateSelf(m -> m.withReady(t.id(), nextVersion));
        }
        maybePublish(st, t);
    }

    private void noteTransition(Transition t) {
        synchronized (lock) {
            if (progressTransition != t.id()) {
                progressTransition = t.id();
                startedAt = scheduler.clock().millis();
                transfersDone = 0;
                transfersTotal = 0;
                bytes = 0;
                keys = 0;
                retries = 0;
                pulls.keySet().removeIf(k -> k.transition() != t.id());
                LOG.info("node {}: ring change '{}' (transition {}) towards ring version {}: {} partitions move",
                        self, t.description(), t.id(), t.target().version(), t.totalMoves());
            }
        }
    }

    /** Pulls start only when every member that is not suspected knows the transition. */
    private boolean everyLiveMemberHasSeen(GossipState s, Transition t) {
        Set<String> suspected = detector.suspected();
        for (MemberState m : s.members().values()) {
            if (m.status() == NodeStatus.REMOVED || suspected.contains(m.id()) || m.id().equals(self)) {
                continue;
            }
            if (!s.ring().contains(m.id()) && !t.target().contains(m.id())) {
                continue; // a node outside both rings coordinates nothing
            }
            if (m.seenTransition() < t.id()) {
                return false;
            }
        }
        return true;
    }

    /** The step's ring goes live once every receiver has said it is ready for it. */
    private void maybePublish(Step st, Transition t) {
        GossipState s = gossiper.state();
        long nextVersion = st.next().version();
        for (String r : st.receivers()) {
            MemberState m = s.member(r);
            if (m == null || m.readyTransition() != t.id() || m.readyRingVersion() != nextVersion) {
                return;
            }
        }
        Ring current = st.current();
        Ring next = st.next();
        GossipState after = gossiper.update(x -> x.ring().equals(current) && t.equals(x.activeTransition())
                ? x.withRing(next) : x);
        if (after.ring().equals(next)) {
            LOG.info("node {}: ring version {} is live ('{}': {} of {} partitions moved)", self, next.version(),
                    t.description(), t.totalMoves() - RingSteps.remainingMoves(next, t.target()), t.totalMoves());
        }
    }

    /** Old replicas of the partition, live ones first; never this node. */
    private List<String> sources(Ring current, RingSteps.Transfer tr, GossipState s) {
        Set<String> suspected = detector.suspected();
        List<String> live = new ArrayList<>();
        List<String> rest = new ArrayList<>();
        for (String n : current.preferenceList(tr.partition(), tr.n())) {
            MemberState m = s.member(n);
            if (n.equals(self) || (m != null && m.status() == NodeStatus.REMOVED)) {
                continue;
            }
            (suspected.contains(n) ? rest : live).add(n);
        }
        live.addAll(rest);
        return live;
    }

    private void pullNext(long transition, Pull p) {
        if (closed) {
            return;
        }
        if (p.sources.isEmpty()) {
            finish(p); // nobody else held it: nothing to copy
            return;
        }
        if (p.copied) {
            syncAndFinish(transition, p, "(sync)"); // only the sync failed last time
            return;
        }
        String source = p.sources.get(p.attempt % p.sources.size());
        Message.PartitionPull request = new Message.PartitionPull(p.transfer.table(), p.transfer.partition(),
                p.nextKey, config.transferChunkKeys(), config.transferChunkBytes());
        transport.send(source, MessageCodec.encode(request), config.gossipTimeoutMillis())
                .thenApply(b -> Replies.expect(b, Message.PartitionChunk.class))
                .whenComplete((chunk, error) -> {
                    if (error != null) {
                        retry(transition, p, source, error);
                        return;
                    }
                    try {
                        apply(p, chunk);
                    } catch (RuntimeException e) {
                        retry(transition, p, source, e);
                        return;
                    }
                    if (chunk.done()) {
                        synchronized (lock) {
                            p.copied = true;
                        }
                        syncAndFinish(transition, p, source);
                    } else {
                        scheduler.execute(() -> pullNext(transition, p));
                    }
                });
    }

    private void apply(Pull p, Message.PartitionChunk chunk) {
        Table t = node.table(p.transfer.table());
        long b = 0;
        for (Message.TransferEntry e : chunk.entries()) {
            SiblingSet set = SiblingSetCodec.decode(e.siblings());
            t.store().merge(p.transfer.partition(), e.key(), set);
            b += e.key().length + e.siblings().length;
        }
        synchronized (lock) {
            p.nextKey = chunk.nextKey();
            bytes += b;
            keys += chunk.entries().size();
        }
    }

    private void retry(long transition, Pull p, String source, Throwable error) {
        int attempt;
        synchronized (lock) {
            attempt = ++p.attempt;
            retries++;
        }
        String nextSource = p.sources.get(attempt % p.sources.size());
        // the first failure and then every power of two: a long outage must not flood the log
        if (Integer.bitCount(attempt) == 1) {
            LOG.info("node {}: pulling {} partition {} from {} failed ({}; attempt {}); resuming from the last key"
                    + " at {}", self, p.transfer.table(), p.transfer.partition(), source, describe(error), attempt,
                    nextSource);
        } else {
            LOG.debug("node {}: pulling {} partition {} from {} failed again: {}", self, p.transfer.table(),
                    p.transfer.partition(), source, describe(error));
        }
        // a short pause, growing while every source keeps failing (they may all be restarting)
        int rounds = attempt / Math.max(1, p.sources.size());
        long delay = Math.max(1, config.probeIntervalMillis() / 4) << Math.min(rounds, 5);
        scheduler.schedule(() -> {
            GossipState s = gossiper.state();
            Transition t = s.activeTransition();
            if (closed || t == null || t.id() != transition) {
                synchronized (lock) {
                    p.running = false;
                }
                return;
            }
            pullNext(transition, p);
        }, delay);
    }

    private static String describe(Throwable e) {
        Throwable t = e;
        while (t instanceof java.util.concurrent.CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        return t.toString();
    }

    /**
     * Makes what the pull merged durable before the partition counts as received: this node
     * says it is ready (and the step's ring, which makes it an owner, may go live) only for
     * data that a crash would not take back. A failed sync is retried like a failed chunk.
     */
    private void syncAndFinish(long transition, Pull p, String source) {
        try {
            node.table(p.transfer.table()).store().sync();
        } catch (RuntimeException e) {
            retry(transition, p, source, e);
            return;
        }
        finish(p);
    }

    private void finish(Pull p) {
        synchronized (lock) {
            p.done = true;
            p.running = false;
            transfersDone++;
        }
        wake.run();
    }

    // ------------------------------------------------------------------ serving

    /**
     * Serves an old replica's side of a transfer: keys of one (table, partition) in key order,
     * at most as many keys and about as many bytes as the puller asked for and as this node's
     * own chunk settings allow, so that no pull makes it hold more than one chunk in memory
     * (a pull asking for more is served less, and counted against the setting it exceeded).
     */
    public Message.PartitionChunk serve(Message.PartitionPull pull) {
        Table t = node.table(pull.table());
        int maxKeys = pull.maxKeys();
        if (maxKeys > config.transferChunkKeys()) {
            maxKeys = config.transferChunkKeys();
            node.limits().refused(MembershipConfig.TRANSFER_CHUNK_KEYS);
        }
        int maxBytes = pull.maxBytes();
        if (maxBytes > config.transferChunkBytes()) {
            maxBytes = config.transferChunkBytes();
            node.limits().refused(MembershipConfig.TRANSFER_CHUNK_BYTES);
        }
        int keyLimit = maxKeys;
        int byteLimit = maxBytes;
        byte[] from = StorageKeys.of(pull.partition(), pull.startKey());
        byte[] to = StorageKeys.partitionEnd(pull.partition());
        List<Message.TransferEntry> entries = new ArrayList<>();
        byte[][] next = {null};
        long[] size = {0};
        t.store().scanRange(from, to, (KeyValue kv) -> {
            if (entries.size() >= keyLimit || (size[0] >= byteLimit && !entries.isEmpty())) {
                next[0] = StorageKeys.userKey(kv.key());
                return false;
            }
            byte[] key = StorageKeys.userKey(kv.key());
            entries.add(new Message.TransferEntry(key, kv.value()));
            size[0] += key.length + kv.value().length;
            return true;
        });
        return next[0] == null ? new Message.PartitionChunk(entries, new byte[0], true)
                : new Message.PartitionChunk(entries, next[0], false);
    }

    // ------------------------------------------------------------------ cleanup

    /** True when this node knows a real ring and every live member of it routes with it (or a newer one). */
    private boolean settled(GossipState s) {
        Ring ring = s.ring();
        if (ring.version() < 1) {
            return false;
        }
        Set<String> suspected = detector.suspected();
        for (MemberState m : s.members().values()) {
            if (m.status() == NodeStatus.REMOVED || suspected.contains(m.id()) || !ring.contains(m.id())) {
                continue;
            }
            if (m.ringVersion() < ring.version()) {
                return false;
            }
        }
        return true;
    }

    /**
     * Once the target ring runs everywhere (every live member routes with it) and the
     * cleanup delay has passed, deletes what this node no longer replicates.
     */
    private void maybeCleanup(GossipState s) {
        if (s.transition() == null) {
            return; // the ring never changed: nothing can be misplaced
        }
        Ring ring = s.ring();
        long now = scheduler.clock().millis();
        synchronized (lock) {
            if (cleanedRingVersion >= ring.version()) {
                return;
            }
            if (cleanupEligibleRing != ring.version()) {
                cleanupEligibleRing = ring.version();
                cleanupEligibleSince = now;
            }
            if (now - cleanupEligibleSince < config.cleanupDelayMillis()) {
                scheduler.schedule(wake, config.cleanupDelayMillis() - (now - cleanupEligibleSince));
                return;
            }
            cleanedRingVersion = ring.version();
        }
        // off the upkeep path: deleting a large share of the data takes a while
        scheduler.execute(() -> {
            try {
                long removed = cleanup(ring);
                LOG.info("node {}: ring version {} runs everywhere; deleted {} keys this node no longer replicates",
                        self, ring.version(), removed);
            } catch (RuntimeException e) {
                LOG.warn("node {}: deleting data it no longer replicates failed; retrying later", self, e);
                synchronized (lock) {
                    cleanedRingVersion = -1;
                    cleanupEligibleRing = -1;
                }
            }
        });
    }

    /** Deletes every stored key of a partition whose preference list (under {@code ring}) lacks this node. */
    long cleanup(Ring ring) {
        long removed = 0;
        for (Table t : node.tables().values()) {
            int n = t.config().n();
            for (int p = 0; p < ring.q(); p++) {
                if (ring.contains(self) && ring.preferenceList(p, n).contains(self)) {
                    continue;
                }
                byte[] from = StorageKeys.partitionStart(p);
                byte[] end = StorageKeys.partitionEnd(p);
                // a chunk at a time, so that a large partition never sits in memory at once
                while (from != null) { // ends: each pass deletes or skips a chunk and moves past it
                    List<KeyValue> doomed = new ArrayList<>();
                    t.store().scanRange(from, end, kv -> {
                        doomed.add(kv);
                        return doomed.size() < config.transferChunkKeys();
                    });
                    for (KeyValue kv : doomed) {
                        // only if unchanged: a write that arrived meanwhile keeps the key for the next round
                        if (t.store().removeStorageKeyIfUnchanged(kv.key(), SiblingSetCodec.decode(kv.value()))) {
                            removed++;
                        }
                    }
                    from = doomed.size() < config.transferChunkKeys() ? null
                            : successor(doomed.get(doomed.size() - 1).key());
                }
            }
        }
        return removed;
    }

    /** The smallest key after {@code key}: the key with a zero byte appended. */
    private static byte[] successor(byte[] key) {
        return java.util.Arrays.copyOf(key, key.length + 1);
    }

    // ------------------------------------------------------------------ hints for nodes gone

    /**
     * Hints kept for a node that is no longer in the ring (it left, or was removed while
     * dead) can never be handed back: they go to the key's current preference nodes
     * instead, a batch per tick, and are deleted once every one of them has them.
     */
    private void redirectHints(GossipState s) {
        Ring ring = s.ring();
        for (String target : hints.pending().keySet()) {
            // with no change in progress, a hint target outside the ring left or was removed:
            // only ring nodes ever get hints
            if (ring.contains(target)) {
                continue;
            }
            synchronized (lock) {
                if (!redirecting.add(target)) {
                    continue; // a batch for it is on its way
                }
            }
            List<dev.dynamo.core.handoff.HintStore.Hint> batch = new ArrayList<>();
            hints.forEach(target, h -> {
                batch.add(h);
                return batch.size() < config.transferChunkKeys();
            });
            List<CompletableFuture<?>> all = new ArrayList<>();
            for (dev.dynamo.core.handoff.HintStore.Hint h : batch) {
                all.add(redirect(ring, h));
            }
            CompletableFuture.allOf(all.toArray(new CompletableFuture<?>[0])).whenComplete((ok, error) -> {
                synchronized (lock) {
                    redirecting.remove(target);
                }
                if (error != null) {
                    LOG.debug("redirecting hints for {} failed: {}", target, describe(error));
                } else {
                    LOG.info("node {}: handed {} hints for departed node {} to the keys' replicas", self,
                            batch.size(), target);
                }
                wake.run();
            });
        }
    }

    private CompletableFuture<Void> redirect(Ring ring, dev.dynamo.core.handoff.HintStore.Hint h) {
        Integer n = tables.get(h.table());
        if (n == null || h.partition() >= ring.q()) {
            hints.remove(h); // a table no longer configured: nowhere to go
            return CompletableFuture.completedFuture(null);
        }
        List<CompletableFuture<?>> sends = new ArrayList<>();
        for (String replica : ring.preferenceList(h.partition(), n)) {
            if (replica.equals(self)) {
                node.table(h.table()).store().merge(h.partition(), h.key(), h.siblings());
                continue;
            }
            byte[] msg = MessageCodec.encode(new Message.ReplicaWrite(h.table(), h.partition(), h.key(), h.siblings(),
                    false, ""));
            sends.add(transport.send(replica, msg, config.gossipTimeoutMillis())
                    .thenApply(b -> Replies.expect(b, Message.ReplicaWriteResult.class)));
        }
        return CompletableFuture.allOf(sends.toArray(new CompletableFuture<?>[0]))
                .thenRun(() -> hints.remove(h));
    }

    // ------------------------------------------------------------------ progress

    public RebalanceProgress progress() {
        GossipState s = gossiper.state();
        Transition t = s.transition();
        if (t == null) {
            return RebalanceProgress.NONE;
        }
        boolean active = !t.doneAt(s.ring().version());
        int total = t.totalMoves();
        int done = active ? Math.max(0, total - RingSteps.remainingMoves(s.ring(), t.target())) : total;
        long now = scheduler.clock().millis();
        synchronized (lock) {
            boolean mine = progressTransition == t.id();
            long elapsed = mine ? Math.max(1, now - startedAt) : 1;
            double rate = mine ? bytes * 1000.0 / elapsed : 0;
            long eta = !active ? 0 : done == 0 ? -1 : (long) ((double) elapsed * (total - done) / done);
            return new RebalanceProgress(t.id(), t.description(), active, done, total, mine ? transfersDone : 0,
                    mine ? transfersTotal : 0, mine ? bytes : 0, mine ? keys : 0, mine ? retries : 0, rate, eta);
        }
    }

    @Override
    public void close() {
        closed = true;
    }
}
