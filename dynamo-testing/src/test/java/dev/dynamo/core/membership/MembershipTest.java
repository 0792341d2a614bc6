package dev.dynamo.core.membership;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynamo.core.ring.Ring;
import dev.dynamo.core.table.TableConfig;
import dev.dynamo.testing.KeepAllTestReconcilerProvider;
import dev.dynamo.testing.TestCluster;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The facade's operator rules and what it shows: views, progress, ring listeners. */
class MembershipTest {
    private static final MembershipConfig CONFIG = MembershipConfig.DEFAULTS.withCleanupDelay(1_000);
    private static final TableConfig TABLE = TableConfig.of("t", 3, 2, 2, "memory", KeepAllTestReconcilerProvider.NAME);

    @TempDir
    Path dir;

    @Test
    void operatorActionsAreRefusedWithAReasonWhenTheyCannotWork() {
        try (TestCluster c = TestCluster.builder().nodes(4).partitions(32).seed(3).dataDir(dir)
                .membership(CONFIG).table(TABLE).build()) {
            c.runFor(5_000);
            Membership n1 = c.membership("n1");
            assertTrue(n1.join().isDone(), "a member joining again has nothing to do");
            assertEquals("node n2 looks alive from n1: stop it first, or run leave on it",
                    failure(n1.remove("n2")).getMessage());
            assertTrue(failure(n1.remove("n9")).getMessage().startsWith("node n9 is not in the ring"));
            assertEquals("node n1 cannot remove itself; use leave", failure(n1.remove("n1")).getMessage());

            c.await(c.membership("n2").leave(), 300_000, "n2 to leave");
            assertTrue(failure(c.membership("n2").leave()).getMessage().startsWith("node n2 is not in the ring"));
            // one change at a time: a leave is refused while another change runs
            var leaving = c.membership("n3").leave();
            c.runFor(100);
            assertTrue(c.membership("n3").progress().active());
            assertTrue(failure(c.membership("n3").leave()).getMessage().startsWith("a ring change is in progress"));
            c.await(leaving, 300_000, "n3 to leave");
        }
    }

    @Test
    void viewShowsMembersStatusSuspicionOwnershipAndTheLastChange() {
        try (TestCluster c = TestCluster.builder().nodes(3).partitions(30).seed(5).dataDir(dir)
                .membership(CONFIG).table(TABLE).build()) {
            List<Ring> seen = new ArrayList<>();
            c.membership("n1").onRingChange(seen::add);
            c.runFor(5_000);
            Membership n4 = c.addNode("n4", "n1");
            c.await(n4.join(), 300_000, "n4 to join");
            c.network().crash("n3");
            c.runFor(20_000);
            MembershipView v = c.membership("n1").view();
            assertEquals("n1", v.self());
            assertEquals(30, v.q());
            assertEquals(List.of("n1", "n2", "n3", "n4"), v.members().stream().map(MembershipView.Member::id).toList());
            MembershipView.Member n3 = v.members().get(2);
            assertTrue(n3.suspected(), "the crashed node is shown down");
            assertTrue(n3.phi() >= CONFIG.phiThreshold());
            assertEquals(NodeStatus.NORMAL, v.members().get(3).status());
            assertEquals(30, v.members().stream().mapToInt(MembershipView.Member::partitions).sum());
            v.members().forEach(m -> assertTrue(m.partitions() == 7 || m.partitions() == 8,
                    m.id() + " owns about Q/S = 7.5 partitions: " + m.partitions()));
            RebalanceProgress p = v.progress();
            assertEquals("join n4", p.description());
            assertEquals(false, p.active());
            assertEquals(p.partitionsTotal(), p.partitionsDone());
            assertEquals(0, p.etaMillis());
            assertEquals(v.ringVersion(), seen.get(seen.size() - 1).version(), "the listener saw every ring");
            assertTrue(seen.size() >= 1);
        }
    }

    @Test
    void aNodeWithoutSeedsJoinsThroughTheSeedItIsGiven() {
        try (TestCluster c = TestCluster.builder().nodes(3).partitions(24).seed(9).dataDir(dir)
                .membership(CONFIG).table(TABLE).build()) {
            Membership n4 = c.addNode("n4", null);
            c.runFor(10_000);
            assertEquals(0, n4.view().ringVersion(), "alone, it learns nothing");
            c.await(n4.join("n2"), 300_000, "n4 to join through n2");
            assertEquals(6, c.node("n4").cluster().ring().partitionsOf("n4").size());
            assertEquals(List.of("n2"), n4.gossiper().seeds());
        }
    }

    @Test
    void aSeedThatDoesNotAnswerIsNotKeptAndTheNodeDoesNotJoin() {
        try (TestCluster c = TestCluster.builder().nodes(3).partitions(24).seed(9).dataDir(dir)
                .membership(CONFIG).table(TABLE).build()) {
            Membership n4 = c.addNode("n4", null);
            c.network().crash("n3");
            var join = n4.join("n3");
            c.runFor(10_000); // past the gossip timeout
            assertTrue(join.isCompletedExceptionally(), "the join through a seed that never answered failed");
            Throwable e = assertThrows(CompletionException.class, join::join).getCause();
            assertTrue(e.getMessage().startsWith("seed 'n3' did not complete a gossip exchange"), e.getMessage());
            assertTrue(e.getMessage().contains("it is not kept as a seed"), e.getMessage());
            assertEquals(List.of(), n4.gossiper().seeds(), "a seed that failed its first exchange is not kept");
            assertEquals(0, n4.view().ringVersion());

            c.await(n4.join("n2"), 300_000, "n4 to join through n2, which answers");
            assertEquals(List.of("n2"), n4.gossiper().seeds());
        }
    }

    private static Throwable failure(java.util.concurrent.CompletableFuture<?> f) {
        assertTrue(f.isDone(), "refused at once");
        CompletionException e = assertThrows(CompletionException.class, f::join);
        return e.getCause();
    }

    @Test
    void aNodeThatNeverHeardFromItsPeersListsThemAsUnseenAndSaysWhyItsTablesCannotBeServed() {
        try (TestCluster c = TestCluster.builder().nodes(3).partitions(30).seed(11).dataDir(dir)
                .membership(CONFIG).table(TABLE).build()) {
            // n2 and n3 go before any gossip: n1 is alone with a ring of three, as one node of
            // conf/example started by itself would be
            c.network().crash("n2");
            c.network().crash("n3");
            c.runFor(10_000);
            MembershipView v = c.membership("n1").view();
            assertEquals(List.of("n1", "n2", "n3"), v.members().stream().map(MembershipView.Member::id).sorted().toList(),
                    "configured peers never reached are still listed");
            for (MembershipView.Member m : v.members()) {
                boolean self = m.id().equals("n1");
                assertEquals(self, m.seen(), m.toString());
                assertEquals(!self, m.suspected(), m.toString());
                assertTrue(m.partitions() > 0, m.toString());
            }
            QuorumReach reach = c.membership("n1").reach();
            assertEquals(1, reach.reachable());
            assertEquals("table 't' needs 2 nodes (r=2, w=2), 1 of 3 reachable: n2, n3 never heard from",
                    reach.shortfall("t", 2, 2));
        }
    }

    @Test
    void whenEveryPeerIsHeardFromNoTableFallsShort() {
        try (TestCluster c = TestCluster.builder().nodes(3).partitions(30).seed(11).dataDir(dir)
                .membership(CONFIG).table(TABLE).build()) {
            c.runFor(10_000);
            assertTrue(c.membership("n1").view().members().stream().allMatch(MembershipView.Member::seen));
            assertEquals(null, c.membership("n1").reach().shortfall("t", 2, 2));
        }
    }
}
