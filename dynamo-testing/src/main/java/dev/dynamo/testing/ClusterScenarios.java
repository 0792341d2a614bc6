package dev.dynamo.testing;

import static dev.dynamo.testing.Utf8.bytes;
import static dev.dynamo.testing.Utf8.string;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynamo.api.Context;
import dev.dynamo.api.GetResult;
import dev.dynamo.api.InsufficientReplicasException;
import dev.dynamo.api.RequestOptions;
import dev.dynamo.api.Versioned;
import dev.dynamo.core.ring.Ring;
import dev.dynamo.core.table.TableConfig;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What a user of the store sees, written once and run on every transport and clock: a
 * subclass says which cluster to build, as Ratis's {@code LeaderElectionTests} are run per
 * RPC by a subclass each.
 *
 * <pre>{@code
 * class NettyClusterScenariosTest extends ClusterScenarios {
 *     @Override
 *     protected TestCluster.Builder cluster() {
 *         return TestCluster.builder().transport(TransportKind.NETTY).time(TimeKind.REAL);
 *     }
 * }
 * }</pre>
 *
 * <p>The scenarios set the nodes and tables themselves and use only what every transport
 * offers (kill and restart, no network faults), so one that passes on the local network
 * under virtual time and fails on netty points at the transport. On real time each takes
 * at most a few seconds.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
public abstract class ClusterScenarios {
    /** N=3, R=2, W=2; keeps every sibling. */
    private static final TableConfig TABLE = TableConfig.of("t", 3, 2, 2, "memory", KeepAllTestReconcilerProvider.NAME);
    private static final String T = TABLE.name();
    /** Bound of the waits for background work (hint delivery, read repair), in cluster time. */
    private static final long SETTLE_MILLIS = 20_000;

    /** A builder for the cluster under test: transport, time and what else the subclass wants. */
    protected abstract TestCluster.Builder cluster();

    private TestCluster start(int nodes) {
        return cluster().nodes(nodes).partitions(16).table(TABLE).build();
    }

    @Test
    void aPutThroughOneNodeIsReadThroughAnother() {
        try (TestCluster c = start(3)) {
            Context written = c.client("n1").put(T, bytes("k"), Context.EMPTY, bytes("v1"));
            GetResult read = c.client("n3").get(T, bytes("k"));
            assertEquals("v1", string(read.value()));
            assertEquals(written, read.context());
            c.client("n2").put(T, bytes("k"), read.context(), bytes("v2"));
            assertEquals(List.of("v2"), values(c.client("n1").get(T, bytes("k"))), "the update replaced v1");
        }
    }

    @Test
    void aDeletedKeyIsNotFoundThroughAnyNode() {
        try (TestCluster c = start(3)) {
            Context written = c.client("n1").put(T, bytes("k"), Context.EMPTY, bytes("v"));
            c.client("n2").delete(T, bytes("k"), written);
            for (String id : c.nodeIds()) {
                GetResult r = c.client(id).get(T, bytes("k"));
                assertFalse(r.isFound(), "deleted, read through " + id);
                assertFalse(r.context().isEmpty(), "the tombstone's context comes back so a later put supersedes it");
            }
        }
    }

    @Test
    void twoWritesFromTheSameReadComeBackAsSiblingsUntilAWriteMergesThem() {
        try (TestCluster c = start(3)) {
            Context read = c.client("n1").put(T, bytes("k"), Context.EMPTY, bytes("base"));
            c.client("n1").put(T, bytes("k"), read, bytes("x"));
            c.client("n2").put(T, bytes("k"), read, bytes("y"));
            GetResult both = c.client("n3").get(T, bytes("k"));
            assertEquals(List.of("x", "y"), values(both));
            c.client("n3").put(T, bytes("k"), both.context(), bytes("merged"));
            assertEquals(List.of("merged"), values(c.client("n1").get(T, bytes("k"))));
        }
    }

    @Test
    void aWriteFailsWithTheCountsWhenTooFewReplicasAreUp() {
        try (TestCluster c = start(3)) {
            c.kill("n2");
            c.kill("n3");
            InsufficientReplicasException e = assertThrows(InsufficientReplicasException.class,
                    () -> c.client("n1").put(T, bytes("k"), Context.EMPTY, bytes("v")));
            assertEquals(2, e.required());
            assertEquals(1, e.acknowledged());
            c.client("n1").put(T, bytes("k2"), Context.EMPTY, bytes("v2"), RequestOptions.DEFAULT.withW(1));
            assertEquals("v2", string(c.client("n1").get(T, bytes("k2"), RequestOptions.DEFAULT.withR(1)).value()),
                    "w=1 and r=1 lower the bar for one request");
        }
    }

    @Test
    void aWriteWithAReplicaDownSucceedsAndReachesTheReplicaWhenItReturns() {
        try (TestCluster c = start(4)) {
            List<String> pref = preferenceList(c, "k");
            String coordinator = pref.get(0);
            String down = pref.get(2);
            String substitute = c.nodeIds().stream().filter(id -> !pref.contains(id)).findFirst().orElseThrow();
            c.kill(down);

            c.client(coordinator).put(T, bytes("k"), Context.EMPTY, bytes("v"));
            c.runUntil(() -> c.node(substitute).background().hints().pending().getOrDefault(down, 0L) == 1, SETTLE_MILLIS,
                    substitute + " to hold a hint for " + down);
            c.restart(down);
            c.runUntil(() -> c.node(substitute).background().hints().pending().isEmpty(), SETTLE_MILLIS,
                    substitute + " to hand its hint to " + down);

            // with the other replicas gone, the returned one answers alone
            c.kill(pref.get(0));
            c.kill(pref.get(1));
            GetResult r = c.client(down).get(T, bytes("k"), RequestOptions.DEFAULT.withR(1));
            assertEquals("v", string(r.value()), down + " restarted empty and got the write from the hint");
        }
    }

    @Test
    void aReadRepairsAReplicaThatMissedAWrite() {
        try (TestCluster c = start(3)) {
            List<String> pref = preferenceList(c, "k");
            String stale = pref.get(2);
            c.kill(stale);
            c.client(pref.get(0)).put(T, bytes("k"), Context.EMPTY, bytes("v"));
            c.restart(stale); // empty: a memory engine, and with three nodes no substitute kept a hint

            assertEquals("v", string(c.client(stale).get(T, bytes("k")).value()));
            int partition = c.ring().partitionOf(bytes("k"), c.node(stale).table(T).partitioner());
            c.runUntil(() -> !c.node(stale).table(T).store().get(partition, bytes("k")).isEmpty(), SETTLE_MILLIS,
                    "read repair to write the missed version to " + stale);

            c.kill(pref.get(0));
            c.kill(pref.get(1));
            assertEquals("v", string(c.client(stale).get(T, bytes("k"), RequestOptions.DEFAULT.withR(1)).value()),
                    stale + " answers alone with what the read repaired");
        }
    }

    private static List<String> preferenceList(TestCluster c, String key) {
        Ring ring = c.ring();
        int partition = ring.partitionOf(bytes(key), c.node("n1").table(T).partitioner());
        return ring.preferenceList(partition, TABLE.n());
    }

    /** The values of a read's live siblings, sorted. */
    private static List<String> values(GetResult r) {
        assertTrue(r.isFound(), "found");
        Set<String> out = new TreeSet<>();
        for (Versioned v : r.siblings()) {
            out.add(string(v.value()));
        }
        return List.copyOf(out);
    }
}
