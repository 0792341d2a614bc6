package dev.dynamo.core.antientropy;

import static dev.dynamo.testing.Utf8.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynamo.api.Context;
import dev.dynamo.api.RequestOptions;
import dev.dynamo.core.node.DynamoNode;
import dev.dynamo.core.node.NodeOptions;
import dev.dynamo.core.table.TableConfig;
import dev.dynamo.core.version.SiblingSet;
import dev.dynamo.testing.KeepAllTestReconcilerProvider;
import dev.dynamo.testing.TestCluster;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A deleted key never comes back: through hints, anti-entropy, read repair, or a returning node. */
class TombstoneLifecycleTest {
    private static final String T = "t";
    private static final long GRACE = 60_000;

    @TempDir
    Path dir;
    TestCluster c;
    byte[] key;
    int partition;

    @BeforeEach
    void start() {
        NodeOptions options = TestCluster.DEFAULT_OPTIONS.withTombstones(GRACE, 0);
        c = TestCluster.builder().nodes(4).partitions(16).seed(5).dataDir(dir).nodeOptions(options)
                .table(TableConfig.of(T, 3, 2, 2, "memory", KeepAllTestReconcilerProvider.NAME)).build();
        for (int i = 0; i < 10_000; i++) {
            byte[] k = bytes("key" + i);
            int p = c.ring().partitionOf(k, c.node("n1").table(T).partitioner());
            if (c.ring().preferenceList(p, 3).equals(List.of("n1", "n2", "n3"))) {
                key = k;
                partition = p;
                return;
            }
        }
        throw new AssertionError("no key with preference list n1, n2, n3");
    }

    @AfterEach
    void stop() {
        c.close();
    }

    private SiblingSet on(String node) {
        return c.node(node).table(T).store().get(partition, key);
    }

    private void assertDeletedEverywhere() {
        for (String id : c.nodeIds()) {
            assertFalse(c.client(id).get(T, key, RequestOptions.DEFAULT.withR(1)).isFound(), "visible through " + id);
        }
        for (String id : List.of("n1", "n2", "n3")) {
            assertTrue(on(id).isDeleted(), id + " holds no live value");
        }
    }

    private int purge() {
        return c.await(c.node("n1").background().tombstonePurger().purge());
    }

    @Test
    void hintDeliveryDoesNotResurrect() {
        c.network().isolate("n3");
        Context ctx = c.client("n1").put(T, key, Context.EMPTY, bytes("v1"));
        c.runFor(3_000); // the n3 slot times out and moves to the substitute n4 as a hint
        c.client("n1").delete(T, key, ctx);
        c.runFor(3_000);
        assertTrue(c.node("n4").background().hints().pending().containsKey("n3"), "n4 holds a hint for n3");
        // keep the hint from going home until long after the grace period
        c.network().heal();
        c.network().setDropProbability("n4", "n3", 1.0);
        c.client("n1").get(T, key); // read repair gives n3 the tombstone directly
        assertEquals(0, purge(), "the first pass that sees only tombstones starts the purger's own wait");
        c.runFor(2 * GRACE + 10_000);
        assertEquals(1, purge(), "every replica holds the tombstone and twice the grace period passed");
        assertTrue(on("n1").isEmpty() && on("n2").isEmpty() && on("n3").isEmpty());
        c.network().clearFaults();
        c.runFor(10_000); // the stale hint is now older than the grace period: dropped, not delivered
        assertEquals(List.of(), List.copyOf(c.node("n4").background().hints().pending().keySet()));
        assertTrue(c.node("n4").background().handoff().expired() > 0);
        assertTrue(on("n3").isEmpty(), "the old value did not come back to n3");
        assertDeletedEverywhere();
    }

    @Test
    void antiEntropyDoesNotResurrectAndPurgeWaitsForEveryReplica() {
        Context ctx = c.client("n1").put(T, key, Context.EMPTY, bytes("v1"));
        c.runFor(1_000);
        c.network().isolate("n3");
        c.network().isolate("n4"); // no substitute either: n3 keeps only v1
        c.client("n1").delete(T, key, ctx);
        c.runFor(GRACE + 10_000);
        assertEquals(0, purge(), "n3 cannot confirm, so nothing is purged");
        assertTrue(on("n1").isDeleted());
        assertFalse(on("n3").isDeleted(), "n3 still has v1");
        c.network().heal();
        c.await(c.node("n1").background().antiEntropy().repair(null));
        assertTrue(on("n3").isDeleted(), "anti-entropy gave n3 the tombstone, not n1 the value");
        c.runFor(2 * GRACE);
        assertEquals(1, purge());
        c.await(c.node("n3").background().antiEntropy().repair(null));
        c.await(c.node("n2").background().antiEntropy().repair(null));
        assertTrue(on("n1").isEmpty() && on("n2").isEmpty() && on("n3").isEmpty());
        assertDeletedEverywhere();
    }

    @Test
    void readRepairDoesNotResurrect() {
        Context ctx = c.client("n1").put(T, key, Context.EMPTY, bytes("v1"));
        c.runFor(1_000);
        c.network().isolate("n3");
        c.network().isolate("n4");
        c.client("n1").delete(T, key, ctx);
        c.network().heal();
        assertFalse(c.client("n3").get(T, key, RequestOptions.DEFAULT.withR(3)).isFound());
        c.runFor(1_000);
        assertTrue(on("n3").isDeleted(), "read repair carried the tombstone to n3");
        assertDeletedEverywhere();
    }

    @Test
    void aReturningNodeDoesNotResurrect() {
        Context ctx = c.client("n1").put(T, key, Context.EMPTY, bytes("v1"));
        c.runFor(1_000);
        c.network().crash("n3");
        c.network().isolate("n4");
        c.client("n1").delete(T, key, ctx);
        c.runFor(GRACE * 3);
        assertEquals(0, purge(), "the crashed replica keeps the tombstone from being purged");
        c.network().restart("n3");
        c.network().heal();
        assertFalse(on("n3").isDeleted(), "n3 came back with v1");
        assertFalse(c.client("n3").get(T, key).isFound(), "the tombstone wins over the returning value");
        c.await(c.node("n1").background().antiEntropy().repair(null));
        c.runFor(2 * GRACE);
        assertEquals(1, purge());
        c.runFor(10_000);
        assertDeletedEverywhere();
        DynamoNode n3 = c.node("n3");
        assertTrue(n3.table(T).store().get(partition, key).isEmpty());
    }

    /**
     * The purger measures the grace itself, in elapsed time since it first saw the key hold
     * only tombstones: a tombstone whose timestamp is already past the grace (a coordinator
     * whose clock was behind looks just like this) is not purged before then.
     */
    @Test
    void purgeWaitsTwiceTheGraceAfterItFirstSeesOnlyTombstones() {
        Context ctx = c.client("n1").put(T, key, Context.EMPTY, bytes("v1"));
        c.client("n1").delete(T, key, ctx);
        c.runFor(GRACE + 1_000);
        assertEquals(0, purge(), "past the grace by its timestamp, but first seen only now");
        c.runFor(GRACE + 1_000);
        assertEquals(0, purge(), "one grace period of elapsed time is not enough");
        c.runFor(GRACE);
        assertEquals(1, purge(), "twice the grace period after the first sight");
        assertTrue(on("n1").isEmpty() && on("n2").isEmpty() && on("n3").isEmpty());
    }
}
