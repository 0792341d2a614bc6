package dev.dynamo.core.coordination;

import dev.dynamo.api.DynamoTimeoutException;
import dev.dynamo.api.GetResult;
import dev.dynamo.api.InsufficientReplicasException;
import dev.dynamo.core.cluster.ClusterState;
import dev.dynamo.core.protocol.Message;
import dev.dynamo.core.protocol.MessageCodec;
import dev.dynamo.core.protocol.Replies;
import dev.dynamo.core.spi.Transport;
import dev.dynamo.core.table.Table;
import dev.dynamo.core.time.Scheduler;
import dev.dynamo.core.version.SiblingSet;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Coordinates a get (paper §4.5): reads the key from its N replicas (substitutes for suspected
 * ones), answers once R have answered with their versions merged and reconciled, and when every
 * replica has answered (or the deadline passed) sends the merged versions to each replica that
 * lacked some of them (read repair, §5).
 *
 * <p>The steps, in order: {@link ReplicaSelector} chooses the targets; {@link #readSlot} reads one
 * slot, moving to the next substitute when a replica cannot be reached; {@link QuorumTracker}
 * decides; {@link ReadResolution} merges and reconciles; {@link #readRepair} repairs. The local
 * replica is read first, so that when remote replicas fail at once the error still counts it.
 *
 * <pre>{@code
 * ReadCoordinator reads = new ReadCoordinator(replicas, local, transport, scheduler, observer);
 * GetResult r = reads.get(cluster, table, key, 2, 1_000).join();
 * }</pre>
 */
public final class ReadCoordinator {
    private static final Logger LOG = LoggerFactory.getLogger(ReadCoordinator.class);

    private final ReplicaSelector replicas;
    private final LocalReplica local;
    private final Transport transport;
    private final Scheduler scheduler;
    private final RequestObserver observer;

    public ReadCoordinator(ReplicaSelector replicas, LocalReplica local, Transport transport, Scheduler scheduler,
                           RequestObserver observer) {
        this.replicas = Objects.requireNonNull(replicas, "replicas");
        this.local = Objects.requireNonNull(local, "local");
        this.transport = Objects.requireNonNull(transport, "transport");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.observer = Objects.requireNonNull(observer, "observer");
    }

    /** Reads {@code key} of {@code t} with read quorum {@code r} on the ring of {@code state}. */
    public CompletableFuture<GetResult> get(ClusterState state, Table t, byte[] key, int r, long timeoutMillis) {
        int partition = state.ring().partitionOf(key, t.partitioner());
        List<String> pref = state.ring().preferenceList(partition, t.config().n());
        ZoneQuorum quorum = ZoneQuorum.of(t.config().quorum(), r, replicas.zone(state),
                pref.stream().map(node -> ReplicaSelector.zoneOf(state, node)).toList());
        if (quorum.shortfall() != null) {
            return CompletableFuture.failedFuture(quorum.refusal("get"));
        }
        Substitutes substitutes = replicas.substitutes(state, partition, pref);
        CompletableFuture<GetResult> result = new CompletableFuture<>();
        Map<Target, SiblingSet> answers = new LinkedHashMap<>();
        Map<Target, SiblingSet> repairs = new HashMap<>();
        Deadline deadline = new Deadline();
        List<Target> targets = new ArrayList<>(replicas.targets(pref, substitutes));
        targets.sort(Comparator.comparing(target -> !replicas.isSelf(target.node())));
        for (Target target : targets) {
            String slotZone = ReplicaSelector.zoneOf(state, target.owner());
            readSlot(t, partition, key, target, substitutes, ReplicaSelector.attemptTimeout(timeoutMillis),
                    (set, error) -> {
                        try {
                            QuorumTracker.Decision d;
                            boolean done;
                            SiblingSet merged = null;
                            InsufficientReplicasException failed = null;
                            synchronized (quorum) {
                                if (error == null) {
                                    answers.put(set.getKey(), set.getValue());
                                    d = quorum.success(slotZone, ReplicaSelector.zoneOf(state, set.getKey().node()));
                                } else {
                                    d = quorum.failure(slotZone);
                                }
                                if (d == QuorumTracker.Decision.FAILED) {
                                    failed = quorum.error("get");
                                }
                                done = quorum.allAnswered();
                                if (d == QuorumTracker.Decision.SUCCEEDED && !result.isDone()) {
                                    merged = ReadResolution.merge(answers.values());
                                }
                            }
                            if (merged != null) {
                                result.complete(ReadResolution.resolve(merged, t.reconciler()));
                            } else if (failed != null) {
                                result.completeExceptionally(failed);
                            }
                            if (done) {
                                deadline.cancel();
                                readRepair(t, partition, key, answers, repairs, quorum);
                            }
                        } catch (RuntimeException e) {
                            LOG.error("get coordination failed", e);
                            result.completeExceptionally(e);
                        }
                    });
        }
        if (!deadline.isOver()) { // a read from this node alone answers at once, with no timer to arm
            deadline.arm(scheduler.schedule(() -> {
                result.completeExceptionally(new DynamoTimeoutException("get on table '" + t.config().name()
                        + "' timed out after " + timeoutMillis + " ms"));
                readRepair(t, partition, key, answers, repairs, quorum);
            }, timeoutMillis));
        }
        return result;
    }

    /** Reads one slot: from its target, or on failure from the next substitute. */
    private void readSlot(Table t, int partition, byte[] key, Target target, Substitutes substitutes,
                          long timeoutMillis, BiConsumer<Map.Entry<Target, SiblingSet>, Throwable> done) {
        CompletableFuture<SiblingSet> answer;
        if (replicas.isSelf(target.node())) {
            answer = readHere(t, partition, key, target.hintFor());
        } else {
            byte[] request = MessageCodec.encode(new Message.ReplicaRead(t.config().name(), partition, key,
                    target.hintFor()));
            answer = transport.send(target.node(), request, timeoutMillis)
                    .thenApply(bytes -> Replies.expect(bytes, Message.ReplicaReadResult.class).siblings());
        }
        answer.whenComplete((set, error) -> {
            replicas.outcome(target.node(), error);
            if (error == null) {
                done.accept(Map.entry(target, set), null);
                return;
            }
            LOG.debug("replica {} failed a read: {}", target.node(), error.toString());
            String sub = ReplicaSelector.isTransportFailure(error) ? substitutes.next(target.owner()) : null;
            if (sub == null) {
                done.accept(null, error);
            } else {
                readSlot(t, partition, key, target.substitutedBy(sub), substitutes, timeoutMillis, done);
            }
        });
    }

    private CompletableFuture<SiblingSet> readHere(Table t, int partition, byte[] key, String hintFor) {
        try {
            return CompletableFuture.completedFuture(local.read(t, partition, key, hintFor));
        } catch (RuntimeException e) {
            LOG.warn("local replica operation failed", e);
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * Sends the merged versions to every replica that answered without some of them. Runs at
     * the deadline and again once every replica has answered; {@code repairs} (what each replica
     * was already sent, guarded by {@code lock}) keeps the second run from repeating a repair.
     */
    private void readRepair(Table t, int partition, byte[] key, Map<Target, SiblingSet> answers,
                            Map<Target, SiblingSet> repairs, Object lock) {
        Map<Target, SiblingSet> snapshot;
        synchronized (lock) {
            snapshot = new LinkedHashMap<>(answers);
        }
        if (snapshot.size() < 2) {
            return;
        }
        SiblingSet merged = ReadResolution.merge(snapshot.values());
        snapshot.forEach((target, set) -> {
            if (!merged.hasVersionsMissingFrom(set)) {
                return;
            }
            synchronized (lock) {
                if (merged.equals(repairs.put(target, merged))) {
                    return; // sent this replica exactly these versions already
                }
            }
            observer.readRepair(t.config().name());
            if (replicas.isSelf(target.node())) {
                try {
                    local.store(t, partition, key, merged, target.hintFor());
                } catch (RuntimeException e) {
                    LOG.warn("local replica operation failed", e);
                }
            } else {
                byte[] msg = MessageCodec.encode(new Message.ReplicaWrite(t.config().name(), partition, key, merged,
                        false, target.hintFor()));
                transport.send(target.node(), msg, t.config().timeoutMillis()).whenComplete((b, e) -> {
                    if (e != null) {
                        LOG.debug("read repair of {} failed: {}", target.node(), e.toString());
                    }
                });
            }
        });
    }
}
