package dev.dynamo.core.coordination;

import static dev.dynamo.core.coordination.Fixture.config;
import static dev.dynamo.core.coordination.Fixture.set;
import static dev.dynamo.core.coordination.Fixture.version;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynamo.core.table.TableConfig;
import dev.dynamo.core.version.SiblingSet;
import org.junit.jupiter.api.Test;

/** This node as a replica, for its own coordinators and for remote ones alike: table or hint store. */
class LocalReplicaTest {
    private final SiblingSet a = set(version("n9", 1, "a"));

    @Test
    void storesAndReadsItsOwnVersionsInTheTable() {
        Fixture f = Fixture.inside(config(3, 2, 2));

        assertTrue(f.local.store(f.table, f.partition, f.key, a, ""));
        assertFalse(f.local.store(f.table, f.partition, f.key, a, ""));

        assertEquals(a, f.local.read(f.table, f.partition, f.key, ""));
        assertEquals(a, f.local.read(f.table, f.partition, f.key, f.self), "hintFor itself is its own table");
        assertTrue(f.local.read(f.table, f.partition, f.key, "n-away").isEmpty());
    }

    @Test
    void storesAndReadsVersionsKeptForAnotherNodeInTheHintStore() {
        Fixture f = Fixture.inside(config(3, 2, 2));

        assertTrue(f.local.store(f.table, f.partition, f.key, a, "n-away"));

        assertEquals(a, f.hints.read("n-away", Fixture.TABLE, f.partition, f.key));
        assertEquals(a, f.local.read(f.table, f.partition, f.key, "n-away"));
        assertTrue(f.stored().isEmpty());
    }

    @Test
    void syncOnABufferedTableSyncsItsEngine() {
        Fixture f = Fixture.inside(config(3, 2, 2).withDurability(TableConfig.Durability.BUFFERED));
        f.local.store(f.table, f.partition, f.key, a, "");
        assertEquals(0, f.engine.syncs());

        f.local.sync(f.table, "");

        assertEquals(1, f.engine.syncs());
        assertEquals(0, f.hintEngine.syncs());
    }

    @Test
    void syncOnASyncTableAddsNoSecondSyncToTheOneItsStoreMade() {
        Fixture f = Fixture.inside(config(3, 2, 2).withDurability(TableConfig.Durability.SYNC));
        f.local.store(f.table, f.partition, f.key, a, "");
        assertEquals(1, f.engine.syncs(), "the sync table's store synced the write");

        f.local.sync(f.table, "");

        assertEquals(1, f.engine.syncs());
    }

    @Test
    void syncOfAHintSyncsTheHintStore() {
        Fixture f = Fixture.inside(config(3, 2, 2).withDurability(TableConfig.Durability.SYNC));
        f.local.store(f.table, f.partition, f.key, a, "n-away");

        f.local.sync(f.table, "n-away");

        assertEquals(1, f.hintEngine.syncs());
        assertEquals(0, f.engine.syncs());
    }
}
