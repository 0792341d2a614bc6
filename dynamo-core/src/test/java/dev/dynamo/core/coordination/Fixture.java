package dev.dynamo.core.coordination;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynamo.api.Context;
import dev.dynamo.core.cluster.ClusterState;
import dev.dynamo.core.engine.memory.MemoryStorageEngine;
import dev.dynamo.core.failure.OutcomeFailureDetector;
import dev.dynamo.core.handoff.HintStore;
import dev.dynamo.core.protocol.Message;
import dev.dynamo.core.protocol.Replies;
import dev.dynamo.core.ring.NodeInfo;
import dev.dynamo.core.ring.Ring;
import dev.dynamo.core.ring.RingPlanner;
import dev.dynamo.core.spi.Plugins;
import dev.dynamo.core.spi.Reconciler;
import dev.dynamo.core.spi.StorageEngine;
import dev.dynamo.core.store.SiblingStore;
import dev.dynamo.core.table.Table;
import dev.dynamo.core.table.TableConfig;
import dev.dynamo.core.time.VirtualScheduler;
import dev.dynamo.core.version.Dot;
import dev.dynamo.core.version.SiblingSet;
import dev.dynamo.core.version.Version;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.stream.IntStream;

/**
 * One node's view of a six-node ring, for testing the request path of that node alone: its
 * table, hint store, failure detector and scripted transport, and where the test key lives
 * (its preference list and the nodes beyond it, computed from the ring). The node under test
 * is the key's first replica ({@link #inside}) or a node outside its preference list that is
 * the last substitute in ring order ({@link #outside}), so substitutes come from other nodes.
 */
final class Fixture {
    static final String TABLE = "t";
    static final List<String> NODES = IntStream.rangeClosed(1, 6).mapToObj(i -> "n" + i).toList();
    /** Keeps every sibling (core's own tests have no reconcilers; the real ones live elsewhere). */
    static final Reconciler KEEP_ALL = List::copyOf;
    static final long START = 1_000_000;

    final VirtualScheduler scheduler = new VirtualScheduler(START);
    final Ring ring = new RingPlanner().initial(24, NODES.stream().map(NodeInfo::of).toList());
    final ClusterState cluster = ClusterState.of(ring, NODES.stream()
            .map(n -> new Message.NodeAddress(n, n + ":7000", n + ":8000")).toList());
    final OutcomeFailureDetector detector = new OutcomeFailureDetector(scheduler.clock(), 1, 1_000);
    final CountingEngine hintEngine = new CountingEngine(new MemoryStorageEngine("__hints"));
    final HintStore hints = new HintStore(hintEngine, 10);
    final Table table;
    final CountingEngine engine;

    final byte[] key = bytes("key");
    final int partition;
    /** The key's preference list, coordinator first. */
    final List<String> pref;
    /** The nodes beyond the preference list, in ring order: where substitutes are taken from. */
    final List<String> beyond;

    final String self;
    final ScriptedTransport net;
    final ReplicaSelector replicas;
    final LocalReplica local;

    private Fixture(TableConfig config, boolean inside) {
        engine = new CountingEngine(new MemoryStorageEngine(config.name()));
        table = table(config, engine);
        partition = ring.partitionOf(key, table.partitioner());
        pref = ring.preferenceList(partition, config.n());
        List<String> all = ring.preferenceList(partition, NODES.size());
        assertEquals(NODES.size(), all.size(), "every node owns a partition");
        beyond = all.stream().filter(n -> !pref.contains(n)).toList();
        self = inside ? pref.get(0) : beyond.get(beyond.size() - 1);
        net = new ScriptedTransport(self);
        replicas = new ReplicaSelector(self, detector);
        local = new LocalReplica(self, hints);
    }

    /** The node under test is the key's first replica. */
    static Fixture inside(TableConfig config) {
        return new Fixture(config, true);
    }

    /** The node under test is outside the key's preference list (the last node beyond it). */
    static Fixture outside(TableConfig config) {
        return new Fixture(config, false);
    }

    static TableConfig config(int n, int r, int w) {
        return TableConfig.of(TABLE, n, r, w, "memory", "keep-all");
    }

    static Table table(TableConfig config, StorageEngine engine) {
        SiblingStore store = new SiblingStore(config.name(), engine, 10,
                config.durability() == TableConfig.Durability.SYNC);
        return new Table(config, engine, store, KEEP_ALL, Plugins.partitioner("md5"));
    }

    ReadCoordinator reads(RequestObserver observer) {
        return new ReadCoordinator(replicas, local, net, scheduler, observer);
    }

    WriteCoordinator writes() {
        return new WriteCoordinator(self + "-actor", replicas, net, scheduler);
    }

    /** The replicas of the key other than the node under test, in preference order. */
    List<String> otherReplicas() {
        return pref.stream().filter(n -> !n.equals(self)).toList();
    }

    /** What this node's table holds for the test key. */
    SiblingSet stored() {
        return table.store().get(partition, key);
    }

    // ---------------------------------------------------------------- values and versions

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String string(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    /** A blind write of {@code value}: the {@code counter}-th event of {@code node}. */
    static Version version(String node, long counter, String value) {
        return new Version(new Dot(node, counter), Context.EMPTY, START - 1_000 + counter, false, bytes(value));
    }

    /** A write of {@code value} by {@code node} made over what {@code read} holds: it supersedes that. */
    static Version versionOver(SiblingSet read, String node, long counter, String value) {
        return new Version(new Dot(node, counter), read.context(), START - 500 + counter, false, bytes(value));
    }

    static SiblingSet set(Version... versions) {
        return new SiblingSet(List.of(versions));
    }

    /** The values a set holds, sorted. */
    static List<String> values(SiblingSet set) {
        List<String> out = new ArrayList<>();
        for (Version v : set.versions()) {
            out.add(string(v.value()));
        }
        out.sort(null);
        return out;
    }

    static Message.ReplicaReadResult holding(SiblingSet set) {
        return new Message.ReplicaReadResult(set);
    }

    static Message.ReplicaWriteResult stored(boolean changed) {
        return new Message.ReplicaWriteResult(changed);
    }

    // ---------------------------------------------------------------- futures

    /** The failure of a future that must have failed, unwrapped. */
    static <T extends Throwable> T failure(CompletableFuture<?> f, Class<T> type) {
        assertTrue(f.isDone(), "the request has ended");
        assertTrue(f.isCompletedExceptionally(), () -> "the request failed, but it answered " + f.join());
        try {
            f.get();
            throw new AssertionError("unreachable");
        } catch (ExecutionException e) {
            return assertInstanceOf(type, Replies.unwrap(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The value of a future that must have completed normally. */
    static <T> T answer(CompletableFuture<T> f) {
        assertTrue(f.isDone(), "the request has ended");
        return f.join();
    }
}
