package dev.dynamo.core.antientropy;

import static dev.dynamo.testing.Utf8.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynamo.api.Context;
import dev.dynamo.core.node.DynamoNode;
import dev.dynamo.core.table.TableConfig;
import dev.dynamo.testing.KeepAllTestReconcilerProvider;
import dev.dynamo.testing.TestCluster;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Anti-entropy with a node of another zone is paced by its own keys-per-second limit
 * ({@code anti-entropy.cross-zone-keys-per-second}), on virtual time: n1 holds 200 keys the
 * others lack; n2 is in n1's zone, n3 in another.
 */
class CrossZoneAntiEntropyTest {
    private static final String T = "t";
    private static final int KEYS = 200;
    private static final Map<String, String> ZONES = Map.of("n1", "dc1", "n2", "dc1", "n3", "dc2");

    @TempDir
    Path dir;

    @Test
    void repairsIntoAnotherZoneGoNoFasterThanTheirLimit() {
        assertEquals(KEYS, keysOnN3AfterFiveSeconds(100_000, "fast"), "unthrottled, five seconds repair everything");
        long slow = keysOnN3AfterFiveSeconds(10, "slow");
        assertTrue(slow <= 5 * 10 + 1, "at 10 keys a second, about 50 reach the other zone in five seconds: " + slow);
        assertTrue(slow > 0, "but some do");
    }

    /** Keys n3 holds five virtual seconds into n1's repair, then checks the repair completes. */
    private long keysOnN3AfterFiveSeconds(int crossZoneKeysPerSecond, String name) {
        try (TestCluster c = TestCluster.builder().nodes(3).partitions(8).seed(5).dataDir(dir.resolve(name))
                .zones(ZONES::get).nodeOptions(TestCluster.DEFAULT_OPTIONS.withAntiEntropy(0, 100_000)
                        .withCrossZoneAntiEntropy(crossZoneKeysPerSecond))
                .table(TableConfig.of(T, 3, 1, 1, "memory", KeepAllTestReconcilerProvider.NAME)).build()) {
            DynamoNode n1 = c.node("n1");
            for (int i = 0; i < KEYS; i++) {
                byte[] key = bytes("key" + i);
                int p = c.ring().partitionOf(key, n1.table(T).partitioner());
                n1.table(T).store().coordinate(p, key, Context.EMPTY, bytes("v" + i), false, "n1", i);
            }
            CompletableFuture<AntiEntropy.Progress> repair = n1.background().antiEntropy().repair(null);
            c.runFor(5_000);
            long onN3 = count(c.node("n3"));
            c.await(repair, 120_000, "the repair to complete");
            assertEquals(KEYS, count(c.node("n2")));
            assertEquals(KEYS, count(c.node("n3")), "throttled, not stopped");
            return onN3;
        }
    }

    private static long count(DynamoNode node) {
        long[] n = {0};
        node.table(T).store().scanRange(null, null, kv -> {
            n[0]++;
            return true;
        });
        return n[0];
    }
}
