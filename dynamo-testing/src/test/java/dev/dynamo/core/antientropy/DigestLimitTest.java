package dev.dynamo.core.antientropy;

import static dev.dynamo.testing.Utf8.bytes;
import static dev.dynamo.testing.Utf8.string;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynamo.api.Context;
import dev.dynamo.core.node.DynamoNode;
import dev.dynamo.core.protocol.Message;
import dev.dynamo.core.protocol.MessageCodec;
import dev.dynamo.core.store.SiblingStore;
import dev.dynamo.core.table.TableConfig;
import dev.dynamo.testing.CountingLimits;
import dev.dynamo.testing.KeepAllTestReconcilerProvider;
import dev.dynamo.testing.TestCluster;
import java.nio.file.Path;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A digest answer is bounded by the answering node's {@code anti-entropy.max-digests},
 * whatever the peer asks for, and anti-entropy pages through a larger difference: both
 * sides converge, each holding one page at a time.
 */
class DigestLimitTest {
    private static final String T = "t";
    private static final int MAX = 7;

    @TempDir
    Path dir;

    @Test
    void aDigestAnswerIsCutAtTheLimitAndAntiEntropyPagesThroughTheRest() {
        CountingLimits limits = new CountingLimits();
        try (TestCluster c = TestCluster.builder().nodes(2).partitions(2).seed(5).dataDir(dir)
                .nodeOptions(TestCluster.DEFAULT_OPTIONS.withAntiEntropyMaxDigests(MAX))
                .observers(id -> limits)
                .table(TableConfig.of(T, 2, 1, 1, "memory", KeepAllTestReconcilerProvider.NAME)).build()) {
            DynamoNode n1 = c.node("n1");
            DynamoNode n2 = c.node("n2");
            // 150 keys only on n1 and 150 only on n2: many pages each way
            for (int i = 0; i < 300; i++) {
                byte[] key = bytes("key" + i);
                int p = c.ring().partitionOf(key, n1.table(T).partitioner());
                SiblingStore only = (i % 2 == 0 ? n1 : n2).table(T).store();
                only.coordinate(p, key, Context.EMPTY, bytes("v" + i), false, i % 2 == 0 ? "n1" : "n2", i);
            }

            // a peer asking for every bucket of a partition gets one bounded page
            int[] all = IntStream.range(0, MerkleTree.LEAVES).toArray();
            Message answer = MessageCodec.decode(c.await(n2.handle("n1",
                    MessageCodec.encode(new Message.DigestRequest(T, 0, all)))));
            Message.Digests page = assertInstanceOf(Message.Digests.class, answer);
            assertEquals(MAX, page.digests().size());
            assertFalse(page.complete(), "the answer names where to go on");
            assertTrue(limits.count(AntiEntropy.MAX_DIGESTS) >= 1, "the cut answer was counted");

            AntiEntropy.Progress done = c.await(n1.background().antiEntropy().repair(null));
            assertEquals(done.partitionsTotal(), done.partitionsDone());
            assertEquals(300, done.keysRepaired(), "every differing key, found page by page");
            for (int i = 0; i < 300; i++) {
                byte[] key = bytes("key" + i);
                int p = c.ring().partitionOf(key, n1.table(T).partitioner());
                assertEquals(n1.table(T).store().get(p, key), n2.table(T).store().get(p, key), "key" + i);
                assertFalse(n2.table(T).store().get(p, key).isEmpty());
            }
            assertEquals("v1", string(c.client("n2").get(T, bytes("key1")).value()), "the node still serves");
        }
    }
}
