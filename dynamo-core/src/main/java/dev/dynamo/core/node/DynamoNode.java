package dev.dynamo.core.node;

import dev.dynamo.api.BadRequestException;
import dev.dynamo.api.Context;
import dev.dynamo.api.DynamoException;
import dev.dynamo.api.DynamoTimeoutException;
import dev.dynamo.api.GetResult;
import dev.dynamo.api.InsufficientReplicasException;
import dev.dynamo.api.RequestOptions;
import dev.dynamo.api.UnknownTableException;
import dev.dynamo.api.ValueTooLargeException;
import dev.dynamo.core.antientropy.AntiEntropy;
import dev.dynamo.core.antientropy.TombstonePurger;
import dev.dynamo.core.coordination.QuorumTracker;
import dev.dynamo.core.coordination.ReadResolution;
import dev.dynamo.core.handoff.HintStore;
import dev.dynamo.core.handoff.HintedHandoff;
import dev.dynamo.core.membership.FailureDetector;
import dev.dynamo.core.membership.OutcomeFailureDetector;
import dev.dynamo.core.membership.PendingReplicas;
import dev.dynamo.core.spi.EngineContext;
import dev.dynamo.core.spi.MessageHandler;
import dev.dynamo.core.spi.Partitioner;
import dev.dynamo.core.spi.Plugins;
import dev.dynamo.core.spi.Reconciler;
import dev.dynamo.core.spi.StorageEngine;
import dev.dynamo.core.spi.Transport;
import dev.dynamo.core.store.SiblingCompactor;
import dev.dynamo.core.store.SiblingStore;
import dev.dynamo.core.time.Cancellable;
import dev.dynamo.core.time.Scheduler;
import dev.dynamo.core.version.SiblingSet;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node of the store: its tables, and the coordination of gets and puts over a
 * {@link Transport} (docs/architecture.md, "Request path"). Serves both client requests
 * and replica requests from other nodes through {@link #handle}; the HTTP API and
 * in-JVM clients call {@link #get}, {@link #put} and {@link #delete} directly.
 *
 * <pre>{@code
 * DynamoNode node = new DynamoNode(config, tables, cluster, transport, scheduler, RequestObserver.NONE);
 * transport.start(node);
 * Context c = node.put("default", key, Context.EMPTY, value, RequestOptions.DEFAULT).join();
 * }</pre>
 */
public final class DynamoNode implements MessageHandler, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DynamoNode.class);

    private final NodeConfig config;
    private final Map<String, Table> tables;
    private final Transport transport;
    private final Scheduler scheduler;
    private final RequestObserver observer;
    private final NodeOptions options;
    private final FailureDetector detector;
    private final HintStore hints;
    /** Names this node's write events; a fresh name after a crash (see {@link Incarnation}). */
    private final Incarnation incarnation;
    private final HintedHandoff handoff;
    private final AntiEntropy antiEntropy;
    private final TombstonePurger tombstonePurger;
    private volatile ClusterState cluster;
    private volatile boolean closed;
    private volatile PeerService peerService;
    private volatile PendingReplicas pendingReplicas = PendingReplicas.NONE;

    /**
     * Serves node-to-node messages that belong to another component (membership gossip,
     * partition transfer), installed with {@link #setPeerService}.
     */
    @FunctionalInterface
    public interface PeerService {
        /** The answer to {@code message} from {@code from}, or null when the message is not this service's. */
        CompletableFuture<? extends Message> serve(String from, Message message);
    }

    /** A node with default options and an in-memory system table (tests). */
    public DynamoNode(NodeConfig config, List<TableConfig> tableConfigs, ClusterState cluster, Transport transport,
                      Scheduler scheduler, RequestObserver observer) {
        this(config, tableConfigs, cluster, transport, scheduler, observer, NodeOptions.DEFAULTS.withSystemEngine("memory"));
    }

    public DynamoNode(NodeConfig config, List<TableConfig> tableConfigs, ClusterState cluster, Transport transport,
                      Scheduler scheduler, RequestObserver observer, NodeOptions options) {
        this(config, tableConfigs, cluster, transport, scheduler, observer, options,
                new OutcomeFailureDetector(scheduler.clock(), options.failuresToSuspect(), options.probeIntervalMillis()));
    }

    /**
     * A node whose coordinators consult {@code detector} (for instance membership's
     * {@link dev.dynamo.core.membership.PhiAccrualFailureDetector}) to skip suspected peers.
     */
    public DynamoNode(NodeConfig config, List<TableConfig> tableConfigs, ClusterState cluster, Transport transport,
                      Scheduler scheduler, RequestObserver observer, NodeOptions options, FailureDetector detector) {
        this.config = config;
        this.transport = transport;
        this.scheduler = scheduler;
        this.observer = observer;
        this.options = options;
        this.cluster = cluster;
        this.detector = java.util.Objects.requireNonNull(detector, "detector");
        this.tables = openTables(config, tableConfigs, scheduler);
        try {
            StorageEngine hintEngine = Plugins.engine(options.systemEngine()).open(new EngineContext("__hints",
                    config.dataDir().resolve("__hints"), Map.of(), scheduler.clock()));
            this.hints = new HintStore(hintEngine, config.maxClockEntries());
        } catch (RuntimeException e) {
            tables.values().forEach(t -> closeQuietly(t.engine()));
            throw e;
        }
        try {
            this.incarnation = Incarnation.open(config, options, scheduler.clock());
        } catch (RuntimeException e) {
            tables.values().forEach(t -> closeQuietly(t.engine()));
            hints.close();
            throw e;
        }
        long requestTimeout = tableConfigs.stream().mapToLong(TableConfig::timeoutMillis).max()
                .orElse(TableConfig.DEFAULT_TIMEOUT_MILLIS);
        this.handoff = new HintedHandoff(config.id(), hints, transport, detector, scheduler,
                options.hintIntervalMillis(), options.hintBatchSize(), options.tombstoneGraceMillis(), requestTimeout);
        this.antiEntropy = new AntiEntropy(config.id(), tables, () -> this.cluster, transport, scheduler,
                options.antiEntropyIntervalMillis(), options.antiEntropyKeysPerSecond(), requestTimeout);
        this.tombstonePurger = new TombstonePurger(config.id(), tables, () -> this.cluster, transport, scheduler,
                options.tombstoneGraceMillis(), options.tombstoneGcIntervalMillis(), requestTimeout);
    }

    public TombstonePurger tombstonePurger() {
        return tombstonePurger;
    }

    public AntiEntropy antiEntropy() {
        return antiEntropy;
    }

    /** Starts background work: hint delivery (and, when enabled, anti-entropy and tombstone purge). */
    public void startBackground() {
        handoff.start();
        antiEntropy.start();
        tombstonePurger.start();
    }

    public NodeOptions options() {
        return options;
    }

    public FailureDetector failureDetector() {
        return detector;
    }

    public HintStore hints() {
        return hints;
    }

    public HintedHandoff handoff() {
        return handoff;
    }

    private static Map<String, Table> openTables(NodeConfig config, List<TableConfig> configs, Scheduler scheduler) {
        Map<String, Table> open = new LinkedHashMap<>();
        try {
            for (TableConfig tc : configs) {
                if (open.containsKey(tc.name())) {
                    throw new IllegalArgumentException("table '" + tc.name() + "' is configured twice");
                }
                Reconciler reconciler = Plugins.reconciler(tc.reconciler()).create(tc.name(), tc.reconcilerProperties());
                Partitioner partitioner = Plugins.partitioner(tc.partitioner());
                Path dir = config.dataDir().resolve(tc.name());
                StorageEngine engine = Plugins.engine(tc.engine())
                        .open(new EngineContext(tc.name(), dir, tc.engineProperties(), scheduler.clock()));
                SiblingStore store = new SiblingStore(tc.name(), engine, config.maxClockEntries(),
                        tc.durability() == TableConfig.Durability.SYNC, new SiblingCompactor(reconciler));
                open.put(tc.name(), new Table(tc, engine, store, reconciler, partitioner));
            }
        } catch (RuntimeException e) {
            open.values().forEach(t -> closeQuietly(t.engine()));
            throw e;
        }
        return Map.copyOf(open);
    }

    public NodeConfig config() {
        return config;
    }

    public String id() {
        return config.id();
    }

    public ClusterState cluster() {
        return cluster;
    }

    public void updateCluster(ClusterState state) {
        this.cluster = state;
    }

    /** Installs the service answering messages this node does not serve itself (null: none). */
    public void setPeerService(PeerService service) {
        this.peerService = service;
    }

    /**
     * Installs where writes also go while partitions move: a coordinator sends each write
     * to the key's pending replicas too, beyond its preference list, without counting
     * their answers towards W.
     */
    public void setPendingReplicas(PendingReplicas pending) {
        this.pendingReplicas = java.util.Objects.requireNonNull(pending, "pending");
    }

    public Collection<Table> tables() {
        return tables.values();
    }

    /** The open table, or {@link UnknownTableException}. */
    public Table table(String name) {
        Table t = tables.get(name);
        if (t == null) {
            throw new UnknownTableException(name);
        }
        return t;
    }

    // ---------------------------------------------------------------- client operations

    public CompletableFuture<GetResult> get(String table, byte[] key, RequestOptions options) {
        long start = System.nanoTime();
        CompletableFuture<GetResult> f;
        try {
            Table t = table(table);
            int r = quorum("r", options.r(), t.config().r(), t.config().n());
            f = coordinateGet(t, key, r, timeout(options, t));
        } catch (RuntimeException e) {
            f = CompletableFuture.failedFuture(e);
        }
        return observed("get", table, start, f);
    }

    public CompletableFuture<Context> put(String table, byte[] key, Context context, byte[] value,
                                          RequestOptions options) {
        return write("put", table, key, context, value, false, options, false);
    }

    public CompletableFuture<Context> delete(String table, byte[] key, Context context, RequestOptions options) {
        return write("delete", table, key, context, new byte[0], true, options, false);
    }

    private CompletableFuture<Context> write(String op, String table, byte[] key, Context context, byte[] value,
                                             boolean tombstone, RequestOptions options, boolean forwarded) {
        long start = System.nanoTime();
        CompletableFuture<Context> f;
        try {
            Table t = table(table);
            if (value.length > t.config().maxValueBytes()) {
                throw ValueTooLargeException.of(table, value.length, t.config().maxValueBytes());
            }
            int w = quorum("w", options.w(), t.config().w(), t.config().n());
            f = coordinatePut(op, t, key, context, value, tombstone, w, timeout(options, t), forwarded);
        } catch (RuntimeException e) {
            f = CompletableFuture.failedFuture(e);
        }
        return observed(op, table, start, f);
    }

    private static int quorum(String name, Integer requested, int tableValue, int n) {
        if (requested == null) {
            return tableValue;
        }
        if (requested < 1 || requested > n) {
            throw new BadRequestException(name + "=" + requested + " is out of range: 1 <= " + name + " <= n=" + n);
        }
        return requested;
    }

    private static long timeout(RequestOptions options, Table t) {
        return options.timeout() != null ? options.timeout().toMillis() : t.config().timeoutMillis();
    }

    private <T> CompletableFuture<T> observed(String op, String table, long start, CompletableFuture<T> f) {
        return f.whenComplete((v, e) -> observer.requestEnded(op, table,
                e == null ? "ok" : errorCode(e), System.nanoTime() - start));
    }

    // ---------------------------------------------------------------- replica choice

    /** A replica a request goes to; a non-empty {@code hintFor} makes it a substitute for that node. */
    private record Target(String node, String hintFor) {
        boolean isHint() {
            return !hintFor.isEmpty();
        }
    }

    /**
     * The nodes beyond the preference list, in ring order: sloppy-quorum substitutes are
     * taken from here, skipping suspected ones.
     */
    private final class Spares {
        private final java.util.ArrayDeque<String> queue;

        Spares(ClusterState state, int partition, List<String> pref) {
            List<String> all = state.ring().preferenceList(partition, Math.max(1, state.ring().nodes().size()));
            queue = new java.util.ArrayDeque<>();
            for (String node : all) {
                if (!pref.contains(node)) {
                    queue.add(node);
                }
            }
        }

        synchronized String next() {
            while (!queue.isEmpty()) {
                String node = queue.poll();
                if (node.equals(id()) || detector.isAvailable(node)) {
                    return node;
                }
            }
            return null;
        }
    }

    /** The N replicas of a request: preference nodes, with suspected ones replaced by substitutes. */
    private List<Target> targets(List<String> pref, Spares spares) {
        List<Target> out = new ArrayList<>(pref.size());
        for (String node : pref) {
            if (node.equals(id()) || detector.isAvailable(node)) {
                out.add(new Target(node, ""));
            } else {
                String sub = spares.next();
                out.add(sub == null ? new Target(node, "") : new Target(sub, node));
            }
        }
        return out;
    }

    /**
     * A replica attempt gets a third of the request's deadline, so that a timed-out replica
     * still leaves time to try a sloppy-quorum substitute before the deadline.
     */
    private static long attemptTimeout(long timeoutMillis) {
        return Math.max(1, timeoutMillis / 3);
    }

    private void outcome(String node, Throwable error) {
        if (node.equals(id())) {
            return;
        }
        if (error == null) {
            detector.success(node);
        } else if (unwrap(error) instanceof dev.dynamo.core.spi.TransportException) {
            detector.failure(node);
        }
    }

    // ---------------------------------------------------------------- get

    private CompletableFuture<GetResult> coordinateGet(Table t, byte[] key, int r, long timeoutMillis) {
        ClusterState state = cluster;
        int partition = state.ring().partitionOf(key, t.partitioner());
        List<String> pref = state.ring().preferenceList(partition, t.config().n());
        if (pref.size() < r) {
            return CompletableFuture.failedFuture(InsufficientReplicasException.of("get", r, 0));
        }
        Spares spares = new Spares(state, partition, pref);
        CompletableFuture<GetResult> result = new CompletableFuture<>();
        QuorumTracker quorum = new QuorumTracker(r, pref.size());
        Map<Target, SiblingSet> answers = new LinkedHashMap<>();
        Deadline deadline = new Deadline();
        // the local read first: when remote replicas fail at once, the error still counts it
        List<Target> targets = new ArrayList<>(targets(pref, spares));
        targets.sort(Comparator.comparing(target -> !target.node().equals(id())));
        for (Target target : targets) {
            readSlot(t, partition, key, target, spares, attemptTimeout(timeoutMillis), (set, error) -> {
              try {
                QuorumTracker.Decision d;
                boolean done;
                SiblingSet merged = null;
                synchronized (quorum) {
                    if (error == null) {
                        answers.put(set.getKey(), set.getValue());
                        d = quorum.success();
                    } else {
                        d = quorum.failure();
                    }
                    done = quorum.allAnswered();
                    if (d == QuorumTracker.Decision.SUCCEEDED && !result.isDone()) {
                        merged = ReadResolution.merge(answers.values());
                    }
                }
                if (merged != null) {
                    result.complete(ReadResolution.resolve(merged, t.reconciler()));
                } else if (d == QuorumTracker.Decision.FAILED) {
                    result.completeExceptionally(InsufficientReplicasException.of("get", r, quorum.successes()));
                }
                if (done) {
                    deadline.cancel();
                    readRepair(t, partition, key, answers, quorum);
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
                readRepair(t, partition, key, answers, quorum);
            }, timeoutMillis));
        }
        return result;
    }

    /**
     * The timer of a request's deadline, armed after the request's first attempts are made
     * (which may already have answered it) and cancelled when every replica has answered.
     */
    private static final class Deadline {
        private volatile Cancellable timer;
        private volatile boolean over;

        void arm(Cancellable t) {
            timer = t;
            if (over) {
                t.cancel(); // answered while being armed
            }
        }

        void cancel() {
            over = true;
            Cancellable t = timer;
            if (t != null) {
                t.cancel();
            }
        }

        boolean isOver() {
            return over;
        }
    }

    /** Reads one slot: from its target, or on failure from the next substitute. */
    private void readSlot(Table t, int partition, byte[] key, Target target, Spares spares, long timeoutMillis,
                          BiConsumer<Map.Entry<Target, SiblingSet>, Throwable> done) {
        CompletableFuture<SiblingSet> answer;
        if (target.node().equals(id())) {
            answer = supplyLocal(() -> target.isHint()
                    ? hints.read(target.hintFor(), t.config().name(), partition, key)
                    : t.store().get(partition, key));
        } else {
            byte[] request = MessageCodec.encode(new Message.ReplicaRead(t.config().name(), partition, key,
                    target.hintFor()));
            answer = transport.send(target.node(), request, timeoutMillis)
                    .thenApply(bytes -> expect(bytes, Message.ReplicaReadResult.class).siblings());
        }
        answer.whenComplete((set, error) -> {
            outcome(target.node(), error);
            if (error == null) {
                done.accept(Map.entry(target, set), null);
                return;
            }
            LOG.debug("replica {} failed a read: {}", target.node(), error.toString());
            String sub = unwrap(error) instanceof dev.dynamo.core.spi.TransportException ? spares.next() : null;
            if (sub == null) {
                done.accept(null, error);
            } else {
                readSlot(t, partition, key, new Target(sub, target.isHint() ? target.hintFor() : target.node()),
                        spares, timeoutMillis, done);
            }
        });
    }

    /** Sends the merged versions to every replica that answered without some of them. */
    private void readRepair(Table t, int partition, byte[] key, Map<Target, SiblingSet> answers, Object lock) {
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
            observer.readRepair(t.config().name());
            if (target.node().equals(id())) {
                runLocal(() -> storeLocally(t, partition, key, merged, target.hintFor()));
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

    /** Stores a replica write here: in the table, or as a hint for another node. */
    private boolean storeLocally(Table t, int partition, byte[] key, SiblingSet set, String hintFor) {
        if (hintFor.isEmpty() || hintFor.equals(id())) {
            return t.store().merge(partition, key, set).changed();
        }
        return hints.store(hintFor, t.config().name(), partition, key, set);
    }

    // ---------------------------------------------------------------- put

    private CompletableFuture<Context> coordinatePut(String op, Table t, byte[] key, Context context, byte[] value,
                                                     boolean tombstone, int w, long timeoutMillis, boolean forwarded) {
        ClusterState state = cluster;
        int partition = state.ring().partitionOf(key, t.partitioner());
        List<String> pref = state.ring().preferenceList(partition, t.config().n());
        if (!pref.contains(id()) && !forwarded) {
            // paper §4.5: a write is coordinated by a node of the key's preference list
            Message.Put fwd = new Message.Put(t.config().name(), key, context.toBytes(), value, tombstone, w,
                    timeoutMillis, true);
            List<String> order = new ArrayList<>(pref);
            order.sort(java.util.Comparator.comparing(n -> detector.isAvailable(n) ? 0 : 1));
            return forward(op, MessageCodec.encode(fwd), order, 0, timeoutMillis, w);
        }
        if (pref.size() < w) {
            return CompletableFuture.failedFuture(InsufficientReplicasException.of(op, w, 0));
        }
        TableConfig.Durability durability = t.config().durability();
        SiblingStore.Coordinated coordinated = t.store().coordinate(partition, key, context, value, tombstone,
                incarnation.actor(), scheduler.clock().millis());
        Context written = coordinated.context();
        Spares spares = new Spares(state, partition, pref);
        List<Target> others = new ArrayList<>();
        for (Target target : targets(pref, spares)) {
            if (!target.node().equals(id())) {
                others.add(target);
            }
        }
        QuorumTracker quorum = new QuorumTracker(w, others.size() + 1);
        CompletableFuture<Context> result = new CompletableFuture<>();
        if (quorum.success() == QuorumTracker.Decision.SUCCEEDED) {
            result.complete(written);
        }
        writePending(t, partition, key, coordinated.siblings(), pref, others, attemptTimeout(timeoutMillis));
        if (others.isEmpty()) {
            return result;
        }
        Cancellable deadline = scheduler.schedule(() -> result.completeExceptionally(new DynamoTimeoutException(
                op + " on table '" + t.config().name() + "' timed out after " + timeoutMillis + " ms")),
                timeoutMillis);
        for (int i = 0; i < others.size(); i++) {
            // buffered tables: the paper's one durable write, asked of the first other replica
            boolean sync = durability == TableConfig.Durability.SYNC || i == 0;
            writeSlot(t, partition, key, coordinated.siblings(), sync, others.get(i), spares, attemptTimeout(timeoutMillis),
                    error -> {
                        QuorumTracker.Decision d;
                        boolean all;
                        synchronized (quorum) {
                            d = error == null ? quorum.success() : quorum.failure();
                            all = quorum.allAnswered();
                        }
                        if (d == QuorumTracker.Decision.SUCCEEDED) {
                            result.complete(written);
                        } else if (d == QuorumTracker.Decision.FAILED) {
                            result.completeExceptionally(InsufficientReplicasException.of(op, w, quorum.successes()));
                        }
                        if (all) {
                            deadline.cancel();
                        }
                    });
        }
        return result;
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
            if (node.equals(id()) || pref.contains(node)
                    || others.stream().anyMatch(o -> o.node().equals(node) && !o.isHint())) {
                continue;
            }
            if (msg == null) {
                msg = MessageCodec.encode(new Message.ReplicaWrite(t.config().name(), partition, key, set, false, ""));
            }
            transport.send(node, msg, timeoutMillis).thenApply(b -> expect(b, Message.ReplicaWriteResult.class))
                    .whenComplete((ok, error) -> {
                        outcome(node, error);
                        if (error != null) {
                            LOG.debug("pending replica {} failed a write: {}", node, error.toString());
                        }
                    });
        }
    }

    /** Writes one slot: to its target, or on failure to the next substitute with a hint. */
    private void writeSlot(Table t, int partition, byte[] key, SiblingSet set, boolean sync, Target target,
                           Spares spares, long timeoutMillis, java.util.function.Consumer<Throwable> done) {
        byte[] msg = MessageCodec.encode(new Message.ReplicaWrite(t.config().name(), partition, key, set, sync,
                target.hintFor()));
        transport.send(target.node(), msg, timeoutMillis).thenApply(b -> expect(b, Message.ReplicaWriteResult.class))
                .whenComplete((ok, error) -> {
                    outcome(target.node(), error);
                    if (error == null) {
                        done.accept(null);
                        return;
                    }
                    LOG.debug("replica {} failed a write: {}", target.node(), error.toString());
                    String sub = unwrap(error) instanceof dev.dynamo.core.spi.TransportException ? spares.next() : null;
                    if (sub == null || sub.equals(id())) {
                        done.accept(error);
                    } else {
                        writeSlot(t, partition, key, set, sync, new Target(sub,
                                target.isHint() ? target.hintFor() : target.node()), spares, timeoutMillis, done);
                    }
                });
    }

    private CompletableFuture<Context> forward(String op, byte[] request, List<String> replicas, int index,
                                               long timeoutMillis, int w) {
        if (index >= replicas.size()) {
            return CompletableFuture.failedFuture(InsufficientReplicasException.of(op, w, 0));
        }
        return transport.send(replicas.get(index), request, timeoutMillis)
                .thenApply(b -> Context.fromBytes(expect(b, Message.PutResult.class).context()))
                .exceptionallyCompose(e -> {
                    Throwable cause = unwrap(e);
                    if (cause instanceof DynamoException) {
                        return CompletableFuture.failedFuture(cause); // the coordinator answered: pass it on
                    }
                    return forward(op, request, replicas, index + 1, timeoutMillis, w);
                });
    }

    // ---------------------------------------------------------------- the binary protocol

    @Override
    public CompletableFuture<byte[]> handle(String from, byte[] request) {
        Message m;
        try {
            m = MessageCodec.decode(request);
        } catch (IllegalArgumentException e) {
            return CompletableFuture.completedFuture(MessageCodec.encode(
                    new Message.Error("bad_request", "malformed message: " + e.getMessage(), 0, 0)));
        }
        CompletableFuture<? extends Message> answer;
        try {
            answer = dispatch(from, m);
        } catch (RuntimeException e) {
            answer = CompletableFuture.failedFuture(e);
        }
        return answer.handle((ok, error) -> MessageCodec.encode(error == null ? ok : toError(error)));
    }

    private CompletableFuture<? extends Message> dispatch(String from, Message m) {
        if (closed) {
            throw new DynamoException("node " + id() + " is shutting down");
        }
        if (m instanceof Message.ReplicaRead rr) {
            Table t = table(rr.table());
            SiblingSet set = rr.hintFor().isEmpty() || rr.hintFor().equals(id())
                    ? t.store().get(rr.partition(), rr.key())
                    : hints.read(rr.hintFor(), rr.table(), rr.partition(), rr.key());
            return CompletableFuture.completedFuture(new Message.ReplicaReadResult(set));
        } else if (m instanceof Message.ReplicaWrite rw) {
            Table t = table(rw.table());
            boolean changed = storeLocally(t, rw.partition(), rw.key(), rw.siblings(), rw.hintFor());
            if (rw.sync() && changed) {
                if (rw.hintFor().isEmpty() || rw.hintFor().equals(id())) {
                    if (t.config().durability() != TableConfig.Durability.SYNC) { // a sync table's store did it
                        t.store().sync();
                    }
                } else {
                    hints.sync();
                }
            }
            return CompletableFuture.completedFuture(new Message.ReplicaWriteResult(changed));
        } else if (m instanceof Message.Get g) {
            RequestOptions o = new RequestOptions(g.r() == 0 ? null : g.r(), null,
                    g.timeoutMillis() == 0 ? null : java.time.Duration.ofMillis(g.timeoutMillis()));
            return get(g.table(), g.key(), o).thenApply(r -> new Message.GetResult(r.siblings(), r.context().toBytes()));
        } else if (m instanceof Message.Put p) {
            Context ctx;
            try {
                ctx = Context.fromBytes(p.context());
            } catch (IllegalArgumentException e) {
                throw new BadRequestException(e.getMessage());
            }
            RequestOptions o = new RequestOptions(null, p.w() == 0 ? null : p.w(),
                    p.timeoutMillis() == 0 ? null : java.time.Duration.ofMillis(p.timeoutMillis()));
            return write(p.tombstone() ? "delete" : "put", p.table(), p.key(), ctx, p.value(), p.tombstone(), o,
                    p.forwarded()).thenApply(c -> new Message.PutResult(c.toBytes()));
        } else if (m instanceof Message.MerkleRequest mr) {
            return CompletableFuture.completedFuture(antiEntropy.hashes(mr));
        } else if (m instanceof Message.DigestRequest dr) {
            return CompletableFuture.completedFuture(antiEntropy.digests(dr));
        } else if (m instanceof Message.Purge pg) {
            Table t = table(pg.table());
            return CompletableFuture.completedFuture(new Message.ReplicaWriteResult(
                    t.store().removeIfUnchanged(pg.partition(), pg.key(), pg.expected())));
        } else if (m instanceof Message.RingRequest) {
            return CompletableFuture.completedFuture(ringResult());
        }
        PeerService service = peerService;
        if (service != null) {
            CompletableFuture<? extends Message> answer = service.serve(from, m);
            if (answer != null) {
                return answer;
            }
        }
        throw new BadRequestException("unexpected message " + m.getClass().getSimpleName() + " sent to a node");
    }

    /** The ring, addresses and table placement, as clients learn them. */
    public Message.RingResult ringResult() {
        ClusterState state = cluster;
        List<Message.TablePlacement> placements = new ArrayList<>();
        for (Table t : tables.values()) {
            placements.add(new Message.TablePlacement(t.config().name(), t.config().n(), t.config().partitioner()));
        }
        return new Message.RingResult(state.ring().encode(), new ArrayList<>(state.addresses().values()), placements);
    }

    // ---------------------------------------------------------------- helpers

    /** Decodes a peer's answer: the expected message, or the peer's error as a typed exception. */
    public static <T extends Message> T expect(byte[] bytes, Class<T> type) {
        Message m = MessageCodec.decode(bytes);
        if (m instanceof Message.Error e) {
            throw Errors.toException(e);
        }
        if (!type.isInstance(m)) {
            throw new DynamoException("expected " + type.getSimpleName() + " but got " + m.getClass().getSimpleName());
        }
        return type.cast(m);
    }

    static Message.Error toError(Throwable error) {
        Throwable cause = unwrap(error);
        if (!(cause instanceof DynamoException)) {
            LOG.warn("request failed", cause);
        }
        return Errors.toMessage(cause);
    }

    static String errorCode(Throwable error) {
        Throwable cause = unwrap(error);
        return cause instanceof DynamoException de ? de.code() : "internal";
    }

    static Throwable unwrap(Throwable e) {
        Throwable t = e;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    private <T> CompletableFuture<T> supplyLocal(java.util.function.Supplier<T> work) {
        try {
            return CompletableFuture.completedFuture(work.get());
        } catch (RuntimeException e) {
            LOG.warn("local replica operation failed", e);
            return CompletableFuture.failedFuture(e);
        }
    }

    private void runLocal(Runnable work) {
        supplyLocal(() -> {
            work.run();
            return null;
        });
    }


    /** Stops serving and closes every engine after flushing it. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        handoff.close();
        antiEntropy.close();
        tombstonePurger.close();
        try {
            hints.sync();
        } catch (RuntimeException e) {
            LOG.warn("hint store sync on close failed", e);
        }
        hints.close();
        incarnation.close();
        for (Table t : tables.values()) {
            try {
                t.engine().sync();
            } catch (RuntimeException e) {
                LOG.warn("table '{}': sync on close failed", t.config().name(), e);
            }
            closeQuietly(t.engine());
        }
    }

    private static void closeQuietly(StorageEngine engine) {
        try {
            engine.close();
        } catch (RuntimeException e) {
            LOG.warn("closing an engine failed", e);
        }
    }
}
