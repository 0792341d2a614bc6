package dev.dynamo.core.coordination;

import static dev.dynamo.core.coordination.Fixture.answer;
import static dev.dynamo.core.coordination.Fixture.bytes;
import static dev.dynamo.core.coordination.Fixture.config;
import static dev.dynamo.core.coordination.Fixture.failure;
import static dev.dynamo.core.coordination.Fixture.set;
import static dev.dynamo.core.coordination.Fixture.stored;
import static dev.dynamo.core.coordination.Fixture.values;
import static dev.dynamo.core.coordination.Fixture.version;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynamo.api.Context;
import dev.dynamo.api.DynamoException;
import dev.dynamo.api.DynamoTimeoutException;
import dev.dynamo.api.InsufficientReplicasException;
import dev.dynamo.core.cluster.ClusterState;
import dev.dynamo.core.protocol.Message;
import dev.dynamo.core.ring.NodeInfo;
import dev.dynamo.core.ring.Ring;
import dev.dynamo.core.ring.RingPlanner;
import dev.dynamo.core.table.TableConfig;
import dev.dynamo.core.version.SiblingSet;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class WriteCoordinatorTest {
    private static final long TIMEOUT = 900;

    private static WriteRequest put(Fixture f, String value, int w) {
        return new WriteRequest("put", f.table, f.key, Context.EMPTY, bytes(value), false, w, TIMEOUT, false);
    }

    private static CompletableFuture<Context> write(Fixture f, WriteCoordinator writes, WriteRequest req) {
        return writes.put(f.cluster, req);
    }

    private static CompletableFuture<Context> write(Fixture f, WriteRequest req) {
        return write(f, f.writes(), req);
    }

    private static void holdWrites(Fixture f, List<String> nodes) {
        for (String node : nodes) {
            f.net.on(node, Message.ReplicaWrite.class).hold();
        }
    }

    private static void acceptWrites(Fixture f, List<String> nodes) {
        for (String node : nodes) {
            f.net.on(node, Message.ReplicaWrite.class).reply(stored(true));
        }
    }

    // ---------------------------------------------------------------- a replica coordinates

    @Test
    void aReplicaCoordinatorStoresTheNewVersionAndAnswersOnceWReplicasItselfIncludedHaveIt() {
        Fixture f = Fixture.inside(config(3, 2, 3));
        holdWrites(f, f.otherReplicas());

        CompletableFuture<Context> c = write(f, put(f, "v", 3));

        assertEquals(List.of("v"), values(f.stored()), "stored here before any replica answered");
        assertEquals(f.otherReplicas(), f.net.nodesSent(Message.ReplicaWrite.class));
        for (Message.ReplicaWrite rw : f.net.sent(Message.ReplicaWrite.class)) {
            assertEquals(f.stored(), rw.siblings(), "replicas get the coordinator's whole set");
            assertEquals("", rw.hintFor());
            assertEquals(f.partition, rw.partition());
            assertArrayEquals(f.key, rw.key());
        }
        f.net.held(f.otherReplicas().get(1)).reply(stored(true));
        assertFalse(c.isDone(), "two of W=3");
        f.net.held(f.otherReplicas().get(0)).reply(stored(true));

        Context written = answer(c);
        assertTrue(written.covers(f.self + "-actor", 1), "the context names the new version: " + written);
    }

    @Test
    void withWOfOneTheReplicaCoordinatorAnswersAtOnce() {
        Fixture f = Fixture.inside(config(3, 1, 1));
        holdWrites(f, f.otherReplicas());

        CompletableFuture<Context> c = write(f, put(f, "v", 1));

        assertTrue(answer(c).covers(f.self + "-actor", 1));
        assertEquals(2, f.net.heldCount(), "the other replicas still get the write");
    }

    @Test
    void aWriteOverAContextSupersedesWhatThatContextCovers() {
        Fixture f = Fixture.inside(config(3, 1, 1));
        acceptWrites(f, f.otherReplicas());
        Context first = answer(write(f, put(f, "v1", 1)));

        answer(write(f, new WriteRequest("put", f.table, f.key, first, bytes("v2"), false, 1, TIMEOUT, false)));
        answer(write(f, put(f, "blind", 1)));

        assertEquals(List.of("blind", "v2"), values(f.stored()), "v1 superseded; a blind write is a sibling");
    }

    @Test
    void aDeleteReplicatesATombstone() {
        Fixture f = Fixture.inside(config(3, 2, 2));
        acceptWrites(f, f.otherReplicas());

        answer(write(f, new WriteRequest("delete", f.table, f.key, Context.EMPTY, new byte[0], true, 2, TIMEOUT,
                false)));

        SiblingSet sent = f.net.sent(Message.ReplicaWrite.class).get(0).siblings();
        assertTrue(sent.isDeleted() && !sent.isEmpty(), "a tombstone, not nothing");
        assertTrue(f.stored().isDeleted());
    }

    @Test
    void onABufferedTableOnlyTheFirstOtherReplicaIsAskedToSync() {
        Fixture f = Fixture.inside(config(3, 2, 2).withDurability(TableConfig.Durability.BUFFERED));
        acceptWrites(f, f.otherReplicas());

        answer(write(f, put(f, "v", 2)));

        List<Message.ReplicaWrite> sent = f.net.sent(Message.ReplicaWrite.class);
        assertEquals(f.otherReplicas(), f.net.nodesSent(Message.ReplicaWrite.class));
        assertTrue(sent.get(0).sync(), "the paper's one durable write");
        assertFalse(sent.get(1).sync());
    }

    @Test
    void onASyncTableEveryReplicaIsAskedToSync() {
        Fixture f = Fixture.inside(config(3, 2, 2).withDurability(TableConfig.Durability.SYNC));
        acceptWrites(f, f.otherReplicas());

        answer(write(f, put(f, "v", 2)));

        List<Message.ReplicaWrite> sent = f.net.sent(Message.ReplicaWrite.class);
        assertEquals(2, sent.size());
        assertTrue(sent.stream().allMatch(Message.ReplicaWrite::sync));
        assertEquals(1, f.engine.syncs(), "and the coordinator's own write was synced");
    }

    // ---------------------------------------------------------------- a node outside forwards

    @Test
    void aNodeOutsideThePreferenceListForwardsTheWriteToAReplicaAndPassesOnItsAnswer() {
        Fixture f = Fixture.outside(config(3, 2, 2));
        Context theirs = set(version("n9", 7, "v")).context();
        f.net.on(f.pref.get(0), Message.Put.class).reply(new Message.PutResult(theirs.toBytes()));
        Context read = set(version("n8", 1, "old")).context();

        Context c = answer(write(f, new WriteRequest("put", f.table, f.key, read, bytes("v"), false, 2, TIMEOUT,
                false)));

        assertEquals(theirs, c);
        List<Message.Put> forwarded = f.net.sent(Message.Put.class);
        assertEquals(List.of(f.pref.get(0)), f.net.nodesSent(Message.Put.class));
        Message.Put p = forwarded.get(0);
        assertTrue(p.forwarded(), "marked, so the replica does not pass it on again");
        assertEquals(Fixture.TABLE, p.table());
        assertArrayEquals(f.key, p.key());
        assertArrayEquals(bytes("v"), p.value());
        assertEquals(read, Context.fromBytes(p.context()));
        assertFalse(p.tombstone());
        assertEquals(2, p.w());
        assertEquals(TIMEOUT, p.timeoutMillis());
        assertTrue(f.stored().isEmpty(), "nothing is written on the node that forwarded");
        assertEquals(List.of(), f.net.sent(Message.ReplicaWrite.class));
    }

    @Test
    void aForwardedWriteGoesToTheNextReplicaWhenOneCannotBeReached() {
        Fixture f = Fixture.outside(config(3, 2, 2));
        Context theirs = set(version("n9", 1, "v")).context();
        f.net.on(f.pref.get(0), Message.Put.class).unreachable()
                .on(f.pref.get(1), Message.Put.class).reply(new Message.PutResult(theirs.toBytes()));

        assertEquals(theirs, answer(write(f, put(f, "v", 2))));

        assertEquals(List.of(f.pref.get(0), f.pref.get(1)), f.net.nodesSent(Message.Put.class));
    }

    @Test
    void aForwardedWriteGoesFirstToReplicasThatAreNotSuspected() {
        Fixture f = Fixture.outside(config(3, 2, 2));
        f.detector.failure(f.pref.get(0));
        Context theirs = set(version("n9", 1, "v")).context();
        f.net.on(f.pref.get(1), Message.Put.class).reply(new Message.PutResult(theirs.toBytes()));

        assertEquals(theirs, answer(write(f, put(f, "v", 2))));

        assertEquals(List.of(f.pref.get(1)), f.net.nodesSent(Message.Put.class));
    }

    @Test
    void anErrorFromTheReplicaAWriteWasForwardedToIsPassedOnNotRetriedElsewhere() {
        Fixture f = Fixture.outside(config(3, 2, 2));
        f.net.on(f.pref.get(0), Message.Put.class).error(new InsufficientReplicasException("put: 1 of 2", 2, 1))
                .on(f.pref.get(1), Message.Put.class).reply(new Message.PutResult(Context.EMPTY.toBytes()));

        InsufficientReplicasException e = failure(write(f, put(f, "v", 2)), InsufficientReplicasException.class);

        assertEquals(2, e.required());
        assertEquals(1, e.acknowledged());
        assertEquals(List.of(f.pref.get(0)), f.net.nodesSent(Message.Put.class));
    }

    @Test
    void aForwardedWriteFailsWithInsufficientReplicasWhenNoReplicaCanBeReached() {
        Fixture f = Fixture.outside(config(3, 2, 2)); // nothing scripted: every peer is unreachable

        failure(write(f, put(f, "v", 2)), InsufficientReplicasException.class);

        assertEquals(f.pref.stream().sorted().toList(),
                f.net.nodesSent(Message.Put.class).stream().sorted().toList(), "each replica tried once");
    }

    // ---------------------------------------------------------------- who counts towards W

    private static WriteRequest forwarded(Fixture f, String value, int w) {
        return new WriteRequest("put", f.table, f.key, Context.EMPTY, bytes(value), false, w, TIMEOUT, true);
    }

    @Test
    void aForwardedWriteReachingANodeOutsideThePreferenceListIsNotAcknowledgedWithThatNodeCounted() {
        // the node's ring says it is not a replica (the forwarder's ring differed, or a client set
        // the flag): W=3 needs three replicas, and two plus this node are not three
        Fixture f = Fixture.outside(config(3, 2, 3));
        acceptWrites(f, f.pref.subList(0, 2)); // the third replica and every substitute are unreachable

        InsufficientReplicasException e = failure(write(f, forwarded(f, "v", 3)),
                InsufficientReplicasException.class);

        assertEquals(3, e.required());
        assertEquals(2, e.acknowledged(), "the two replicas that stored it, not the coordinator");
        assertEquals(List.of("v"), values(f.stored()), "coordinated here all the same");
        assertEquals(f.pref, f.net.nodesSent(Message.ReplicaWrite.class).subList(0, 3), "every replica got it");
        assertEquals(List.of(), f.net.sent(f.self, Message.ReplicaWrite.class), "never its own substitute");
        assertEquals(List.of(), f.net.sent(Message.Put.class), "not forwarded again");
    }

    @Test
    void aForwardedWriteReachingANodeOutsideThePreferenceListSucceedsOnceWReplicasHaveIt() {
        Fixture f = Fixture.outside(config(3, 2, 3));
        acceptWrites(f, f.pref);

        Context c = answer(write(f, forwarded(f, "v", 3)));

        assertTrue(c.covers(f.self + "-actor", 1));
        assertEquals(f.pref, f.net.nodesSent(Message.ReplicaWrite.class));
    }

    @Test
    void aReplicaThatAnswersItDoesNotReplicateTheKeyIsNotCounted() {
        Fixture f = Fixture.inside(config(3, 2, 3));
        acceptWrites(f, List.of(f.otherReplicas().get(0)));
        f.net.on(f.otherReplicas().get(1), Message.ReplicaWrite.class).reply(new Message.ReplicaWriteResult(true, false));

        InsufficientReplicasException e = failure(write(f, put(f, "v", 3)), InsufficientReplicasException.class);

        assertEquals(2, e.acknowledged(), "the coordinator and the one real replica");
        assertTrue(f.detector.suspected().isEmpty(), "it answered: it is not suspected");
    }

    // ---------------------------------------------------------------- sloppy quorum

    @Test
    void anUnreachableReplicaIsReplacedByASubstituteThatKeepsTheWriteAsAHint() {
        Fixture f = Fixture.inside(config(3, 2, 3));
        String down = f.otherReplicas().get(1);
        String substitute = f.beyond.get(0);
        acceptWrites(f, List.of(f.otherReplicas().get(0), substitute));
        f.net.on(down, Message.ReplicaWrite.class).unreachable();

        answer(write(f, put(f, "v", 3)));

        assertEquals(List.of(f.otherReplicas().get(0), down, substitute), f.net.nodesSent(Message.ReplicaWrite.class));
        Message.ReplicaWrite hint = f.net.sent(substitute, Message.ReplicaWrite.class).get(0);
        assertEquals(down, hint.hintFor());
        assertEquals(f.stored(), hint.siblings());
        assertEquals(List.of(down), List.copyOf(f.detector.suspected()));
    }

    @Test
    void aSuspectedReplicaIsSkippedForASubstituteFromTheStart() {
        Fixture f = Fixture.inside(config(3, 2, 3));
        String suspected = f.otherReplicas().get(0);
        f.detector.failure(suspected);
        String substitute = f.beyond.get(0);
        acceptWrites(f, List.of(f.otherReplicas().get(1), substitute));

        answer(write(f, put(f, "v", 3)));

        assertEquals(List.of(), f.net.sent(suspected, Message.ReplicaWrite.class));
        assertEquals(suspected, f.net.sent(substitute, Message.ReplicaWrite.class).get(0).hintFor());
    }

    @Test
    void aSubstituteThatFailsTooIsReplacedByTheNextOneStillForTheSameReplica() {
        Fixture f = Fixture.inside(config(3, 2, 3));
        String down = f.otherReplicas().get(0);
        acceptWrites(f, List.of(f.otherReplicas().get(1), f.beyond.get(1)));
        f.net.on(down, Message.ReplicaWrite.class).unreachable()
                .on(f.beyond.get(0), Message.ReplicaWrite.class).timeout();

        answer(write(f, put(f, "v", 3)));

        assertEquals(down, f.net.sent(f.beyond.get(0), Message.ReplicaWrite.class).get(0).hintFor());
        assertEquals(down, f.net.sent(f.beyond.get(1), Message.ReplicaWrite.class).get(0).hintFor());
    }

    @Test
    void failsWithInsufficientReplicasWhenWReplicasCannotBeReached() {
        Fixture f = Fixture.inside(config(3, 2, 2)); // nothing scripted: every peer is unreachable

        InsufficientReplicasException e = failure(write(f, put(f, "v", 2)), InsufficientReplicasException.class);

        assertEquals(2, e.required());
        assertEquals(1, e.acknowledged(), "only the coordinator itself");
        List<String> tried = new ArrayList<>(f.otherReplicas());
        tried.addAll(f.beyond);
        assertEquals(tried.stream().sorted().toList(),
                f.net.nodesSent(Message.ReplicaWrite.class).stream().sorted().toList(),
                "each replica and each substitute was tried once");
    }

    @Test
    void aReplicaThatAnswersWithAnErrorIsNotReplaced() {
        Fixture f = Fixture.inside(config(3, 2, 3));
        acceptWrites(f, List.of(f.otherReplicas().get(0)));
        f.net.on(f.otherReplicas().get(1), Message.ReplicaWrite.class)
                .error(new DynamoException("disk full"));

        InsufficientReplicasException e = failure(write(f, put(f, "v", 3)), InsufficientReplicasException.class);

        assertEquals(2, e.acknowledged());
        assertEquals(f.otherReplicas(), f.net.nodesSent(Message.ReplicaWrite.class));
    }

    @Test
    void failsWithTimeoutWhenWReplicasDoNotAnswerBeforeTheDeadline() {
        Fixture f = Fixture.inside(config(3, 2, 2));
        holdWrites(f, f.otherReplicas());

        CompletableFuture<Context> c = write(f, put(f, "v", 2));
        f.scheduler.runFor(TIMEOUT - 1);
        assertFalse(c.isDone());
        f.scheduler.runFor(1);

        failure(c, DynamoTimeoutException.class);
    }

    @Test
    void failsWithInsufficientReplicasAtOnceWhenTheRingHasFewerNodesThanW() {
        Fixture f = Fixture.inside(config(3, 2, 2));
        Ring twoNodes = new RingPlanner().initial(8, List.of(NodeInfo.of(f.self), NodeInfo.of("other")));

        InsufficientReplicasException e = failure(f.writes().put(ClusterState.of(twoNodes, List.of()),
                put(f, "v", 3)), InsufficientReplicasException.class);

        assertEquals(3, e.required());
        assertEquals(0, e.acknowledged());
        try (var all = f.engine.scan(null, null)) {
            assertFalse(all.hasNext(), "nothing was written");
        }
        assertEquals(List.of(), f.net.sent());
    }

    // ---------------------------------------------------------------- pending replicas

    @Test
    void pendingReplicasGetTheWriteButDoNotCountTowardsW() {
        Fixture f = Fixture.inside(config(3, 2, 2));
        String pending = f.beyond.get(1);
        List<String> asked = new ArrayList<>();
        WriteCoordinator writes = f.writes();
        writes.setPendingReplicas((n, partition) -> {
            asked.add(n + "/" + partition);
            return List.of(pending);
        });
        holdWrites(f, f.otherReplicas());
        acceptWrites(f, List.of(pending));

        CompletableFuture<Context> c = write(f, writes, put(f, "v", 2));

        assertEquals(List.of("3/" + f.partition), asked);
        Message.ReplicaWrite toPending = f.net.sent(pending, Message.ReplicaWrite.class).get(0);
        assertEquals("", toPending.hintFor(), "into its own table: it is becoming a replica");
        assertEquals(f.stored(), toPending.siblings());
        assertFalse(c.isDone(), "the pending replica's answer does not count towards W=2");
        f.net.held(f.otherReplicas().get(0)).reply(stored(true));
        assertTrue(answer(c).covers(f.self + "-actor", 1));
    }

    @Test
    void aPendingReplicaThatCannotBeReachedDoesNotFailTheWrite() {
        Fixture f = Fixture.inside(config(3, 3, 3));
        WriteCoordinator writes = f.writes();
        writes.setPendingReplicas((n, partition) -> List.of(f.beyond.get(2)));
        acceptWrites(f, f.otherReplicas());

        answer(write(f, writes, put(f, "v", 3)));

        assertEquals(1, f.net.sent(f.beyond.get(2), Message.ReplicaWrite.class).size());
    }

    @Test
    void aPendingReplicaAlreadyAmongTheReplicasIsNotWrittenTwice() {
        Fixture f = Fixture.inside(config(3, 2, 2));
        WriteCoordinator writes = f.writes();
        writes.setPendingReplicas((n, partition) -> List.of(f.self, f.otherReplicas().get(0)));
        acceptWrites(f, f.otherReplicas());

        answer(write(f, writes, put(f, "v", 2)));

        assertEquals(f.otherReplicas(), f.net.nodesSent(Message.ReplicaWrite.class));
    }
}
