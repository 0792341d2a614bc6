package dev.dynamo.core.node;

import static dev.dynamo.core.testing.InJvmCluster.bytes;
import static dev.dynamo.core.testing.InJvmCluster.string;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynamo.api.BadRequestException;
import dev.dynamo.api.Context;
import dev.dynamo.api.DynamoClient;
import dev.dynamo.api.GetResult;
import dev.dynamo.api.InsufficientReplicasException;
import dev.dynamo.api.RequestOptions;
import dev.dynamo.api.UnknownTableException;
import dev.dynamo.api.ValueTooLargeException;
import dev.dynamo.api.Versioned;
import dev.dynamo.core.protocol.Message;
import dev.dynamo.core.protocol.MessageCodec;
import dev.dynamo.core.protocol.Replies;
import dev.dynamo.core.table.TableConfig;
import dev.dynamo.core.testing.InJvmCluster;
import dev.dynamo.core.testing.KeepAllTestReconcilerProvider;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DynamoNodeTest {
    private static final String T = "t";

    @TempDir
    Path dir;
    InJvmCluster cluster;

    @BeforeEach
    void start() {
        cluster = InJvmCluster.start(3, 32, 7, dir,
                TableConfig.of(T, 3, 2, 2, "memory", KeepAllTestReconcilerProvider.NAME).withMaxValueBytes(1000));
    }

    @AfterEach
    void stop() {
        cluster.close();
    }

    @Test
    void aPutThroughOneNodeIsReadThroughAnother() {
        Context c = cluster.client("n1").put(T, bytes("k"), Context.EMPTY, bytes("v1"));
        GetResult r = cluster.client("n3").get(T, bytes("k"));
        assertEquals("v1", string(r.value()));
        assertEquals(c, r.context());
        cluster.client("n2").put(T, bytes("k"), r.context(), bytes("v2"));
        assertEquals("v2", string(cluster.client("n1").get(T, bytes("k")).value()));
    }

    @Test
    void absentAndDeletedKeysAreNotFound() {
        assertFalse(cluster.client("n1").get(T, bytes("nothing")).isFound());
        Context c = cluster.client("n1").put(T, bytes("k"), Context.EMPTY, bytes("v"));
        cluster.client("n2").delete(T, bytes("k"), c);
        GetResult r = cluster.client("n3").get(T, bytes("k"));
        assertFalse(r.isFound());
        assertFalse(r.context().isEmpty(), "a tombstone's context comes back so a later put supersedes it");
    }

    @Test
    void survivesOneCrashAndFailsTypedWithTwo() {
        DynamoClient client = cluster.client("n1");
        client.put(T, bytes("a"), Context.EMPTY, bytes("1"));
        cluster.crash("n3");
        client.put(T, bytes("b"), Context.EMPTY, bytes("2"));
        assertEquals("1", string(client.get(T, bytes("a")).value()));
        cluster.crash("n2");
        InsufficientReplicasException put = assertThrows(InsufficientReplicasException.class,
                () -> client.put(T, bytes("c"), Context.EMPTY, bytes("3")));
        assertEquals(2, put.required());
        assertEquals(1, put.acknowledged());
        InsufficientReplicasException get = assertThrows(InsufficientReplicasException.class,
                () -> client.get(T, bytes("a")));
        assertEquals("insufficient_replicas", get.code());
        assertEquals("1", string(client.get(T, bytes("a"), RequestOptions.DEFAULT.withR(1)).value()),
                "r=1 still reads");
    }

    @Test
    void readRepairFillsReplicasThatMissedWrites() {
        cluster.crash("n3");
        cluster.client("n1").put(T, bytes("k"), Context.EMPTY, bytes("while-down"));
        cluster.restart("n3");
        int partition = cluster.ring().partitionOf(bytes("k"), cluster.node("n3").table(T).partitioner());
        assertTrue(cluster.node("n3").table(T).store().get(partition, bytes("k")).isEmpty());
        assertEquals("while-down", string(cluster.client("n3").get(T, bytes("k")).value()));
        cluster.settle(1_000);
        assertEquals(1, cluster.node("n3").table(T).store().get(partition, bytes("k")).size(),
                "read repair wrote the missing version to n3");
    }

    @Test
    void twoWritersWithTheSameContextBothSurviveAsSiblings() {
        Context read = cluster.client("n1").put(T, bytes("k"), Context.EMPTY, bytes("base"));
        cluster.client("n1").put(T, bytes("k"), read, bytes("x"));
        cluster.client("n1").put(T, bytes("k"), read, bytes("y"));
        GetResult r = cluster.client("n2").get(T, bytes("k"));
        Set<String> values = new HashSet<>();
        for (Versioned v : r.siblings()) {
            values.add(string(v.value()));
        }
        assertEquals(Set.of("x", "y"), values);
        cluster.client("n3").put(T, bytes("k"), r.context(), bytes("merged"));
        assertEquals("merged", string(cluster.client("n1").get(T, bytes("k")).value()));
    }

    @Test
    void aDeleteWithAPutsContextRemovesOnlyThatPut() {
        cluster.client("n1").put(T, bytes("k"), Context.EMPTY, bytes("other-writer"));
        Context mine = cluster.client("n1").put(T, bytes("k"), Context.EMPTY, bytes("mine"));
        cluster.client("n1").delete(T, bytes("k"), mine);
        GetResult r = cluster.client("n2").get(T, bytes("k"));
        assertEquals(List.of("other-writer"), r.siblings().stream().map(v -> string(v.value())).toList());
    }

    @Test
    void writesThroughANonReplicaAreForwarded() {
        try (InJvmCluster five = InJvmCluster.start(5, 32, 3, dir.resolve("five"),
                TableConfig.of(T, 2, 1, 2, "memory", KeepAllTestReconcilerProvider.NAME))) {
            for (int i = 0; i < 20; i++) {
                byte[] key = bytes("key" + i);
                for (String via : five.nodeIds()) {
                    Context c = five.client(via).put(T, key, Context.EMPTY, bytes(via));
                    assertFalse(c.isEmpty());
                }
                int p = five.ring().partitionOf(key, five.node("n1").table(T).partitioner());
                List<String> pref = five.ring().preferenceList(p, 2);
                for (String id : five.nodeIds()) {
                    boolean stored = !five.node(id).table(T).store().get(p, key).isEmpty();
                    assertEquals(pref.contains(id), stored, "only the preference list stores key" + i);
                }
                assertEquals(5, five.client("n1").get(T, key).siblings().size(), "five blind writes, five siblings");
            }
        }
    }

    @Test
    void badRequestsGetTypedErrors() {
        DynamoClient client = cluster.client("n1");
        assertThrows(UnknownTableException.class, () -> client.get("nope", bytes("k")));
        ValueTooLargeException big = assertThrows(ValueTooLargeException.class,
                () -> client.put(T, bytes("k"), Context.EMPTY, new byte[1001]));
        assertEquals(1001, big.size());
        assertThrows(BadRequestException.class, () -> client.get(T, bytes("k"), RequestOptions.DEFAULT.withR(4)));
        assertThrows(BadRequestException.class,
                () -> client.put(T, bytes("k"), Context.EMPTY, bytes("v"), RequestOptions.DEFAULT.withW(5)));
    }

    @Test
    void binaryProtocolCarriesTypedErrorsAndResults() {
        DynamoNode n1 = cluster.node("n1");
        byte[] put = MessageCodec.encode(new Message.Put(T, bytes("k"), new byte[0], bytes("v"), false, 0, 0, false));
        Message.PutResult pr = Replies.expect(cluster.await(n1.handle("client", put)), Message.PutResult.class);
        byte[] get = MessageCodec.encode(new Message.Get(T, bytes("k"), 0, 0));
        Message.GetResult gr = Replies.expect(cluster.await(n1.handle("client", get)), Message.GetResult.class);
        assertArrayEquals(bytes("v"), gr.versions().get(0).value());
        assertEquals(Context.fromBytes(pr.context()), Context.fromBytes(gr.context()));
        byte[] bad = MessageCodec.encode(new Message.Get("missing", bytes("k"), 0, 0));
        assertThrows(UnknownTableException.class,
                () -> Replies.expect(cluster.await(n1.handle("client", bad)), Message.GetResult.class));
        assertThrows(BadRequestException.class, () -> Replies.expect(
                cluster.await(n1.handle("client", new byte[] {99, 1, 2})), Message.GetResult.class));
    }
}
