package dev.dynamo.core.coordination;

import static dev.dynamo.core.coordination.Fixture.config;
import static dev.dynamo.core.coordination.Fixture.set;
import static dev.dynamo.core.coordination.Fixture.version;
import static dev.dynamo.core.coordination.Fixture.versionOver;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynamo.api.BadRequestException;
import dev.dynamo.api.UnknownTableException;
import dev.dynamo.core.protocol.Message;
import dev.dynamo.core.table.Table;
import dev.dynamo.core.version.Dot;
import dev.dynamo.core.version.SiblingSet;
import dev.dynamo.core.version.Version;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The replica side of the request path: what a coordinator's ReplicaRead, ReplicaWrite and Purge do here. */
class ReplicaServiceTest {
    private final Fixture f = Fixture.inside(config(3, 2, 2));
    private final ReplicaService replica = new ReplicaService(f.local, this::table);
    private final String other = f.otherReplicas().get(0);

    private Table table(String name) {
        if (!name.equals(Fixture.TABLE)) {
            throw new UnknownTableException(name);
        }
        return f.table;
    }

    private boolean write(SiblingSet set, boolean sync, String hintFor) {
        return replica.write(other, new Message.ReplicaWrite(Fixture.TABLE, f.partition, f.key, set, sync, hintFor))
                .join().changed();
    }

    private SiblingSet read(String hintFor) {
        return replica.read(other, new Message.ReplicaRead(Fixture.TABLE, f.partition, f.key, hintFor))
                .join().siblings();
    }

    private boolean purge(SiblingSet expected) {
        return replica.purge(other, new Message.Purge(Fixture.TABLE, f.partition, f.key, expected)).join().changed();
    }

    @Test
    void aWriteWithoutAHintMergesIntoTheTableAndSaysWhetherItChangedAnything() {
        SiblingSet a = set(version("n9", 1, "a"));

        assertTrue(write(a, false, ""));
        assertFalse(write(a, false, ""), "the same versions again change nothing");

        assertEquals(a, f.stored());
        assertEquals(a, read(""));
        assertTrue(f.hints.pending().isEmpty());
    }

    @Test
    void aWriteMergesWithWhatTheReplicaHoldsKeepingConcurrentVersionsAndDroppingSupersededOnes() {
        Version a = version("n9", 1, "a");
        Version b = version("n8", 1, "b");
        write(set(a), false, "");
        write(set(b), false, "");
        assertEquals(set(a, b), f.stored());

        Version c = versionOver(set(a, b), "n9", 2, "c");
        assertTrue(write(set(c), false, ""));

        assertEquals(List.of("c"), Fixture.values(read("")));
        assertFalse(write(set(a), false, ""), "a superseded version does not come back");
    }

    @Test
    void aWriteWithAHintIsKeptForThatNodeAndNotInTheTable() {
        SiblingSet a = set(version("n9", 1, "a"));

        assertTrue(write(a, false, "n-away"));
        assertFalse(write(a, false, "n-away"));

        assertTrue(f.stored().isEmpty(), "the table does not have it");
        assertTrue(read("").isEmpty());
        assertEquals(a, read("n-away"), "a read with the same hintFor finds it");
        assertTrue(read("n-other").isEmpty(), "hints are kept per node");
        assertEquals(Map.of("n-away", 1L), f.hints.pending());
    }

    @Test
    void aHintForThisNodeItselfGoesIntoItsTable() {
        SiblingSet a = set(version("n9", 1, "a"));

        assertTrue(write(a, false, f.self));

        assertEquals(a, f.stored());
        assertTrue(f.hints.pending().isEmpty());
    }

    @Test
    void aWriteAskedToBeDurableIsSyncedAndNotAgainWhenNothingIsLeftUnsynced() {
        SiblingSet a = set(version("n9", 1, "a"));

        write(a, false, "");
        assertEquals(0, f.engine.syncs(), "a buffered table's write is not synced unless asked");
        write(set(version("n9", 2, "b")), true, "");
        assertEquals(1, f.engine.syncs());
        write(a, true, "");
        assertEquals(1, f.engine.syncs(), "nothing changed and nothing is left unsynced: no fsync");
    }

    @Test
    void aDurableWriteThatChangesNothingIsStillSyncedWhenAnEarlierWriteOfTheSameVersionsWasNot() {
        SiblingSet a = set(version("n9", 1, "a"));
        write(a, false, ""); // read repair or a pending-replica write: not synced

        assertFalse(write(a, true, ""), "the durable write brings nothing new");

        assertEquals(1, f.engine.syncs(), "but it is answered only once the versions it found are on disk");
    }

    @Test
    void aDurableHintThatChangesNothingIsSyncedWhenTheEarlierHintWasNot() {
        SiblingSet a = set(version("n9", 1, "a"));
        write(a, false, "n-away");

        write(a, true, "n-away");

        assertEquals(1, f.hintEngine.syncs());
    }

    @Test
    void aDurableHintIsSyncedInTheHintStore() {
        write(set(version("n9", 1, "a")), true, "n-away");

        assertEquals(1, f.hintEngine.syncs());
        assertEquals(0, f.engine.syncs());
    }

    @Test
    void purgeRemovesTheKeyWhenItStillHoldsExactlyTheExpectedVersions() {
        Version a = version("n9", 1, "a");
        SiblingSet deleted = set(Version.tombstone(new Dot("n9", 2), set(a).context(), 5));
        write(deleted, false, "");

        assertTrue(purge(deleted));

        assertTrue(f.stored().isEmpty());
        assertFalse(purge(deleted), "nothing left to remove");
    }

    @Test
    void purgeKeepsTheKeyWhenANewerWriteArrivedMeanwhile() {
        Version a = version("n9", 1, "a");
        SiblingSet deleted = set(Version.tombstone(new Dot("n9", 2), set(a).context(), 5));
        write(deleted, false, "");
        write(set(version("n8", 1, "new")), false, "");
        SiblingSet now = f.stored();

        assertFalse(purge(deleted));

        assertEquals(now, f.stored());
    }

    @Test
    void aWriteForAPartitionThisNodeDoesNotReplicateIsKeptButAnsweredAsNotAReplicas() {
        ReplicaService notOwner = new ReplicaService(f.local, this::table, (table, partition) -> false, node -> true);
        SiblingSet a = set(version("n9", 1, "a"));

        Message.ReplicaWriteResult r = notOwner.write(other,
                new Message.ReplicaWrite(Fixture.TABLE, f.partition, f.key, a, false, "")).join();

        assertTrue(r.changed());
        assertFalse(r.replica(), "the coordinator must not count it towards W");
        assertEquals(a, f.stored(), "kept: the sender's ring may be the newer one");
        Message.ReplicaWriteResult hint = notOwner.write(other,
                new Message.ReplicaWrite(Fixture.TABLE, f.partition, f.key, a, false, "n-away")).join();
        assertTrue(hint.replica(), "a substitute keeping a hint counts, whatever it replicates");
    }

    @Test
    void aHintForANodeThisNodeDoesNotKnowIsRefusedAndNothingIsKept() {
        ReplicaService knowsOnlyAway = new ReplicaService(f.local, this::table, (table, partition) -> true,
                "n-away"::equals);
        SiblingSet a = set(version("n9", 1, "a"));

        assertThrows(BadRequestException.class, () -> knowsOnlyAway.write(other,
                new Message.ReplicaWrite(Fixture.TABLE, f.partition, f.key, a, false, "n-invented")));
        assertThrows(BadRequestException.class, () -> knowsOnlyAway.read(other,
                new Message.ReplicaRead(Fixture.TABLE, f.partition, f.key, "n-invented")));
        assertEquals(0, f.hints.pendingTotal(), "no hint books opened for an invented node");

        assertTrue(knowsOnlyAway.write(other,
                new Message.ReplicaWrite(Fixture.TABLE, f.partition, f.key, a, false, "n-away")).join().replica(),
                "a hint for a known node is kept as before");
        assertTrue(knowsOnlyAway.write(other,
                new Message.ReplicaWrite(Fixture.TABLE, f.partition, f.key, a, false, "")).join().replica(),
                "this node's own writes need no hint target");
    }

    @Test
    void aWriteForAPartitionThisNodeReplicatesIsAReplicas() {
        assertTrue(replica.write(other, new Message.ReplicaWrite(Fixture.TABLE, f.partition, f.key,
                set(version("n9", 1, "a")), false, "")).join().replica());
    }

    @Test
    void anUnknownTableIsRefusedTyped() {
        UnknownTableException e = assertThrows(UnknownTableException.class, () -> replica.read(other,
                new Message.ReplicaRead("nope", f.partition, f.key, "")));
        assertEquals("nope", e.table());
    }
}
