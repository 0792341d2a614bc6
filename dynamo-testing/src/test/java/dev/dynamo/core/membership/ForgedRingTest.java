package dev.dynamo.core.membership;

import static dev.dynamo.testing.Utf8.bytes;
import static dev.dynamo.testing.Utf8.string;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynamo.api.Context;
import dev.dynamo.core.protocol.Message;
import dev.dynamo.core.protocol.MessageCodec;
import dev.dynamo.core.ring.NodeInfo;
import dev.dynamo.core.ring.Ring;
import dev.dynamo.core.ring.RingPlanner;
import dev.dynamo.core.table.TableConfig;
import dev.dynamo.testing.CountingLimits;
import dev.dynamo.testing.KeepAllTestReconcilerProvider;
import dev.dynamo.testing.TestCluster;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The attack that once emptied a cluster: a non-member sends each node one gossip frame with
 * its own member entry and a ring of the next version that it owns alone. Every node handed
 * its partitions to it and, after the clean-up delay, deleted them. Now the ring is refused,
 * counted, and the data stays where it was.
 */
class ForgedRingTest {
    private static final String T = "t";
    private static final TableConfig TABLE = TableConfig.of(T, 3, 2, 2, "memory", KeepAllTestReconcilerProvider.NAME);

    @TempDir
    Path dir;

    @Test
    void aForgedRingFromANonMemberMovesNothingAndDeletesNothing() {
        CountingLimits limits = new CountingLimits();
        MembershipConfig config = MembershipConfig.DEFAULTS.withCleanupDelay(1_000);
        try (TestCluster c = TestCluster.builder().nodes(3).partitions(16).seed(8).dataDir(dir)
                .membership(config).observers(id -> limits).table(TABLE).build()) {
            for (int i = 0; i < 50; i++) {
                c.client("n1").put(T, bytes("k" + i), Context.EMPTY, bytes("v" + i));
            }
            c.runFor(5_000);
            Ring before = c.node("n1").cluster().ring();
            Ring forged = RingSteps.withVersion(
                    new RingPlanner().initial(before.q(), List.of(new NodeInfo("evil", "10.6.6.6:7081", 1.0))),
                    before.version() + 1);
            GossipState frame = GossipState.of(forged,
                    List.of(MemberState.initial("evil", "10.6.6.6:7081", "10.6.6.6:8081", 1.0, NodeStatus.NORMAL, 1, 0)));

            for (String n : List.of("n1", "n2", "n3")) {
                Message reply = MessageCodec.decode(c.await(c.node(n).handle("evil",
                        MessageCodec.encode(new Message.Gossip(frame.encode())))));
                assertInstanceOf(Message.GossipReply.class, reply);
            }
            c.runFor(30_000); // gossip rounds, and well past the clean-up delay

            for (String n : List.of("n1", "n2", "n3")) {
                Ring now = c.node(n).cluster().ring();
                assertEquals(before, now, n + " still routes with the cluster's ring");
                assertFalse(now.contains("evil"));
            }
            assertEquals(3, limits.count(RingAdmission.REFUSALS), "one refusal per node that got the frame");
            for (int i = 0; i < 50; i++) {
                for (String n : List.of("n1", "n2", "n3")) {
                    assertEquals("v" + i, string(c.client(n).get(T, bytes("k" + i)).value()), "k" + i + " via " + n);
                }
            }
            assertTrue(c.membership("n1").state().members().containsKey("evil"),
                    "its member entry is kept like any other (bounded by max-members): only its ring is refused");
        }
    }
}
