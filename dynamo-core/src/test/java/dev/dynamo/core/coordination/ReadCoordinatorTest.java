package dev.dynamo.core.coordination;

import static dev.dynamo.core.coordination.Fixture.answer;
import static dev.dynamo.core.coordination.Fixture.config;
import static dev.dynamo.core.coordination.Fixture.failure;
import static dev.dynamo.core.coordination.Fixture.holding;
import static dev.dynamo.core.coordination.Fixture.set;
import static dev.dynamo.core.coordination.Fixture.string;
import static dev.dynamo.core.coordination.Fixture.version;
import static dev.dynamo.core.coordination.Fixture.versionOver;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynamo.api.DynamoException;
import dev.dynamo.api.DynamoTimeoutException;
import dev.dynamo.api.GetResult;
import dev.dynamo.api.InsufficientReplicasException;
import dev.dynamo.api.Versioned;
import dev.dynamo.core.cluster.ClusterState;
import dev.dynamo.core.protocol.Message;
import dev.dynamo.core.ring.NodeInfo;
import dev.dynamo.core.ring.Ring;
import dev.dynamo.core.ring.RingPlanner;
import dev.dynamo.core.spi.TransportException;
import dev.dynamo.core.version.Dot;
import dev.dynamo.core.version.SiblingSet;
import dev.dynamo.core.version.Version;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class ReadCoordinatorTest {
    private static final long TIMEOUT = 900;

    private final List<String> repaired = new ArrayList<>();
    private final RequestObserver observer = new RequestObserver() {
        @Override
        public void requestEnded(String op, String table, String outcome, long nanos) {
        }

        @Override
        public void readRepair(String table) {
            repaired.add(table);
        }
    };

    private CompletableFuture<GetResult> get(Fixture f, int r) {
        return f.reads(observer).get(f.cluster, f.table, f.key, r, TIMEOUT);
    }

    private static List<String> valuesOf(GetResult r) {
        return r.siblings().stream().map(v -> string(v.value())).sorted().toList();
    }

    private static void holdReads(Fixture f, List<String> nodes) {
        for (String node : nodes) {
            f.net.on(node, Message.ReplicaRead.class).hold();
        }
    }

    @Test
    void answersAsSoonAsRReplicasAnsweredWithTheirVersionsMergedAndReconciled() {
        Fixture f = Fixture.outside(config(3, 2, 2));
        holdReads(f, f.pref);
        Version a = version("n9", 1, "a");
        Version b = version("n8", 1, "b"); // concurrent with a: both are kept (keep-all reconciler)

        CompletableFuture<GetResult> r = get(f, 2);
        assertEquals(f.pref, f.net.nodesSent(Message.ReplicaRead.class), "every replica is asked");
        f.net.held(f.pref.get(0)).reply(holding(set(a)));
        assertFalse(r.isDone(), "one answer is not R=2");
        f.net.held(f.pref.get(1)).reply(holding(set(b)));

        GetResult result = answer(r);
        assertEquals(List.of("a", "b"), valuesOf(result));
        assertTrue(result.context().covers("n9", 1) && result.context().covers("n8", 1),
                "the context covers both siblings, so the next write supersedes them");
        assertEquals(1, f.net.heldCount(), "the third replica has not answered yet");
    }

    @Test
    void aNewerVersionHidesTheOneItSupersedes() {
        Fixture f = Fixture.outside(config(3, 2, 2));
        Version old = version("n9", 1, "old");
        Version newer = versionOver(set(old), "n9", 2, "new");
        f.net.on(f.pref.get(0), Message.ReplicaRead.class).reply(holding(set(old)))
                .on(f.pref.get(1), Message.ReplicaRead.class).reply(holding(set(newer)))
                .on(f.pref.get(2), Message.ReplicaRead.class).hold();

        GetResult result = answer(get(f, 2));

        assertEquals(List.of("new"), valuesOf(result));
    }

    @Test
    void readRepairSendsTheMergedVersionsOnlyToTheReplicaThatLackedThem() {
        Fixture f = Fixture.outside(config(3, 2, 2));
        holdReads(f, f.pref);
        Version old = version("n9", 1, "old");
        Version current = versionOver(set(old), "n9", 2, "current");
        for (String node : f.pref) {
            f.net.on(node, Message.ReplicaWrite.class).reply(Fixture.stored(true));
        }

        CompletableFuture<GetResult> r = get(f, 2);
        f.net.held(f.pref.get(0)).reply(holding(set(current)));
        f.net.held(f.pref.get(1)).reply(holding(set(current)));
        assertEquals(List.of("current"), valuesOf(answer(r)));
        assertEquals(List.of(), f.net.sent(Message.ReplicaWrite.class), "no repair before every replica answered");

        f.net.held(f.pref.get(2)).reply(holding(set(old))); // stale

        assertEquals(List.of(f.pref.get(2)), f.net.nodesSent(Message.ReplicaWrite.class));
        Message.ReplicaWrite repair = f.net.sent(Message.ReplicaWrite.class).get(0);
        assertEquals(set(current), repair.siblings());
        assertEquals("", repair.hintFor());
        assertEquals(f.partition, repair.partition());
        assertEquals(List.of(Fixture.TABLE), repaired, "the observer sees one read repair");
    }

    @Test
    void aReplicaRepairedAtTheDeadlineIsNotRepairedAgainWhenTheLastAnswerComesLate() {
        Fixture f = Fixture.outside(config(3, 2, 2));
        holdReads(f, f.pref);
        for (String node : f.pref) {
            f.net.on(node, Message.ReplicaWrite.class).reply(Fixture.stored(true));
        }
        Version a = version("n9", 1, "a");

        CompletableFuture<GetResult> r = get(f, 2);
        f.net.held(f.pref.get(0)).reply(holding(set(a)));
        f.net.held(f.pref.get(1)).reply(holding(SiblingSet.EMPTY));
        assertEquals(List.of("a"), valuesOf(answer(r)));
        f.scheduler.runFor(TIMEOUT);
        assertEquals(List.of(f.pref.get(1)), f.net.nodesSent(Message.ReplicaWrite.class),
                "at the deadline the stale replica that answered is repaired");
        f.net.held(f.pref.get(2)).reply(holding(SiblingSet.EMPTY));

        assertEquals(List.of(f.pref.get(1), f.pref.get(2)), f.net.nodesSent(Message.ReplicaWrite.class),
                "the late replica is repaired, the first one not a second time");
        assertEquals(2, repaired.size(), "two read repairs, as the observer counts them");
    }

    @Test
    void aLateAnswerWithANewVersionIsRepairedEverywhereIncludingAReplicaRepairedAtTheDeadline() {
        Fixture f = Fixture.outside(config(3, 2, 2));
        holdReads(f, f.pref);
        for (String node : f.pref) {
            f.net.on(node, Message.ReplicaWrite.class).reply(Fixture.stored(true));
        }
        Version a = version("n9", 1, "a");
        Version b = version("n8", 1, "b");

        get(f, 2);
        f.net.held(f.pref.get(0)).reply(holding(set(a)));
        f.net.held(f.pref.get(1)).reply(holding(SiblingSet.EMPTY));
        f.scheduler.runFor(TIMEOUT);
        f.net.held(f.pref.get(2)).reply(holding(set(b)));

        List<Message.ReplicaWrite> toSecond = f.net.sent(f.pref.get(1), Message.ReplicaWrite.class);
        assertEquals(List.of(set(a), set(a, b)), toSecond.stream().map(Message.ReplicaWrite::siblings).toList());
        assertEquals(set(a, b), f.net.sent(f.pref.get(0), Message.ReplicaWrite.class).get(0).siblings());
        assertEquals(set(a, b), f.net.sent(f.pref.get(2), Message.ReplicaWrite.class).get(0).siblings());
    }

    @Test
    void replicasThatAgreeAreNotRepaired() {
        Fixture f = Fixture.outside(config(3, 2, 2));
        Version a = version("n9", 1, "a");
        for (String node : f.pref) {
            f.net.on(node, Message.ReplicaRead.class).reply(holding(set(a)));
        }

        answer(get(f, 2));

        assertEquals(List.of(), f.net.sent(Message.ReplicaWrite.class));
        assertEquals(List.of(), repaired);
    }

    @Test
    void aReplicaCoordinatorReadsItselfWithoutAMessageAndRepairsItselfInPlace() {
        Fixture f = Fixture.inside(config(3, 2, 2));
        Version a = version("n9", 1, "a");
        for (String node : f.otherReplicas()) {
            f.net.on(node, Message.ReplicaRead.class).reply(holding(set(a)));
        }

        GetResult result = answer(get(f, 2));

        assertEquals(List.of("a"), valuesOf(result));
        assertEquals(f.otherReplicas(), f.net.nodesSent(Message.ReplicaRead.class), "no message to itself");
        assertEquals(set(a), f.stored(), "its own missing version was stored locally");
        assertEquals(List.of(), f.net.sent(Message.ReplicaWrite.class));
    }

    @Test
    void withROfOneAReplicaCoordinatorAnswersFromItselfAtOnce() {
        Fixture f = Fixture.inside(config(3, 1, 1));
        Version mine = version("n9", 1, "mine");
        f.table.store().merge(f.partition, f.key, set(mine));
        holdReads(f, f.otherReplicas());

        GetResult result = answer(get(f, 1));

        assertEquals(List.of("mine"), valuesOf(result));
        assertEquals(2, f.net.heldCount(), "the other replicas are still asked (for read repair)");
    }

    @Test
    void anUnreachableReplicaIsReplacedByTheNextNodeBeyondThePreferenceListAskedForItsHint() {
        Fixture f = Fixture.outside(config(3, 3, 2));
        String down = f.pref.get(1);
        String substitute = f.beyond.get(0);
        Version a = version("n9", 1, "a");
        f.net.on(f.pref.get(0), Message.ReplicaRead.class).reply(holding(set(a)))
                .on(down, Message.ReplicaRead.class).unreachable()
                .on(f.pref.get(2), Message.ReplicaRead.class).reply(holding(set(a)))
                .on(substitute, Message.ReplicaRead.class).reply(holding(set(a)));

        GetResult result = answer(get(f, 3));

        assertEquals(List.of("a"), valuesOf(result));
        List<Message.ReplicaRead> asked = f.net.sent(substitute, Message.ReplicaRead.class);
        assertEquals(1, asked.size(), "the substitute is asked once");
        assertEquals(down, asked.get(0).hintFor(), "for what it keeps on behalf of the unreachable replica");
        assertEquals(List.of(f.pref.get(0), down, substitute, f.pref.get(2)),
                f.net.nodesSent(Message.ReplicaRead.class), "the substitute is asked right after the failure");
        assertEquals(List.of(), f.net.sent(f.beyond.get(1), Message.ReplicaRead.class), "one substitute is enough");
    }

    @Test
    void aReplicaThatTimesOutIsReplacedAsWell() {
        Fixture f = Fixture.outside(config(3, 2, 2));
        String slow = f.pref.get(0);
        Version a = version("n9", 1, "a");
        f.net.on(slow, Message.ReplicaRead.class).timeout()
                .on(f.pref.get(1), Message.ReplicaRead.class).hold()
                .on(f.pref.get(2), Message.ReplicaRead.class).hold()
                .on(f.beyond.get(0), Message.ReplicaRead.class).reply(holding(set(a)));

        CompletableFuture<GetResult> r = get(f, 2);
        f.net.held(f.pref.get(1)).reply(holding(set(a)));

        assertEquals(List.of("a"), valuesOf(answer(r)));
        assertEquals(slow, f.net.sent(f.beyond.get(0), Message.ReplicaRead.class).get(0).hintFor());
    }

    @Test
    void aReplicaThatFailsAfterTheOthersAnsweredIsReplacedOnlyThen() {
        Fixture f = Fixture.outside(config(3, 3, 2));
        String late = f.pref.get(2);
        String substitute = f.beyond.get(0);
        holdReads(f, f.pref);
        holdReads(f, List.of(substitute));
        Version a = version("n9", 1, "a");

        CompletableFuture<GetResult> r = get(f, 3);
        f.net.held(f.pref.get(0)).reply(holding(set(a)));
        f.net.held(f.pref.get(1)).reply(holding(set(a)));
        assertEquals(List.of(), f.net.sent(substitute, Message.ReplicaRead.class), "no substitute while it may answer");
        f.net.held(late).fail(new TransportException(TransportException.Kind.TIMEOUT, "no answer in time"));
        assertEquals(late, f.net.sent(substitute, Message.ReplicaRead.class).get(0).hintFor());
        assertFalse(r.isDone());
        f.net.held(substitute).reply(holding(set(a)));

        assertEquals(List.of("a"), valuesOf(answer(r)));
    }

    @Test
    void aSubstituteThatHoldsTheHintedVersionIsReadRepairedWithTheHint() {
        Fixture f = Fixture.outside(config(3, 3, 2));
        String down = f.pref.get(2);
        String substitute = f.beyond.get(0);
        Version a = version("n9", 1, "a");
        f.net.on(f.pref.get(0), Message.ReplicaRead.class).reply(holding(set(a)))
                .on(f.pref.get(1), Message.ReplicaRead.class).reply(holding(set(a)))
                .on(down, Message.ReplicaRead.class).unreachable()
                .on(substitute, Message.ReplicaRead.class).reply(holding(SiblingSet.EMPTY))
                .on(substitute, Message.ReplicaWrite.class).reply(Fixture.stored(true));

        answer(get(f, 3));

        List<Message.ReplicaWrite> repairs = f.net.sent(Message.ReplicaWrite.class);
        assertEquals(List.of(substitute), f.net.nodesSent(Message.ReplicaWrite.class));
        assertEquals(down, repairs.get(0).hintFor(), "the repair is kept as a hint for the replica it stands in for");
    }

    @Test
    void aReplicaThatAnswersWithAnErrorIsNotReplacedAndTheReadFailsAsSoonAsRIsOutOfReach() {
        Fixture f = Fixture.outside(config(3, 3, 2));
        Version a = version("n9", 1, "a");
        f.net.on(f.pref.get(0), Message.ReplicaRead.class).reply(holding(set(a)))
                .on(f.pref.get(1), Message.ReplicaRead.class).error(new DynamoException("disk on fire"))
                .on(f.pref.get(2), Message.ReplicaRead.class).hold();

        InsufficientReplicasException e = failure(get(f, 3), InsufficientReplicasException.class);

        assertEquals(3, e.required());
        assertEquals(1, e.acknowledged(), "decided without waiting for the third replica");
        assertEquals(f.pref, f.net.nodesSent(Message.ReplicaRead.class), "no substitute: the replica was reached");
        assertTrue(f.detector.suspected().isEmpty(), "an error answer is no reason to suspect a node");
    }

    @Test
    void failsWithInsufficientReplicasWhenRReplicasCannotBeReached() {
        Fixture f = Fixture.inside(config(3, 2, 2)); // every other node is unreachable (nothing scripted)

        InsufficientReplicasException e = failure(get(f, 2), InsufficientReplicasException.class);

        assertEquals(2, e.required());
        assertEquals(1, e.acknowledged(), "only the coordinator itself answered");
        List<String> asked = new ArrayList<>(f.otherReplicas());
        asked.addAll(f.beyond);
        assertEquals(asked.stream().sorted().toList(),
                f.net.nodesSent(Message.ReplicaRead.class).stream().sorted().toList(),
                "each replica and each substitute was tried once");
    }

    @Test
    void failsWithInsufficientReplicasAtOnceWhenTheRingHasFewerNodesThanR() {
        Fixture f = Fixture.outside(config(3, 3, 2));
        Ring twoNodes = new RingPlanner().initial(8, List.of(NodeInfo.of("a"), NodeInfo.of("b")));

        InsufficientReplicasException e = failure(
                f.reads(observer).get(ClusterState.of(twoNodes, List.of()), f.table, f.key, 3, TIMEOUT),
                InsufficientReplicasException.class);

        assertEquals(3, e.required());
        assertEquals(0, e.acknowledged());
        assertEquals(List.of(), f.net.sent(), "nobody is asked");
    }

    @Test
    void failsWithTimeoutWhenRAnswersDoNotComeBeforeTheDeadline() {
        Fixture f = Fixture.outside(config(3, 2, 2));
        holdReads(f, f.pref);

        CompletableFuture<GetResult> r = get(f, 2);
        f.net.held(f.pref.get(0)).reply(holding(SiblingSet.EMPTY));
        f.scheduler.runFor(TIMEOUT - 1);
        assertFalse(r.isDone(), "not before the deadline");
        f.scheduler.runFor(1);

        DynamoTimeoutException e = failure(r, DynamoTimeoutException.class);
        assertTrue(e.getMessage().contains(TIMEOUT + " ms"), e.getMessage());
    }

    @Test
    void eachReplicaIsGivenAThirdOfTheDeadlineSoThatASubstituteCanStillBeAsked() {
        Fixture f = Fixture.outside(config(3, 2, 2));
        holdReads(f, f.pref);

        get(f, 2);

        for (ScriptedTransport.Sent s : f.net.sent()) {
            assertEquals(TIMEOUT / 3, s.timeoutMillis(), s.node());
        }
    }

    @Test
    void aReadThatAnsweredLeavesNoDeadlineBehind() {
        Fixture f = Fixture.outside(config(3, 2, 2));
        Version a = version("n9", 1, "a");
        for (String node : f.pref) {
            f.net.on(node, Message.ReplicaRead.class).reply(holding(set(a)));
        }

        CompletableFuture<GetResult> r = get(f, 2);

        assertEquals(List.of("a"), valuesOf(answer(r)));
        assertTrue(f.scheduler.runUntilIdle(10), "the deadline was cancelled");
        assertFalse(r.isCompletedExceptionally());
    }

    @Test
    void aDeletedKeyIsNotFoundButItsContextCoversTheTombstone() {
        Fixture f = Fixture.outside(config(3, 2, 2));
        Version a = version("n9", 1, "a");
        Version deleted = Version.tombstone(new Dot("n9", 2), set(a).context(), 5);
        for (String node : f.pref) {
            f.net.on(node, Message.ReplicaRead.class).reply(holding(set(deleted)));
        }

        GetResult result = answer(get(f, 2));

        assertFalse(result.isFound());
        assertTrue(result.context().covers("n9", 2));
        assertEquals(List.<Versioned>of(), result.siblings());
    }
}
