package dev.dynamo.core.coordination;

import static dev.dynamo.testing.Utf8.bytes;
import static dev.dynamo.testing.Utf8.string;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.dynamo.api.Context;
import dev.dynamo.api.DynamoClient;
import dev.dynamo.api.InsufficientReplicasException;
import dev.dynamo.api.RequestOptions;
import dev.dynamo.core.cluster.ClusterState;
import dev.dynamo.core.membership.RingSteps;
import dev.dynamo.core.protocol.Message;
import dev.dynamo.core.protocol.MessageCodec;
import dev.dynamo.core.ring.Ring;
import dev.dynamo.core.ring.RingPlanner;
import dev.dynamo.core.table.TableConfig;
import dev.dynamo.testing.KeepAllTestReconcilerProvider;
import dev.dynamo.testing.TestCluster;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * W counts the key's replicas only. A write marked as forwarded that reaches a node outside
 * the key's preference list used to be coordinated there with that node counted towards W:
 * W=3 acknowledged with two real replicas.
 */
class WriteQuorumCountTest {
    private static final String T = "t";

    @TempDir
    Path dir;

    @Test
    void aForwardedWriteAtANodeOutsideThePreferenceListIsNotAcknowledgedWithTooFewReplicas() {
        try (TestCluster c = TestCluster.builder().nodes(4).partitions(16).seed(3).dataDir(dir)
                .table(TableConfig.of(T, 3, 2, 3, "memory", KeepAllTestReconcilerProvider.NAME)).build()) {
            byte[] key = bytes("k");
            int partition = c.ring().partitionOf(key, c.node("n1").table(T).partitioner());
            List<String> pref = c.ring().preferenceList(partition, 3);
            String outsider = c.nodeIds().stream().filter(id -> !pref.contains(id)).findFirst().orElseThrow();
            String down = pref.get(2);
            c.kill(down); // its only substitute would be the outsider itself

            Message.Put put = new Message.Put(T, key, Context.EMPTY.toBytes(), bytes("v"), false, 3, 1_000, true);
            Message answer = MessageCodec.decode(c.await(c.node(outsider).handle("client", MessageCodec.encode(put))));

            Message.Error e = assertInstanceOf(Message.Error.class, answer, "W=3 with two replicas: " + answer);
            assertEquals("insufficient_replicas", e.code());
            assertEquals(3, e.required());
            c.runFor(1_000);
            for (String replica : pref.subList(0, 2)) {
                assertEquals(List.of("v"), c.node(replica).table(T).store().get(partition, key).versions().stream()
                        .map(v -> string(v.value())).toList(), "the write reached live replica " + replica
                        + ", yet two replicas are not three: the outsider's own copy does not count");
            }

            c.restart(down);
            c.client(outsider).put(T, key, Context.EMPTY, bytes("w"));
            assertEquals(List.of("v", "w"), c.client(pref.get(0)).get(T, key).siblings().stream()
                    .map(v -> string(v.value())).sorted().toList(), "the key still serves");
        }
    }

    @Test
    void aReplicaWhoseRingNoLongerHasItAmongTheKeysReplicasIsNotCounted() {
        try (TestCluster c = TestCluster.builder().nodes(4).partitions(16).seed(5).dataDir(dir)
                .table(TableConfig.of(T, 3, 2, 3, "memory", KeepAllTestReconcilerProvider.NAME)).build()) {
            Ring old = c.ring();
            // every node but the coordinator moves on to a ring where n4 replicates nothing
            Ring next = RingSteps.withVersion(new RingPlanner().plan(old, old.nodes().stream()
                    .filter(n -> !n.id().equals("n4")).toList()).ring(), old.version() + 1);
            byte[] key = null;
            String coordinator = null;
            for (int i = 0; key == null; i++) {
                byte[] k = bytes("k" + i);
                List<String> pref = old.preferenceList(old.partitionOf(k, c.node("n1").table(T).partitioner()), 3);
                if (pref.contains("n4")) {
                    key = k;
                    coordinator = pref.stream().filter(id -> !id.equals("n4")).findFirst().orElseThrow();
                }
            }
            ClusterState newer = new ClusterState(next, c.node("n1").cluster().addresses());
            for (String id : c.nodeIds()) {
                if (!id.equals(coordinator)) {
                    c.node(id).updateCluster(newer);
                }
            }

            CompletableFuture<Context> put = c.node(coordinator).put(T, key, Context.EMPTY, bytes("v"),
                    RequestOptions.DEFAULT);
            c.runUntil(put::isDone, 10_000, "the put to end");

            InsufficientReplicasException e = assertThrows(InsufficientReplicasException.class,
                    () -> DynamoClient.await(put), "n4 stored it, but under its ring it is no replica of the key");
            assertEquals(3, e.required());
            c.node(coordinator).updateCluster(newer);
            c.client(coordinator).put(T, key, Context.EMPTY, bytes("w"));
            assertEquals(2, c.client("n1").get(T, key).siblings().size(), "the key still serves, both writes kept");
        }
    }
}
