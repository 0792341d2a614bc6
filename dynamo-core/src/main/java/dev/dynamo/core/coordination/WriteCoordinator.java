package dev.dynamo.core.coordination;

import dev.dynamo.api.Context;
import dev.dynamo.api.DynamoException;
import dev.dynamo.api.DynamoTimeoutException;
import dev.dynamo.api.InsufficientReplicasException;
import dev.dynamo.core.cluster.ClusterState;
import dev.dynamo.core.limits.LogLimiter;
import dev.dynamo.core.protocol.Message;
import dev.dynamo.core.protocol.MessageCodec;
import dev.dynamo.core.protocol.Replies;
import dev.dynamo.core.spi.Transport;
import dev.dynamo.core.store.SiblingStore;
import dev.dynamo.core.table.Table;
import dev.dynamo.core.table.QuorumScope;
import dev.dynamo.core.table.TableConfig;
import dev.dynamo.core.time.Cancellable;
import dev.dynamo.core.time.Scheduler;
import dev.dynamo.core.version.SiblingSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Coordinates a put or delete (paper §4.5): a node outside the key's preference list forwards
 * the write to one inside it; a node inside makes the new version here (a new dot of this
 * node's actor over the client's context), sends it to the other replicas (substitutes with a
 * hint for suspected or unreachable ones, §4.6) and answers once W replicas, itself included,
 * have stored it. While partitions move, the write also goes to the key's pending replicas,
 * whose answers do not count towards W.
 *
 * <p>Only the key's replicas count towards W (docs/consistency.md, "Who counts towards W"):
 * the preference nodes of this node's ring (this node among them only if it is one), and
 * substitutes that keep the write as a hint for one of them. A forwarded write that reaches
 * a node outside the list is coordinated there without counting that node, and a replica
 * that answers it does not replicate the key under its own ring is not counted either.
 *
 * <p>On a {@code buffered} table only the first other replica is asked to sync (the paper's
 * one durable write); on a {@code sync} table every replica is.
 *
 * <pre>{@code
 * WriteCoordinator writes = new WriteCoordinator("n1", replicas, transport, scheduler);
 * Context c = writes.put(cluster, new WriteRequest("put", table, key, Context.EMPTY, value, false, 2, 1_000, false)).join();
 * }</pre>
 */
public final class WriteCoordinator {
    private static final Logger LOG = LoggerFactory.getLogger(WriteCoordinator.class);
    private static final String WARN_SIBLINGS = "warn-siblings";
    /** One line per minute at most: blind writers would otherwise log on every write. */
    private static final long WARN_INTERVAL_MILLIS = 60_000;

    private final String actor;
    private final ReplicaSelector replicas;
    private final Transport transport;
    private final Scheduler scheduler;
    private final LogLimiter warnings;
    private volatile PendingReplicas pendingReplicas = PendingReplicas.NONE;
    private final SiblingStore.Limits storeLimits;

    /** A coordinator with the default {@link RequestLimits}. */
    public WriteCoordinator(String actor, ReplicaSelector replicas, Transport transport, Scheduler scheduler) {
        this(actor, replicas, transport, scheduler, RequestLimits.DEFAULT);
    }

    /**
     * @param actor  the name this node's new versions carry in their dots (see the node's incarnation)
     * @param limits the node's limits on a write's context and on the size of a key's versions
     */
    public WriteCoordinator(String actor, ReplicaSelector replicas, Transport transport, Scheduler scheduler,
                            RequestLimits limits) {
        this.storeLimits = new SiblingStore.Limits(limits.context(), limits.messageLimit());
        this.actor = Objects.requireNonNull(actor, "actor");
        this.replicas = Objects.requireNonNull(replicas, "replicas");
        this.transport = Objects.requireNonNull(transport, "transport");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.warnings = new LogLimiter(scheduler.clock(), WARN_INTERVAL_MILLIS);
    }

    /** Installs where writes also go while partitions move (membership's rebalancer). */
    public void setPendingReplicas(PendingReplicas pending) {
        this.pendingReplicas = Objects.requireNonNull(pending, "pending");
    }

    /** Coordinates (or forwards) the write on the ring of {@code state}; completes with the new version's context. */
    public CompletableFuture<Context> put(ClusterState state, WriteRequest req) {
        Table t = req.table();
        int partition = state.ring().partitionOf(req.key(), t.partitioner());
        List<String> pref = state.ring().preferenceList(partition, t.config().n());
        // this node's own copy counts towards W only when it is one of the key's replicas: a
        // forwarded write reaching a node outside the list (its ring differs from the sender's,
        // or the flag came from a client) is coordinated here but counted on the replicas alone
        boolean selfCounts = replicas.isAmong(pref);
        if (!selfCounts && !req.forwarded()) {
            return forward(state, req, pref);
        }
        // one slot per preference node (the coordinator's own among them when it counts), by zone
        String here = replicas.zone(state);
        ZoneQuorum quorum = ZoneQuorum.of(t.config().quorum(), req.w(), here,
                pref.stream().map(node -> ReplicaSelector.zoneOf(state, node)).toList());
        if (quorum.shortfall() != null) {
            return CompletableFuture.failedFuture(quorum.refusal(req.op()));
        }
        // refusals (sibling cap, context limits) happen here, before anything is stored or sent
        SiblingStore.Coordinated coordinated = t.store().coordinate(partition, req.key(), req.context(), req.value(),
                req.tombstone(), actor, scheduler.clock().millis(), t.config().maxSiblings(), storeLimits);
        int siblings = coordinated.siblings().size();
        if (siblings > t.config().warnSiblings()) {
            // the key is named by table and partition only: keys may be personal data
            warnings.warn(LOG, WARN_SIBLINGS, "a key of table '{}' (partition {}) has {} siblings, over warn-siblings={}"
                    + " (max-siblings={}): its clients write without the context of a read, or never write back"
                    + " what they read", req.tableName(), partition, siblings, t.config().warnSiblings(),
                    t.config().maxSiblings());
        }
        Context written = coordinated.context();
        // a coordinator outside the list cannot stand in for a replica: its copy is in its table, not a hint
        Substitutes substitutes = replicas.substitutes(state, partition, pref, selfCounts);
        List<Target> others = new ArrayList<>();
        for (Target target : replicas.targets(pref, substitutes)) {
            if (!replicas.isSelf(target.node())) {
                others.add(target);
            }
        }
        CompletableFuture<Context> result = new CompletableFuture<>();
        if (selfCounts && quorum.success(here, here) == QuorumTracker.Decision.SUCCEEDED) {
            result.complete(written);
        }
        long attemptTimeout = ReplicaSelector.attemptTimeout(req.timeoutMillis());
        writePending(t, partition, req.key(), coordinated.siblings(), pref, others, attemptTimeout);
        if (others.isEmpty()) {
            return result;
        }
        Cancellable deadline = scheduler.schedule(() -> result.completeExceptionally(new DynamoTimeoutException(
                req.op() + " on table '" + req.tableName() + "' timed out after " + req.timeoutMillis() + " ms")),
                req.timeoutMillis());
        for (int i = 0; i < others.size(); i++) {
            // buffered tables: the paper's one durable write, asked of the first other replica
            boolean sync = t.config().durability() == TableConfig.Durability.SYNC || i == 0;
            String slotZone = ReplicaSelector.zoneOf(state, others.get(i).owner());
            writeSlot(t, partition, req.key(), coordinated.siblings(), sync, others.get(i), substitutes,
                    attemptTimeout, (answered, error) -> {
                        QuorumTracker.Decision d;
                        boolean all;
                        InsufficientReplicasException failed = null;
                        synchronized (quorum) {
                            d = error == null
                                    ? quorum.success(slotZone, ReplicaSelector.zoneOf(state, answered.node()))
                                    : quorum.failure(slotZone);
                            all = quorum.allAnswered();
                            if (d == QuorumTracker.Decision.FAILED) {
                                failed = quorum.error(req.op());
                            }
                        }
                        if (d == QuorumTracker.Decision.SUCCEEDED) {
                            result.complete(written);
                        } else if (failed != null) {
                            result.completeExceptionally(failed);
                        }
                        if (all) {
                            deadline.cancel();
                        }
                    });
        }
        return result;
    }

    /** A replica's answer that it is not one of the key's replicas under its ring. */
    private static final class NotAReplicaException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        NotAReplicaException(String node) {
            super("node " + node + " does not replicate the key under its ring");
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this; // an expected answer, not a bug: no stack to fill
        }
    }

    /** Paper §4.5: a write is coordinated by a node of the key's preference list; pass it to one. */
    private CompletableFuture<Context> forward(ClusterState state, WriteRequest req, List<String> pref) {
        Message.Put fwd = new Message.Put(req.tableName(), req.key(), req.context().toBytes(), req.value(),
                req.tombstone(), req.w(), req.timeoutMillis(), true);
        // with quorum=local the replica coordinating counts its own zone: keep it the caller's
        List<String> order = req.table().config().quorum() == QuorumScope.LOCAL
                ? replicas.availableSameZoneFirst(state, pref) : replicas.availableFirst(pref);
        return forward(req, MessageCodec.encode(fwd), order, 0);
    }

    private CompletableFuture<Context> forward(WriteRequest req, byte[] request, List<String> order, int index) {
        if (index >= order.size()) {
            return CompletableFuture.failedFuture(InsufficientReplicasException.of(req.op(), req.w(), 0));
        }
        return transport.send(order.get(index), request, req.timeoutMillis())
                .thenApply(b -> Context.fromBytes(Replies.expect(b, Message.PutResult.class).context()))
                .exceptionallyCompose(e -> {
                    Throwable cause = Replies.unwrap(e);
                    if (cause instanceof DynamoException) {
                        return CompletableFuture.failedFuture(cause); // the coordinator answered: pass it on
                    }
                    return forward(req, request, order, index + 1);
                });
    }

    /**
     * While a partition moves, sends the write to its pending new replicas as well, so that
     * they miss nothing written after their copy started; their answers do not count
     * towards W (a failure here is repaired like any replica that missed a write).
     */
    private void writePending(Table t, int partition, byte[] key, SiblingSet set, List<String> pref,
                              List<Target> others, long timeoutMillis) {
        List<String> extra = pendingReplicas.pending(t.config().n(), partition);
        if (extra.isEmpty()) {
            return;
        }
        byte[] msg = null;
        for (String node : extra) {
            // a target that only keeps a hint for someone else still needs the write in its own table
            if (replicas.isSelf(node) || pref.contains(node)
                    || others.stream().anyMatch(o -> o.node().equals(node) && !o.isHint())) {
                continue;
            }
            if (msg == null) {
                msg = MessageCodec.encode(new Message.ReplicaWrite(t.config().name(), partition, key, set, false, ""));
            }
            transport.send(node, msg, timeoutMillis).thenApply(b -> Replies.expect(b, Message.ReplicaWriteResult.class))
                    .whenComplete((ok, error) -> {
                        replicas.outcome(node, error);
                        if (error != null) {
                            LOG.debug("pending replica {} failed a write: {}", node, error.toString());
                        }
                    });
        }
    }

    /** Writes one slot: to its target, or on failure to the next substitute with a hint. */
    private void writeSlot(Table t, int partition, byte[] key, SiblingSet set, boolean sync, Target target,
                           Substitutes substitutes, long timeoutMillis, BiConsumer<Target, Throwable> done) {
        byte[] msg = MessageCodec.encode(new Message.ReplicaWrite(t.config().name(), partition, key, set, sync,
                target.hintFor()));
        transport.send(target.node(), msg, timeoutMillis)
                .thenApply(b -> Replies.expect(b, Message.ReplicaWriteResult.class))
                .whenComplete((ok, error) -> {
                    replicas.outcome(target.node(), error);
                    if (error == null && !ok.replica()) {
                        // it answered, with another ring than this node's: it kept the write, but
                        // a node that will not keep the key is no replica to count
                        LOG.debug("{} stored a write but does not replicate partition {} of table '{}' under its"
                                + " ring: not counted towards W", target.node(), partition, t.config().name());
                        done.accept(target, new NotAReplicaException(target.node()));
                        return;
                    }
                    if (error == null) {
                        done.accept(target, null);
                        return;
                    }
                    LOG.debug("replica {} failed a write: {}", target.node(), error.toString());
                    String sub = ReplicaSelector.isTransportFailure(error) ? substitutes.next(target.owner()) : null;
                    if (sub == null || replicas.isSelf(sub)) {
                        done.accept(target, error);
                    } else {
                        writeSlot(t, partition, key, set, sync, target.substitutedBy(sub), substitutes,
                                timeoutMillis, done);
                    }
                });
    }
}
