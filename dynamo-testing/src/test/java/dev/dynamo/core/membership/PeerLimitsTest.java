package dev.dynamo.core.membership;

import static dev.dynamo.testing.Utf8.bytes;
import static dev.dynamo.testing.Utf8.string;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynamo.api.Context;
import dev.dynamo.api.LimitExceededException;
import dev.dynamo.core.protocol.Message;
import dev.dynamo.core.protocol.MessageCodec;
import dev.dynamo.core.ring.Ring;
import dev.dynamo.core.table.TableConfig;
import dev.dynamo.testing.CountingLimits;
import dev.dynamo.testing.KeepAllTestReconcilerProvider;
import dev.dynamo.testing.TestCluster;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a peer can make a node with membership hold: a partition pull is served in chunks of
 * the node's own size, gossip adds at most {@code membership.max-members} entries and none
 * with a malformed address, seeds are bounded. Each refusal is counted and the node keeps
 * serving.
 */
class PeerLimitsTest {
    private static final String T = "t";
    private static final TableConfig TABLE = TableConfig.of(T, 3, 2, 2, "memory", KeepAllTestReconcilerProvider.NAME);

    @TempDir
    Path dir;

    private static Message ask(TestCluster c, String node, Message request) {
        return MessageCodec.decode(c.await(c.node(node).handle("peer", MessageCodec.encode(request))));
    }

    @Test
    void aPartitionPullAskingForMoreThanTheNodesChunkGetsOneChunkOfTheNodesSize() {
        CountingLimits limits = new CountingLimits();
        MembershipConfig config = MembershipConfig.DEFAULTS.withTransfers(10, 4096, 4, 8);
        try (TestCluster c = TestCluster.builder().nodes(3).partitions(4).seed(2).dataDir(dir)
                .membership(config).observers(id -> limits).table(TABLE).build()) {
            for (int i = 0; i < 200; i++) {
                c.client("n1").put(T, bytes("k" + i), Context.EMPTY, bytes("v" + i));
            }
            Message answer = ask(c, "n1", new Message.PartitionPull(T, 0, new byte[0], 1_000_000, 1 << 30));

            Message.PartitionChunk chunk = assertInstanceOf(Message.PartitionChunk.class, answer);
            assertEquals(10, chunk.entries().size(), "the node's chunk, not the million keys asked for");
            assertFalse(chunk.done());
            assertEquals(1, limits.count(MembershipConfig.TRANSFER_CHUNK_KEYS));
            assertEquals(1, limits.count(MembershipConfig.TRANSFER_CHUNK_BYTES));

            // about 4 KiB: whole entries until the bytes are reached
            Message.PartitionChunk small = assertInstanceOf(Message.PartitionChunk.class,
                    ask(c, "n1", new Message.PartitionPull(T, 0, new byte[0], 10, 100)));
            assertTrue(small.entries().size() < 10, "the puller's smaller ask is honoured");
            assertEquals(1, limits.count(MembershipConfig.TRANSFER_CHUNK_KEYS), "a pull within the limits is not counted");

            assertEquals("v7", string(c.client("n1").get(T, bytes("k7")).value()), "the node still serves");
        }
    }

    @Test
    void gossipAddsAtMostMaxMembersEntriesAndNoneWithAMalformedAddress() {
        CountingLimits limits = new CountingLimits();
        MembershipConfig config = MembershipConfig.DEFAULTS.withLimits(8, 4);
        try (TestCluster c = TestCluster.builder().nodes(3).partitions(8).seed(4).dataDir(dir)
                .membership(config).observers(id -> limits).table(TABLE).build()) {
            c.runFor(5_000);
            Ring ring = c.node("n1").cluster().ring();
            List<MemberState> junk = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                junk.add(MemberState.initial("ghost" + i, "10.9.9.9:" + (1000 + i), "10.9.9.9:1", 1.0,
                        NodeStatus.NORMAL, 1, 0));
            }
            junk.add(MemberState.initial("spaced", "evil host:7081", "h:8081", 1.0, NodeStatus.NORMAL, 1, 0));
            GossipState hostile = GossipState.of(ring, junk);

            Message reply = ask(c, "n1", new Message.Gossip(hostile.encode()));

            assertInstanceOf(Message.GossipReply.class, reply);
            GossipState state = c.membership("n1").state();
            assertEquals(8, state.members().size(), "the three nodes and five of the ghosts: " + state.members().keySet());
            assertFalse(state.members().containsKey("spaced"), "an address with a space is dropped on receipt");
            assertEquals(1, limits.count(Gossiper.MEMBER_SYNTAX));
            assertTrue(limits.count(MembershipConfig.MAX_MEMBERS) >= 95, "every ghost over the limit was counted");
            c.runFor(10_000);
            PhiAccrualFailureDetector phi = (PhiAccrualFailureDetector) c.node("n1").failureDetector();
            assertTrue(phi.tracked() <= 8, "the detector tracks members only: " + phi.tracked());

            c.client("n2").put(T, bytes("k"), Context.EMPTY, bytes("v"));
            assertEquals("v", string(c.client("n1").get(T, bytes("k")).value()), "the cluster still serves");
        }
    }

    @Test
    void gossipedIdsAddressesAndRingChangesOutsideTheirBoundsAreDroppedAndCounted() {
        CountingLimits limits = new CountingLimits();
        try (TestCluster c = TestCluster.builder().nodes(3).partitions(8).seed(5).dataDir(dir)
                .membership(MembershipConfig.DEFAULTS).observers(id -> limits).table(TABLE).build()) {
            c.runFor(5_000);
            Ring ring = c.node("n1").cluster().ring();
            List<MemberState> junk = new ArrayList<>();
            junk.add(member("n".repeat(65), "10.0.0.1:7081"));           // id over 64 characters
            junk.add(member("n.1", "10.0.0.1:7081"));                    // id with a character node.id refuses
            junk.add(member("long", "h".repeat(251) + ":7081"));         // address over 255 characters
            junk.add(member("portless", "10.0.0.1"));                    // address without a port
            junk.add(member("unicode", "h\u00f6st:7081"));               // address outside printable ASCII
            junk.add(member("fine", "10.0.0.2:7081"));
            Message reply = ask(c, "n1", new Message.Gossip(GossipState.of(ring, junk).encode()));
            assertInstanceOf(Message.GossipReply.class, reply, reply.toString());
            GossipState state = c.membership("n1").state();
            assertTrue(state.members().containsKey("fine"), state.members().keySet().toString());
            for (String dropped : List.of("n".repeat(65), "n.1", "long", "portless", "unicode")) {
                assertFalse(state.members().containsKey(dropped), dropped);
            }
            assertEquals(5, limits.count(Gossiper.MEMBER_SYNTAX));

            // a ring change whose description is a 10 KiB string, or whose initiator is malformed, is ignored
            GossipState current = c.membership("n1").state();
            for (Transition forged : List.of(
                    new Transition(99, "n1", "x".repeat(10_240), ring, 1, 0),
                    new Transition(99, "bad initiator", "join n9", ring, 1, 0))) {
                ask(c, "n1", new Message.Gossip(new GossipState(current.members(), ring, forged).encode()));
                Transition kept = c.membership("n1").state().transition();
                assertTrue(kept == null || kept.id() != 99, "the forged change was adopted: " + kept);
            }
            assertEquals(7, limits.count(Gossiper.MEMBER_SYNTAX));

            c.runFor(5_000);
            c.client("n2").put(T, bytes("k"), Context.EMPTY, bytes("v"));
            assertEquals("v", string(c.client("n1").get(T, bytes("k")).value()), "the cluster still serves");
        }
    }

    private static MemberState member(String id, String binaryAddress) {
        return MemberState.initial(id, binaryAddress, "10.9.9.9:8081", 1.0, NodeStatus.NORMAL, 1, 0);
    }

    @Test
    void seedsAreBoundedAndMustBeAddresses() {
        CountingLimits limits = new CountingLimits();
        try (TestCluster c = TestCluster.builder().nodes(2).partitions(8).seed(6).dataDir(dir)
                .membership(MembershipConfig.DEFAULTS.withLimits(1024, 3)).observers(id -> limits).table(TABLE)
                .build()) {
            Membership n1 = c.membership("n1");
            // n1 has its configured seed (itself); two more fit
            n1.gossiper().addSeed("10.0.0.7:7081");
            n1.gossiper().addSeed("10.0.0.8:7081");
            CompletableFuture<Void> over = n1.join("10.0.0.9:7081");
            LimitExceededException e = assertInstanceOf(LimitExceededException.class, cause(over));
            assertEquals(MembershipConfig.MAX_SEEDS, e.limit());
            assertEquals(3, e.max());
            assertEquals(1, limits.count(MembershipConfig.MAX_SEEDS));
            assertTrue(cause(n1.join("bad seed:1")).getMessage().contains("is not an address"));
            assertEquals(3, n1.gossiper().seeds().size());
            c.client("n1").put(T, bytes("k"), Context.EMPTY, bytes("v"));
            assertEquals("v", string(c.client("n2").get(T, bytes("k")).value()));
        }
    }

    private static Throwable cause(CompletableFuture<?> f) {
        assertTrue(f.isCompletedExceptionally());
        try {
            f.join();
            throw new AssertionError("unreachable");
        } catch (CompletionException e) {
            return e.getCause();
        }
    }
}
