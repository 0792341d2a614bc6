package dev.dynamo.core.coordination;

import static dev.dynamo.testing.Utf8.bytes;
import static dev.dynamo.testing.Utf8.string;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynamo.api.Context;
import dev.dynamo.api.DynamoClient;
import dev.dynamo.api.InsufficientReplicasException;
import dev.dynamo.core.ring.Ring;
import dev.dynamo.core.table.QuorumScope;
import dev.dynamo.core.table.TableConfig;
import dev.dynamo.testing.KeepAllTestReconcilerProvider;
import dev.dynamo.testing.TestCluster;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Quorum scopes on an in-JVM cluster of two zones (n1, n2 in dc1; n3, n4 in dc2) cut apart:
 * a local quorum keeps serving in the zone that is left, a global or per-zone quorum says
 * which scope it could not make.
 */
class QuorumScopeTest {
    private static final Map<String, String> ZONES = Map.of("n1", "dc1", "n2", "dc1", "n3", "dc2", "n4", "dc2");
    private static final String R = KeepAllTestReconcilerProvider.NAME;
    /** N=4 over two zones of two: two replicas in each zone. */
    private static final TableConfig LOCAL = TableConfig.of("local", 4, 2, 2, "memory", R).withQuorum(QuorumScope.LOCAL);
    private static final TableConfig GLOBAL = TableConfig.of("global", 4, 3, 3, "memory", R);
    /** N=2: one replica in each zone. */
    private static final TableConfig EACH = TableConfig.of("each", 2, 1, 1, "memory", R).withQuorum(QuorumScope.EACH);
    /** N=3: one zone holds a single replica of each key. */
    private static final TableConfig LOCAL_UNEVEN = TableConfig.of("uneven", 3, 2, 2, "memory", R)
            .withQuorum(QuorumScope.LOCAL);

    @TempDir
    Path dir;

    private TestCluster cluster() {
        return TestCluster.builder().nodes(4).partitions(32).seed(7).dataDir(dir).zones(ZONES::get)
                .table(LOCAL, GLOBAL, EACH, LOCAL_UNEVEN).build();
    }

    @Test
    void withTheZonesCutALocalQuorumServesOnEachSideAndAGlobalOneFails() {
        try (TestCluster c = cluster()) {
            c.network().partition(Set.of("n1", "n2"), Set.of("n3", "n4"));
            for (String coordinator : List.of("n1", "n4")) {
                DynamoClient client = c.client(coordinator);
                for (int i = 0; i < 20; i++) {
                    String key = coordinator + "-k" + i;
                    client.put("local", bytes(key), Context.EMPTY, bytes("v" + i));
                    assertEquals("v" + i, string(client.get("local", bytes(key)).value()), key);
                }
                InsufficientReplicasException e = assertThrows(InsufficientReplicasException.class,
                        () -> client.put("global", bytes("g"), Context.EMPTY, bytes("v")));
                assertEquals(3, e.required());
                assertTrue(e.getMessage().startsWith("put needed 3 replica acknowledgements but got 2"), e.getMessage());
            }
            c.network().heal();
            DynamoClient client = c.client("n1");
            // (the failed writes of "g" stay, as siblings, on the replicas they reached: a fresh key)
            client.put("global", bytes("healed"), Context.EMPTY, bytes("v"));
            assertEquals("v", string(client.get("global", bytes("healed")).value()), "all of it works again once healed");
        }
    }

    @Test
    void aPerZoneQuorumNamesTheZoneItCouldNotReach() {
        try (TestCluster c = cluster()) {
            DynamoClient client = c.client("n1");
            client.put("each", bytes("before"), Context.EMPTY, bytes("v"));
            assertEquals("v", string(client.get("each", bytes("before")).value()));
            c.network().partition(Set.of("n1", "n2"), Set.of("n3", "n4"));
            // dc2's replica is cut off; a substitute in dc1 may take its write, but that copy is not in dc2
            InsufficientReplicasException put = assertThrows(InsufficientReplicasException.class,
                    () -> client.put("each", bytes("during"), Context.EMPTY, bytes("v")));
            assertEquals("put with quorum=each needed 1 replica acknowledgements in each zone but got 0 in zone dc2;"
                    + " retry, or lower w or the table's quorum scope", put.getMessage());
            InsufficientReplicasException get = assertThrows(InsufficientReplicasException.class,
                    () -> client.get("each", bytes("before")));
            assertTrue(get.getMessage().startsWith("get with quorum=each"), get.getMessage());
        }
    }

    @Test
    void aLocalQuorumLargerThanTheZonesShareOfReplicasIsRefusedNamingTheZone() {
        try (TestCluster c = cluster()) {
            Ring ring = c.ring();
            int checked = 0;
            for (int i = 0; i < 40 && checked < 3; i++) { // bounded search for keys with one dc1 replica
                byte[] key = bytes("u" + i);
                List<String> pref = ring.preferenceList(ring.partitionOf(key, c.node("n1").table("uneven")
                        .partitioner()), 3);
                long inDc1 = pref.stream().filter(n -> ZONES.get(n).equals("dc1")).count();
                if (inDc1 != 1) {
                    continue;
                }
                checked++;
                InsufficientReplicasException e = assertThrows(InsufficientReplicasException.class,
                        () -> c.client("n1").put("uneven", key, Context.EMPTY, bytes("v")));
                assertEquals("put with quorum=local needed 2 replica acknowledgements in zone dc1 but the key has 1"
                        + " replica(s) in zone dc1; retry, or lower w or the table's quorum scope", e.getMessage());
            }
            assertTrue(checked > 0, "some key has a single replica in dc1");
        }
    }
}
