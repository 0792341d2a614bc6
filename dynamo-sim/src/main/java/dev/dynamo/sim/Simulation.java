package dev.dynamo.sim;

import dev.dynamo.api.Context;
import dev.dynamo.api.GetResult;
import dev.dynamo.api.RequestOptions;
import dev.dynamo.api.Versioned;
import dev.dynamo.core.node.DynamoNode;
import dev.dynamo.core.node.NodeOptions;
import dev.dynamo.core.spi.Partitioner;
import dev.dynamo.core.spi.Plugins;
import dev.dynamo.core.time.VirtualScheduler;
import dev.dynamo.core.version.Dot;
import dev.dynamo.core.version.SiblingSet;
import dev.dynamo.reconcilers.Cart;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

/**
 * One simulation run: a cluster of 3 to 5 nodes (N=3) with one table of a
 * {@link SimConfig}, concurrent clients issuing puts with and without contexts, deletes
 * and cart adds for {@link SimOptions#workloadMillis()} of virtual time while a
 * {@link Nemesis} injects one {@link FaultKind}; then every fault is healed, hints are
 * delivered and anti-entropy runs until every replica of every key holds the same sibling
 * set, and the {@link Checker} judges the recorded {@link History}. Everything runs on one
 * thread under one {@link VirtualScheduler}, and every random choice comes from the seed: the
 * same (seed, configuration, fault kind, options) replays the same run, operation for
 * operation.
 *
 * <pre>{@code
 * SimResult r = Simulation.run(42, SimConfig.parse("siblings-w2"), FaultKind.CRASH_RESTART, SimOptions.DEFAULTS);
 * if (!r.ok()) System.out.println(r.report());
 * }</pre>
 */
public final class Simulation {

    /** Virtual start time (any fixed value; a realistic epoch keeps timestamps readable). */
    static final long EPOCH = 1_700_000_000_000L;
    /** Partitions of the ring: few, so that a run's anti-entropy touches little. */
    static final int Q = 16;
    /**
     * Tombstone grace period when the fault kind purges tombstones: shorter than its clock
     * skews, longer than twice any message delay of that kind (the purge's condition).
     */
    static final long PURGE_GRACE_MILLIS = 500;
    /** Most scheduler steps a run may take: a guard against a livelock, far above a normal run. */
    private static final int MAX_STEPS = 20_000_000;

    private final long seed;
    private final SimConfig config;
    private final FaultKind kind;
    private final SimOptions options;
    private final VirtualScheduler time = new VirtualScheduler(EPOCH);
    private final History history = new History();
    private final VersionLedger ledger = new VersionLedger();
    private final Random workloadRandom;
    private final Partitioner partitioner = Plugins.partitioner("md5");
    private final List<String> keys = new ArrayList<>();
    private final Map<Integer, Long> holdersAtAck = new HashMap<>();
    private final Map<Integer, Long> durableAtAck = new HashMap<>();
    private SimCluster cluster;
    private long workloadEnd;
    private int inFlight;

    private Simulation(long seed, SimConfig config, FaultKind kind, SimOptions options) {
        this.seed = seed;
        this.config = config;
        this.kind = kind;
        this.options = options;
        this.workloadRandom = new Random(seed * 0x9E3779B97F4A7C15L + 1);
        // purges need a key to stay deleted for a while: spread the writes over more keys then
        int keyCount = kind.purgesTombstones() ? 3 * options.keys() : options.keys();
        for (int i = 0; i < keyCount; i++) {
            keys.add("k" + i);
        }
    }

    /** Runs one seed in a fresh temporary directory, which it deletes afterwards. */
    public static SimResult run(long seed, SimConfig config, FaultKind kind, SimOptions options) {
        return run(seed, config, kind, options, state -> { });
    }

    /**
     * As {@link #run(long, SimConfig, FaultKind, SimOptions)}, but {@code tamper} may change
     * the final state (key to replica to sibling set, mutable) before the checkers see it: how
     * the checkers' own tests plant a lost write, an invented value or a diverging replica.
     */
    static SimResult run(long seed, SimConfig config, FaultKind kind, SimOptions options,
                         java.util.function.Consumer<Map<String, Map<String, SiblingSet>>> tamper) {
        Path dir;
        try {
            dir = Files.createTempDirectory("dynamo-sim-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary directory for the simulation", e);
        }
        try {
            return new Simulation(seed, config, kind, options).execute(dir, tamper);
        } finally {
            deleteTree(dir);
        }
    }

    private SimResult execute(Path dir, java.util.function.Consumer<Map<String, Map<String, SiblingSet>>> tamper) {
        Random topology = new Random(seed ^ 0x5DEECE66DL);
        int size = options.nodes() != 0 ? options.nodes() : 3 + topology.nextInt(3);
        history.origin(time.clock().millis());
        NodeOptions nodeOptions = NodeOptions.DEFAULTS.withSystemEngine(CrashableEngineProvider.NAME)
                .withHints(200, 200)
                .withAntiEntropy(2_000, 1_000_000)
                // no purge unless the kind is about it: every tombstone stays visible to the checkers
                .withTombstones(kind.purgesTombstones() ? PURGE_GRACE_MILLIS : 24L * 3600 * 1000,
                        kind.purgesTombstones() ? PURGE_GRACE_MILLIS / 4 : 0);
        cluster = new SimCluster(time, seed, size, Q, dir, List.of(config.table(options.timeoutMillis(), options.disk())),
                nodeOptions, ledger, options.disk());
        history.event(time.clock().millis(), "cluster of " + size + " nodes " + cluster.ids() + ", table "
                + config + " (n=" + config.n() + " r=" + config.r() + " w=" + config.w() + " " + config.durability()
                + "), faults: " + kind.label());
        scheduleCommits(topology);
        Nemesis nemesis = new Nemesis(cluster, kind, new Random(seed * 31 + 7), history);
        workloadEnd = time.clock().millis() + options.workloadMillis();
        nemesis.schedule(100, options.workloadMillis() - 100);
        for (int c = 0; c < options.clients(); c++) {
            Client client = new Client(c);
            time.schedule(() -> next(client), workloadRandom.nextInt(thinkMillis()));
        }
        runUntil(workloadEnd);
        // let operations in flight finish or time out on the client side
        for (int i = 0; i < 100 && inFlight > 0; i++) {
            runUntil(time.clock().millis() + 100);
        }
        nemesis.healAll();
        long healedAt = time.clock().millis();
        long converged = converge();
        if (kind.purgesTombstones() && converged >= 0) {
            // the last deletes' tombstones wait twice the grace, and for their timestamps (a coordinator
            // that was ahead by up to 4 s made them look younger) before they go: let them, then agree again
            runUntil(time.clock().millis() + 6_000);
            converged = converge();
        }
        long convergeMillis = converged < 0 ? -1 : converged - healedAt;
        Map<String, Map<String, SiblingSet>> finalState = finalState();
        tamper.accept(finalState);
        Checker checker = new Checker(config, history, ledger, finalState, holdersAtAck, converged >= 0)
                .withDurability(durableAtAck, nemesis.diskFaults());
        List<Violation> violations = checker.check();
        Map<Checker.Fate, Integer> fates = checker.fateCounts();
        SimResult result = new SimResult(seed, config, kind, options, size, history, violations,
                checker.acknowledgedWrites(), checker.acknowledgedLost(),
                fates.get(Checker.Fate.DISCARDED_BY_DESIGN), fates.get(Checker.Fate.LOST_IN_CRASH), convergeMillis,
                nemesis.episodes(), nemesis.crashes(), ledger.size(), ledger.purgedTombstones());
        cluster.close();
        return result;
    }

    /** MVStore's background auto-commit, on virtual time: each node syncs its engines every commitMillis. */
    private void scheduleCommits(Random topology) {
        for (String id : cluster.ids()) {
            long phase = topology.nextInt((int) Math.min(Integer.MAX_VALUE, options.commitMillis()));
            time.schedule(new Runnable() {
                @Override
                public void run() {
                    cluster.commit(id);
                    time.schedule(this, options.commitMillis());
                }
            }, phase);
        }
    }

    private void runUntil(long until) {
        int steps = 0;
        while (steps++ < MAX_STEPS) {
            long before = time.clock().millis();
            if (before >= until) {
                return;
            }
            if (time.pending() == 0) {
                time.runFor(until - before);
                return;
            }
            time.runFor(Math.min(until - before, 50));
        }
        throw new IllegalStateException("simulation seed " + seed + " did not reach time " + until
                + ": more than " + MAX_STEPS + " scheduling rounds");
    }

    // ------------------------------------------------------------------ convergence

    /**
     * Runs on after the heal, checking every 50 ms whether no hint is pending and every key's
     * replicas hold the same sibling set. Hint delivery and the periodic anti-entropy run by
     * themselves; besides, every node starts a full anti-entropy exchange one second after
     * the heal and every two seconds after that (an operator's {@code bin/dynamo repair}).
     * Returns the virtual time of convergence, or -1 after {@code maxConvergeRounds} such
     * exchanges.
     */
    private long converge() {
        long healedAt = time.clock().millis();
        long nextRepair = healedAt + 1_000;
        int repairs = 0;
        for (int i = 0; i < 100_000; i++) { // bounded by the repair rounds below as well
            runUntil(time.clock().millis() + 50);
            if (converged()) {
                return time.clock().millis();
            }
            if (time.clock().millis() >= nextRepair) {
                if (repairs++ == options.maxConvergeRounds()) {
                    return -1;
                }
                for (String id : cluster.ids()) {
                    cluster.node(id).background().antiEntropy().repair(SimConfig.TABLE);
                }
                nextRepair = time.clock().millis() + 2_000;
            }
        }
        return -1;
    }

    private boolean converged() {
        for (String id : cluster.ids()) {
            if (cluster.node(id).background().hints().pendingTotal() > 0) {
                return false;
            }
        }
        for (Map<String, SiblingSet> replicas : finalState().values()) {
            SiblingSet first = null;
            for (SiblingSet set : replicas.values()) {
                if (first == null) {
                    first = set;
                } else if (!Checker.sameVersions(first, set)) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Key to (replica of its preference list to its sibling set), as stored now. */
    private Map<String, Map<String, SiblingSet>> finalState() {
        Map<String, Map<String, SiblingSet>> out = new LinkedHashMap<>();
        for (String key : keys) {
            byte[] k = key.getBytes(StandardCharsets.UTF_8);
            int partition = cluster.ring().partitionOf(k, partitioner);
            Map<String, SiblingSet> replicas = new LinkedHashMap<>();
            for (String node : cluster.ring().preferenceList(partition, config.n())) {
                DynamoNode n = cluster.node(node);
                replicas.put(node, n.table(SimConfig.TABLE).store().get(partition, k));
            }
            out.put(key, replicas);
        }
        return out;
    }

    // ------------------------------------------------------------------ workload

    /** One logical client: issues one operation at a time, remembers its last write per key. */
    private final class Client {
        final int id;
        final Map<String, Context> lastWriteContext = new HashMap<>();
        final Map<String, Cart> lastWrittenCart = new HashMap<>();
        int issued;
        int seq;

        Client(int id) {
            this.id = id;
        }
    }

    private void next(Client c) {
        if (time.clock().millis() >= workloadEnd || c.issued >= options.opsPerClient()) {
            return;
        }
        c.issued++;
        String key = keys.get(workloadRandom.nextInt(keys.size()));
        int roll = workloadRandom.nextInt(100);
        if (config.isCart()) {
            if (roll < 45) {
                readThen(c, key, Op.Kind.CART_ADD);
            } else if (roll < 70) {
                write(c, key, Op.Kind.BLIND_CART_ADD, null, -1);
            } else if (roll < 85) {
                write(c, key, c.lastWriteContext.containsKey(key) ? Op.Kind.CHAINED_CART_ADD : Op.Kind.BLIND_CART_ADD,
                        null, -1);
            } else if (roll < 92) {
                readThen(c, key, Op.Kind.DELETE);
            } else {
                readThen(c, key, null);
            }
        } else {
            if (roll < 35) {
                readThen(c, key, Op.Kind.PUT);
            } else if (roll < 60) {
                write(c, key, Op.Kind.BLIND_PUT, null, -1);
            } else if (roll < 75) {
                write(c, key, c.lastWriteContext.containsKey(key) ? Op.Kind.CHAINED_PUT : Op.Kind.BLIND_PUT, null, -1);
            } else if (roll < 85) {
                readThen(c, key, Op.Kind.DELETE);
            } else if (roll < 88) {
                write(c, key, Op.Kind.BLIND_DELETE, null, -1);
            } else {
                readThen(c, key, null);
            }
        }
    }

    /** A get; then, when it succeeded and {@code then} is not null, a write with the context read. */
    private void readThen(Client c, String key, Op.Kind then) {
        String node = cluster.randomUp(workloadRandom);
        Op op = history.invoke(c.id, SimConfig.TABLE, key, Op.Kind.GET, node, time.clock().millis());
        CompletableFuture<GetResult> f = cluster.node(node).get(SimConfig.TABLE, bytes(key),
                RequestOptions.DEFAULT);
        track(c, op, f, result -> {
            List<String> values = new ArrayList<>();
            for (Versioned v : result.siblings()) {
                values.add(new String(v.value(), StandardCharsets.UTF_8));
            }
            op.read(values, result.context());
            op.ok(time.clock().millis());
            if (then == null) {
                return false;
            }
            write(c, key, then, result, op.id());
            return true;
        });
    }

    /** Issues a write of kind {@code kind}; {@code read} is the get it follows (null: none). */
    private void write(Client c, String key, Op.Kind kind, GetResult read, int readOf) {
        String node = cluster.randomUp(workloadRandom);
        Op op = history.invoke(c.id, SimConfig.TABLE, key, kind, node, time.clock().millis());
        int seq = ++c.seq;
        Context context = switch (kind) {
            case PUT, DELETE, CART_ADD -> read.context();
            case CHAINED_PUT, CHAINED_CART_ADD -> c.lastWriteContext.get(key);
            default -> Context.EMPTY;
        };
        String value = null;
        String item = null;
        Cart cart = null;
        switch (kind) {
            case PUT, BLIND_PUT, CHAINED_PUT -> value = key + ":c" + c.id + ":" + seq;
            case CART_ADD, BLIND_CART_ADD, CHAINED_CART_ADD -> {
                item = key + "-c" + c.id + "-" + seq;
                Cart base = Cart.empty();
                if (kind == Op.Kind.CART_ADD) {
                    for (Versioned v : read.siblings()) {
                        base = base.union(Cart.tryFromJson(v.value()).orElse(Cart.empty()));
                    }
                } else if (kind == Op.Kind.CHAINED_CART_ADD) {
                    base = c.lastWrittenCart.getOrDefault(key, Cart.empty());
                }
                cart = base.with(item, 1);
                value = cart.toJsonString();
            }
            default -> { }
        }
        op.wrote(value, item, context, readOf);
        DynamoNode n = cluster.node(node);
        CompletableFuture<Context> f = kind.isDelete()
                ? n.delete(SimConfig.TABLE, bytes(key), context, RequestOptions.DEFAULT)
                : n.put(SimConfig.TABLE, bytes(key), context, bytes(value), RequestOptions.DEFAULT);
        Cart written = cart;
        track(c, op, f, returned -> {
            Dot dot = newDot(context, returned);
            op.returned(returned, dot);
            op.ok(time.clock().millis());
            if (dot != null) {
                VersionLedger.Known k = ledger.known(new VersionLedger.WriteId(SimConfig.TABLE, key, dot));
                holdersAtAck.put(op.id(), k == null ? 0L : (long) k.holders().size());
                durableAtAck.put(op.id(), k == null ? 0L : (long) k.durableOn().size());
            }
            c.lastWriteContext.put(key, returned);
            if (written != null) {
                c.lastWrittenCart.put(key, written);
            } else if (kind.isDelete()) {
                c.lastWrittenCart.put(key, Cart.empty()); // a chained add after a delete starts an empty cart
            }
            return false;
        });
    }

    /**
     * Completes {@code op} when {@code f} does (or INFO after a client-side deadline: a node
     * that crashed with the request never answers), then lets the client go on after a short
     * think time, unless {@code onOk} started a follow-up operation itself.
     */
    private <T> void track(Client c, Op op, CompletableFuture<T> f, java.util.function.Function<T, Boolean> onOk) {
        inFlight++;
        boolean[] done = {false};
        // think times spread each client's operations over the whole workload window, so most
        // operations meet a fault (a request itself takes only a few virtual ms)
        Runnable proceed = () -> time.schedule(() -> next(c), workloadRandom.nextInt(thinkMillis()));
        time.schedule(() -> {
            if (!done[0]) {
                done[0] = true;
                inFlight--;
                op.complete(Op.Status.INFO, time.clock().millis(), "no answer: client gave up");
                proceed.run();
            }
        }, 3 * options.timeoutMillis());
        f.whenComplete((value, error) -> {
            if (done[0]) {
                return;
            }
            done[0] = true;
            inFlight--;
            boolean chained = false;
            if (error == null) {
                chained = onOk.apply(value);
            } else {
                // any failed write may still have been applied somewhere: its outcome is unknown
                op.complete(op.kind().isWrite() ? Op.Status.INFO : Op.Status.FAIL, time.clock().millis(),
                        describe(error));
            }
            if (!chained) {
                proceed.run();
            }
        });
    }

    private int thinkMillis() {
        return (int) Math.max(2, 2 * options.workloadMillis() / options.opsPerClient());
    }

    /** The write event a put created: the one event its returned context covers and its sent context does not. */
    static Dot newDot(Context sent, Context returned) {
        Dot found = null;
        for (var e : returned.clock().entries()) {
            if (!sent.covers(e.node(), e.counter())) {
                found = new Dot(e.node(), e.counter());
            }
        }
        for (Context.Event e : returned.events()) {
            if (!sent.covers(e.node(), e.counter())) {
                found = new Dot(e.node(), e.counter());
            }
        }
        return found;
    }

    private static String describe(Throwable error) {
        Throwable t = error;
        for (int i = 0; i < 8 && (t instanceof java.util.concurrent.CompletionException
                || t instanceof java.util.concurrent.ExecutionException) && t.getCause() != null; i++) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + ": " + t.getMessage();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the simulation's temporary directory " + dir, e);
        }
    }
}
