package dev.dynamo.core.membership;

import static dev.dynamo.testing.Utf8.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynamo.api.Context;
import dev.dynamo.core.ring.Ring;
import dev.dynamo.core.table.TableConfig;
import dev.dynamo.testing.KeepAllTestReconcilerProvider;
import dev.dynamo.testing.TestCluster;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Zones end to end in one JVM: a joining node's zone reaches every node, and keys sit in both zones. */
class ZoneMembershipTest {
    private static final MembershipConfig CONFIG = MembershipConfig.DEFAULTS.withCleanupDelay(1_000);
    private static final TableConfig TABLE = TableConfig.of("t", 3, 2, 2, "memory", KeepAllTestReconcilerProvider.NAME);
    private static final Map<String, String> ZONES = Map.of("n1", "dc1", "n2", "dc1", "n3", "dc2", "n4", "dc2",
            "n5", "dc2");

    @TempDir
    Path dir;

    @Test
    void aJoiningNodesZoneIsGossipedAndEveryKeyLivesInBothZones() {
        try (TestCluster c = TestCluster.builder().nodes(4).partitions(32).seed(21).dataDir(dir)
                .membership(CONFIG).table(TABLE).zones(ZONES::get).build()) {
            c.runFor(5_000);
            for (int i = 0; i < 40; i++) {
                c.client("n1").put("t", bytes("k" + i), Context.EMPTY, bytes("v" + i));
            }
            Membership n5 = c.addNode("n5", "n1");
            c.await(n5.join(), 600_000, "n5 to join");
            c.runFor(10_000); // past the clean-up delay: every key is on exactly its preference nodes
            for (String id : c.nodeIds()) {
                Ring ring = c.node(id).cluster().ring();
                assertEquals("dc2", ring.zoneOf("n5").orElseThrow(), "node " + id + " knows where n5 runs");
                assertEquals(List.of("dc1", "dc2"), ring.zones());
            }
            MembershipView.Member seen = c.membership("n1").view().members().stream()
                    .filter(m -> m.id().equals("n5")).findFirst().orElseThrow();
            assertEquals("dc2", seen.zone());
            Ring ring = c.node("n1").cluster().ring();
            for (int i = 0; i < 40; i++) {
                String key = "k" + i;
                int p = ring.partitionOf(bytes(key), c.node("n1").table("t").partitioner());
                List<String> pref = ring.preferenceList(p, 3);
                Set<String> zonesHolding = new TreeSet<>();
                for (String id : c.nodeIds()) {
                    boolean holds = StoredKeys.holds(c.node(id), "t", ring, key, "v" + i);
                    assertEquals(pref.contains(id), holds, key + " on " + id + " (replicas " + pref + ")");
                    if (holds) {
                        zonesHolding.add(ZONES.get(id));
                    }
                }
                assertEquals(Set.of("dc1", "dc2"), zonesHolding, key + " survives the loss of either zone");
            }
            assertTrue(c.node("n5").cluster().ring().partitionsOf("n5").size() > 0);
        }
    }
}
