package dev.dynamo.core.membership;

import static dev.dynamo.testing.Utf8.bytes;
import static dev.dynamo.testing.Utf8.string;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynamo.core.ring.Ring;
import dev.dynamo.core.table.QuorumScope;
import dev.dynamo.core.table.TableConfig;
import dev.dynamo.testing.KeepAllTestReconcilerProvider;
import dev.dynamo.testing.TestCluster;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A whole zone cut off for a while under continuous writes (n1, n2 in dc1; n3, n4 in dc2;
 * N = 4, two replicas per zone, W = 2 counted in the coordinator's zone): every write is
 * acknowledged on both sides of the cut, none is lost, and after the heal anti-entropy
 * brings every replica, in both zones, to every acknowledged write.
 */
class ZoneCutTest {
    private static final Map<String, String> ZONES = Map.of("n1", "dc1", "n2", "dc1", "n3", "dc2", "n4", "dc2");
    private static final TableConfig TABLE = TableConfig.of("t", 4, 2, 2, "memory",
            KeepAllTestReconcilerProvider.NAME).withQuorum(QuorumScope.LOCAL);

    @TempDir
    Path dir;

    @Test
    void localQuorumWritesStayAvailableThroughAZoneCutAndEveryReplicaConvergesAfterTheHeal() {
        try (TestCluster c = TestCluster.builder().nodes(4).partitions(16).seed(13).dataDir(dir).zones(ZONES::get)
                .nodeOptions(TestCluster.DEFAULT_OPTIONS.withAntiEntropy(2_000, 100_000)).table(TABLE).build()) {
            ContinuousWriter writer = new ContinuousWriter(c, "t", 13);
            writer.start(20);
            c.runFor(3_000);
            c.network().partition(Set.of("n1", "n2"), Set.of("n3", "n4"));
            int before = writer.acked().size();
            c.runFor(10_000);
            int duringCut = writer.acked().size() - before;
            c.network().heal();
            c.runFor(3_000);
            writer.stop();

            assertEquals(0, writer.failed(), "no write failed, not even during the cut");
            assertTrue(duringCut >= 450, "writes went on during the cut: " + duringCut + " in 10 s");
            Ring ring = c.ring();
            c.runUntil(() -> missing(c, ring, writer.acked()).isEmpty(), 120_000,
                    "every replica to hold every acknowledged write");
            for (String id : c.nodeIds()) {
                for (Map.Entry<String, String> w : writer.acked().entrySet()) {
                    assertEquals(w.getValue(), string(c.client(id).get("t", bytes(w.getKey())).value()),
                            w.getKey() + " read through " + id);
                }
            }
        }
    }

    /** Acknowledged writes some replica (every node, N = 4) does not hold yet, as "key@node". */
    private static List<String> missing(TestCluster c, Ring ring, Map<String, String> acked) {
        List<String> out = new ArrayList<>();
        for (String id : c.nodeIds()) {
            for (Map.Entry<String, String> w : acked.entrySet()) {
                if (!StoredKeys.holds(c.node(id), "t", ring, w.getKey(), w.getValue())) {
                    out.add(w.getKey() + "@" + id);
                }
            }
        }
        return out;
    }
}
