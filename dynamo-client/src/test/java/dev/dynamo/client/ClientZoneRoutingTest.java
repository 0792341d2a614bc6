package dev.dynamo.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynamo.api.Context;
import dev.dynamo.core.node.NodeOptions;
import dev.dynamo.core.table.QuorumScope;
import dev.dynamo.core.table.TableConfig;
import dev.dynamo.testing.CoordinatedRequests;
import dev.dynamo.testing.TestCluster;
import dev.dynamo.testing.TimeKind;
import dev.dynamo.testing.TransportKind;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A client given its zone has its requests coordinated in that zone (two zones of two nodes, N = 2). */
class ClientZoneRoutingTest {
    private static final Map<String, String> ZONES = Map.of("n1", "dc1", "n2", "dc1", "n3", "dc2", "n4", "dc2");
    private static final String TABLE = "t";

    @TempDir
    Path dir;

    @Test
    void requestsGoToTheReplicaInTheClientsZone() {
        CoordinatedRequests coordinated = new CoordinatedRequests();
        try (TestCluster cluster = TestCluster.builder().nodes(4).partitions(16).transport(TransportKind.NETTY)
                .time(TimeKind.REAL).dataDir(dir).transportProperties(Map.of("io-threads", "2"))
                .observers(coordinated).zones(ZONES::get)
                .nodeOptions(NodeOptions.DEFAULTS.withSystemEngine("memory"))
                .table(TableConfig.of(TABLE, 2, 1, 1, "memory", "test-keep-all").withQuorum(QuorumScope.LOCAL))
                .build();
             DynamoClusterClient inDc2 = DynamoClusterClient.builder().seeds(cluster.binaryAddresses())
                     .requestTimeout(Duration.ofSeconds(5)).zone("dc2").build();
             DynamoClusterClient anywhere = DynamoClusterClient.builder().seeds(cluster.binaryAddresses())
                     .requestTimeout(Duration.ofSeconds(5)).build()) {
            Map<String, Long> before = coordinated.byNode();
            for (int i = 0; i < 40; i++) {
                byte[] key = ("zoned-" + i).getBytes(StandardCharsets.UTF_8);
                inDc2.put(TABLE, key, Context.EMPTY, key);
                assertArrayEquals(key, inDc2.get(TABLE, key).value());
            }
            Map<String, Long> after = coordinated.byNode();
            assertEquals(0, delta(before, after, List.of("n1", "n2")), "nothing coordinated in dc1: " + after);
            assertEquals(80, delta(before, after, List.of("n3", "n4")), "every request coordinated in dc2");

            before = coordinated.byNode();
            for (int i = 0; i < 40; i++) {
                anywhere.get(TABLE, ("zoned-" + i).getBytes(StandardCharsets.UTF_8));
            }
            after = coordinated.byNode();
            assertTrue(delta(before, after, List.of("n1", "n2")) > 0,
                    "without a zone the first replica coordinates, in either zone: " + after);
        }
        assertThrows(IllegalArgumentException.class, () -> DynamoClusterClient.builder().zone("dc 2"));
    }

    private static long delta(Map<String, Long> before, Map<String, Long> after, List<String> nodes) {
        return nodes.stream().mapToLong(n -> after.getOrDefault(n, 0L) - before.getOrDefault(n, 0L)).sum();
    }
}
