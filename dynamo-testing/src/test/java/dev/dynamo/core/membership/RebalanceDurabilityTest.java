package dev.dynamo.core.membership;

import static dev.dynamo.testing.Utf8.bytes;
import static dev.dynamo.testing.Utf8.string;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynamo.api.Context;
import dev.dynamo.core.spi.PluginRegistry;
import dev.dynamo.core.table.TableConfig;
import dev.dynamo.testing.KeepAllTestReconcilerProvider;
import dev.dynamo.testing.TestCluster;
import dev.dynamo.testing.UnsyncedTrackingEngineProvider;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node that receives partitions in a ring change says it is ready for them (which lets
 * the new ring, where it owns them, go live) only once what it pulled is on disk: a crash
 * right after must not take back data the old replicas may delete.
 */
class RebalanceDurabilityTest {
    private static final String T = "t";

    @TempDir
    Path dir;

    @Test
    void aJoiningNodeSyncsWhatItPulledBeforeItOwnsIt() {
        TableConfig table = TableConfig.of(T, 3, 2, 2, UnsyncedTrackingEngineProvider.NAME,
                KeepAllTestReconcilerProvider.NAME);
        try (TestCluster c = TestCluster.builder().nodes(3).partitions(24).seed(11).dataDir(dir)
                .membership(MembershipConfig.DEFAULTS.withCleanupDelay(1_000))
                .plugins(id -> PluginRegistry.installed().withEngine(new UnsyncedTrackingEngineProvider()))
                .table(table).build()) {
            for (int i = 0; i < 200; i++) {
                c.client("n1").put(T, bytes("k" + i), Context.EMPTY, bytes("v" + i));
            }
            Membership n4 = c.addNode("n4", "n1");
            // no client writes during the join: everything n4 holds came by its pulls
            c.await(n4.join(), 300_000, "n4 to join");

            UnsyncedTrackingEngineProvider.Engine engine =
                    (UnsyncedTrackingEngineProvider.Engine) c.node("n4").table(T).engine();
            assertTrue(StoredKeys.count(c.node("n4"), T) > 20, "n4 received a share of the keys");
            assertEquals(0, engine.unsyncedKeys(), "n4 owns partitions whose pulled keys are not on disk");
            assertEquals("v7", string(c.client("n4").get(T, bytes("k7")).value()));
        }
    }
}
