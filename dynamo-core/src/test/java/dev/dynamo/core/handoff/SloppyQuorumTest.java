package dev.dynamo.core.handoff;

import static dev.dynamo.core.testing.InJvmCluster.bytes;
import static dev.dynamo.core.testing.InJvmCluster.string;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynamo.api.Context;
import dev.dynamo.core.node.DynamoNode;
import dev.dynamo.core.table.TableConfig;
import dev.dynamo.core.testing.InJvmCluster;
import dev.dynamo.core.testing.KeepAllTestReconcilerProvider;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * N=3, W=2 on five nodes: with one and then two preference nodes cut off, puts keep
 * succeeding through substitutes that keep hints; after the heal, hints go home and every
 * key sits on exactly its true preference list.
 */
class SloppyQuorumTest {
    private static final String T = "t";

    @TempDir
    Path dir;

    @Test
    void putsSucceedWithPreferenceNodesCutOffAndConvergeAfterHeal() {
        for (long seed : new long[] {1, 2, 3}) {
            try (InJvmCluster c = InJvmCluster.start(5, 32, seed, dir.resolve("s" + seed),
                    TableConfig.of(T, 3, 2, 2, "memory", KeepAllTestReconcilerProvider.NAME))) {
                run(c);
            }
        }
    }

    private void run(InJvmCluster c) {
        // keys whose preference list includes n1 (so n1 can coordinate) and n2, n3 to cut off
        List<byte[]> keys = new ArrayList<>();
        Map<String, String> expected = new TreeMap<>();
        DynamoNode n1 = c.node("n1");
        for (int i = 0; keys.size() < 40 && i < 10_000; i++) {
            byte[] k = bytes("k" + i);
            List<String> pref = pref(c, k);
            if (pref.get(0).equals("n1") && !pref.contains("n4") && !pref.contains("n5")) {
                keys.add(k);
            }
        }
        assertEquals(40, keys.size(), "enough keys on n1, n2, n3");
        // one preference node cut off
        c.network().isolate("n2");
        for (int i = 0; i < 20; i++) {
            c.client("n1").put(T, keys.get(i), Context.EMPTY, bytes("one-down-" + i));
            expected.put(string(keys.get(i)), "one-down-" + i);
        }
        c.settle(3_000); // slots whose replica timed out after the put returned move on to substitutes
        assertTrue(n1.background().hints().pendingTotal() == 0, "n1 coordinates: it never hints to itself");
        long hintsHeld = c.nodeIds().stream().mapToLong(id -> c.node(id).background().hints().pending().getOrDefault("n2", 0L)).sum();
        assertTrue(hintsHeld >= 20, "substitutes hold a hint for n2 per key: " + hintsHeld);
        // two preference nodes cut off: the coordinator and a substitute still make W=2
        c.network().isolate("n3");
        for (int i = 20; i < 40; i++) {
            c.client("n1").put(T, keys.get(i), Context.EMPTY, bytes("two-down-" + i));
            expected.put(string(keys.get(i)), "two-down-" + i);
        }
        // reads keep working through the substitutes too
        assertEquals("two-down-25", string(c.client("n1").get(T, keys.get(25)).value()));
        c.network().heal();
        c.settle(30_000);
        for (String id : c.nodeIds()) {
            assertEquals(Map.of(), c.node(id).background().hints().pending(), "hint store of " + id + " is empty");
        }
        for (byte[] k : keys) {
            List<String> pref = pref(c, k);
            int p = c.ring().partitionOf(k, n1.table(T).partitioner());
            for (String id : c.nodeIds()) {
                boolean holds = !c.node(id).table(T).store().get(p, k).isEmpty();
                assertEquals(pref.contains(id), holds, string(k) + " on " + id + " (pref " + pref + ")");
            }
            for (String id : pref) {
                assertEquals(expected.get(string(k)),
                        string(c.node(id).table(T).store().get(p, k).versions().get(0).value()));
            }
        }
        assertFalse(c.node("n4").background().handoff().delivered() + c.node("n5").background().handoff().delivered() == 0);
    }

    private static List<String> pref(InJvmCluster c, byte[] k) {
        DynamoNode n1 = c.node("n1");
        int p = c.ring().partitionOf(k, n1.table(T).partitioner());
        return c.ring().preferenceList(p, 3);
    }
}
