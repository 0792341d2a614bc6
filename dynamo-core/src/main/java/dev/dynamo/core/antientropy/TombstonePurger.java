package dev.dynamo.core.antientropy;

import dev.dynamo.core.cluster.ClusterState;
import dev.dynamo.core.cluster.NodeContext;
import dev.dynamo.core.protocol.Message;
import dev.dynamo.core.protocol.MessageCodec;
import dev.dynamo.core.protocol.Replies;
import dev.dynamo.core.spi.Transport;
import dev.dynamo.core.store.SiblingStore;
import dev.dynamo.core.table.Table;
import dev.dynamo.core.time.Cancellable;
import dev.dynamo.core.time.Scheduler;
import dev.dynamo.core.version.SiblingSet;
import dev.dynamo.core.version.Version;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Purges tombstones, and only when that cannot bring a deleted value back: the key holds
 * nothing but tombstones, the newest is older than the grace period, this node has seen
 * the key hold only tombstones for twice the grace period by elapsed time, and every
 * replica of the preference list answers with exactly the same sibling set. Then each
 * replica removes the key only if it is still unchanged. The first node of a partition's
 * preference list does this for the partition, so replicas do not race each other.
 *
 * <p>A replica that is down keeps the purge from happening (it cannot confirm); a hint
 * held longer than the grace period is dropped instead of delivered (see the hinted
 * handoff), so a delayed hint cannot bring back what was purged.
 *
 * <p>Why elapsed time as well as the timestamps: a tombstone's timestamp is its
 * coordinator's clock and the cutoff this node's, so with clocks skewed past the grace
 * period (a node ahead, a coordinator behind) the timestamp rule alone purges at once,
 * while a hint of a value the tombstone deleted may still be on its way, and that value
 * came back (the simulation's {@code tombstone-skew} and {@code mixed} faults,
 * docs/simulation.md). A hint of such a value was stored before the tombstone reached
 * this node (up to one message delay later), and its holder drops it after the grace
 * period of elapsed time; waiting twice that here leaves room for the last delivery to
 * arrive, as long as no message takes longer than half the grace period. The first sight
 * is kept in memory (at most {@value #MAX_TRACKED} keys per pass; more wait for later
 * passes): after a restart the wait starts over, which only delays purges.
 *
 * <pre>{@code
 * node.background().tombstonePurger().purge().join();   // returns the number of keys purged
 * }</pre>
 */
public final class TombstonePurger implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TombstonePurger.class);

    private final String self;
    private final Map<String, Table> tables;
    private final Supplier<ClusterState> cluster;
    private final Transport transport;
    private final Scheduler scheduler;
    private final long graceMillis;
    private final long intervalMillis;
    private final long requestTimeoutMillis;
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicLong purged = new AtomicLong();
    /** Keys seen holding only tombstones, to when (elapsed time) this node first saw them so. */
    private volatile Map<Held, Long> firstSeen = Map.of();
    private volatile Cancellable timer;
    private volatile boolean closed;

    public TombstonePurger(NodeContext node, long graceMillis, long intervalMillis) {
        this.self = node.self();
        this.tables = node.tables();
        this.cluster = node.cluster();
        this.transport = node.transport();
        this.scheduler = node.scheduler();
        this.graceMillis = graceMillis;
        this.intervalMillis = intervalMillis;
        this.requestTimeoutMillis = node.requestTimeoutMillis();
    }

    public void start() {
        if (intervalMillis > 0) {
            schedule();
        }
    }

    private void schedule() {
        if (!closed) {
            timer = scheduler.schedule(() -> purge().whenComplete((n, e) -> schedule()), intervalMillis);
        }
    }

    /** Keys purged so far by this node. */
    public long purged() {
        return purged.get();
    }

    private record Candidate(Table table, int partition, byte[] key, SiblingSet set, List<String> others) {
    }

    /** A key of a table, for {@link #firstSeen}. */
    private record Held(String table, int partition, ByteBuffer key) {
    }

    static final int MAX_TRACKED = 100_000;

    /** One purge pass over the partitions this node leads; completes with the keys purged. */
    public CompletableFuture<Integer> purge() {
        if (!running.compareAndSet(false, true)) {
            return CompletableFuture.completedFuture(0);
        }
        long cutoff = scheduler.clock().millis() - graceMillis;
        long elapsed = scheduler.elapsedMillis();
        Map<Held, Long> before = firstSeen;
        Map<Held, Long> seen = new HashMap<>();
        ClusterState state = cluster.get();
        List<Candidate> candidates = new ArrayList<>();
        for (Table t : tables.values()) {
            for (int p = 0; p < state.ring().q(); p++) {
                List<String> pref = state.ring().preferenceList(p, t.config().n());
                if (!pref.get(0).equals(self)) {
                    continue;
                }
                List<String> others = pref.subList(1, pref.size());
                int partition = p;
                t.store().scanPartition(p, k -> {
                    if (!k.siblings().isDeleted()) {
                        return;
                    }
                    Held id = new Held(t.config().name(), partition, ByteBuffer.wrap(k.key()));
                    Long first = before.get(id);
                    if (first == null && seen.size() < MAX_TRACKED) {
                        first = elapsed;
                    }
                    if (first == null) {
                        return;
                    }
                    seen.put(id, first);
                    if (newest(k.siblings()) < cutoff && elapsed - first >= 2 * graceMillis) {
                        candidates.add(new Candidate(t, partition, k.key(), k.siblings(), others));
                    }
                });
            }
        }
        firstSeen = seen;
        CompletableFuture<Integer> chain = CompletableFuture.completedFuture(0);
        for (Candidate c : candidates) {
            chain = chain.thenCompose(n -> closed ? CompletableFuture.completedFuture(n)
                    : purgeOne(c).handle((ok, e) -> {
                        if (e != null) {
                            LOG.debug("tombstone purge skipped: {}", e.toString());
                        }
                        return n + (Boolean.TRUE.equals(ok) ? 1 : 0);
                    }));
        }
        return chain.whenComplete((n, e) -> {
            running.set(false);
            if (n != null && n > 0) {
                LOG.info("purged {} tombstones", n);
            }
        });
    }

    private static long newest(SiblingSet set) {
        long max = 0;
        for (Version v : set.versions()) {
            max = Math.max(max, v.timestamp());
        }
        return max;
    }

    /** Confirms every other replica holds the same tombstones, then removes the key everywhere. */
    private CompletableFuture<Boolean> purgeOne(Candidate c) {
        String name = c.table().config().name();
        byte[] read = MessageCodec.encode(new Message.ReplicaRead(name, c.partition(), c.key()));
        List<CompletableFuture<SiblingSet>> answers = new ArrayList<>();
        for (String peer : c.others()) {
            answers.add(transport.send(peer, read, requestTimeoutMillis)
                    .thenApply(b -> Replies.expect(b, Message.ReplicaReadResult.class).siblings()));
        }
        return CompletableFuture.allOf(answers.toArray(new CompletableFuture<?>[0])).thenCompose(v -> {
            for (CompletableFuture<SiblingSet> a : answers) {
                if (!a.join().equals(c.set())) {
                    return CompletableFuture.completedFuture(false); // not everywhere yet: anti-entropy first
                }
            }
            byte[] purge = MessageCodec.encode(new Message.Purge(name, c.partition(), c.key(), c.set()));
            List<CompletableFuture<byte[]>> acks = new ArrayList<>();
            for (String peer : c.others()) {
                acks.add(transport.send(peer, purge, requestTimeoutMillis));
            }
            return CompletableFuture.allOf(acks.toArray(new CompletableFuture<?>[0])).handle((ok, e) -> {
                SiblingStore store = c.table().store();
                boolean removed = store.removeIfUnchanged(c.partition(), c.key(), c.set());
                if (removed) {
                    purged.incrementAndGet();
                }
                return removed;
            });
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
