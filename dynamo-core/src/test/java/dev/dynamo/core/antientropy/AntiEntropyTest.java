package dev.dynamo.core.antientropy;

import static dev.dynamo.core.testing.InJvmCluster.bytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynamo.api.Context;
import dev.dynamo.core.node.DynamoNode;
import dev.dynamo.core.store.SiblingStore;
import dev.dynamo.core.table.TableConfig;
import dev.dynamo.core.testing.InJvmCluster;
import dev.dynamo.core.testing.KeepAllTestReconcilerProvider;
import dev.dynamo.core.version.SiblingSet;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two replicas share 100,000 keys; then some keys are written straight into one replica's
 * engine. Anti-entropy alone makes them converge, and the bytes it exchanges grow with the
 * number of differing keys, not with the data set.
 */
class AntiEntropyTest {
    private static final String T = "t";
    private static final int KEYS = 100_000;
    private static final int VALUE_BYTES = 64;

    @TempDir
    Path dir;

    @Test
    void convergesAndExchangesBytesInProportionToTheDifference() {
        long ten = divergeAndRepair(10);
        long thousand = divergeAndRepair(1_000);
        long dataSet = (long) KEYS * VALUE_BYTES;
        System.out.printf("anti-entropy bytes exchanged: 10 differing keys %,d B; 1,000 differing keys %,d B;"
                + " data set %,d B of values%n", ten, thousand, dataSet);
        assertTrue(ten < dataSet / 100, "10 differing keys cost under 1% of the data set: " + ten);
        assertTrue(thousand < dataSet / 5, "1,000 differing keys cost well under the data set: " + thousand);
        assertTrue(thousand > 20 * ten, "cost grows with the difference: " + ten + " -> " + thousand);
    }

    private long divergeAndRepair(int differing) {
        try (InJvmCluster c = InJvmCluster.start(2, 8, 11, dir.resolve("d" + differing),
                TableConfig.of(T, 2, 1, 1, "memory", KeepAllTestReconcilerProvider.NAME))) {
            DynamoNode n1 = c.node("n1");
            DynamoNode n2 = c.node("n2");
            SiblingStore s1 = n1.table(T).store();
            SiblingStore s2 = n2.table(T).store();
            Random random = new Random(differing);
            byte[] value = new byte[VALUE_BYTES];
            for (int i = 0; i < KEYS; i++) {
                byte[] key = bytes("key" + i);
                int p = c.ring().partitionOf(key, n1.table(T).partitioner());
                random.nextBytes(value);
                SiblingSet written = s1.coordinate(p, key, Context.EMPTY, value, false, "n1", i).siblings();
                s2.merge(p, key, written);
            }
            for (int i = 0; i < differing; i++) {
                // half new keys, half new versions of existing keys, all only on n1
                byte[] key = bytes(i % 2 == 0 ? "extra" + i : "key" + (i * 97));
                int p = c.ring().partitionOf(key, n1.table(T).partitioner());
                s1.coordinate(p, key, Context.EMPTY, bytes("only-on-n1-" + i), false, "n1", 1_000_000 + i);
            }
            AntiEntropy.Progress before = n1.background().antiEntropy().progress();
            AntiEntropy.Progress after = c.await(n1.background().antiEntropy().repair(null));
            assertEquals(after.partitionsTotal(), after.partitionsDone());
            assertEquals(differing, after.keysRepaired() - before.keysRepaired(), "exactly the differing keys");
            for (int p = 0; p < c.ring().q(); p++) {
                assertArrayEquals(n1.background().antiEntropy().tree(T, p).inner(), n2.background().antiEntropy().tree(T, p).inner(),
                        "trees of partition " + p + " agree");
            }
            for (int i = 0; i < differing; i++) {
                byte[] key = bytes(i % 2 == 0 ? "extra" + i : "key" + (i * 97));
                int p = c.ring().partitionOf(key, n1.table(T).partitioner());
                assertEquals(s1.get(p, key), s2.get(p, key));
            }
            // a second run finds nothing to do
            AntiEntropy.Progress again = c.await(n1.background().antiEntropy().repair(null));
            assertEquals(after.keysRepaired(), again.keysRepaired());
            return after.bytesExchanged() - before.bytesExchanged();
        }
    }
}
