package dev.dynamo.core.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynamo.core.table.TableConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a restore refuses, and what it puts back: checked before a single file is copied. */
class TableRestoreTest {
    private static final long GRACE = 86_400_000L;
    private static final long TAKEN = 1_000_000_000L;

    @TempDir
    Path dir;

    private Path dest;
    private Path dataDir;
    private final TableConfig carts = TableConfig.of("carts", 3, 2, 2, "mvstore", "lww");

    @BeforeEach
    void backup() throws IOException {
        dest = dir.resolve("backups");
        dataDir = dir.resolve("node-data");
        Path table = TableBackup.directory(dest, "n1", "carts");
        Files.createDirectories(table.resolve("data/sub"));
        Files.writeString(table.resolve("data/carts.mv.db"), "engine file");
        Files.writeString(table.resolve("data/sub/extra"), "second file");
        new BackupManifest("n1", "carts", "mvstore", 7, List.of(1, 4), TAKEN, BackupManifest.describe(table))
                .write(table);
    }

    private BackupManifest restore(TableConfig table, long now, boolean ignoreGrace) {
        return TableRestore.restore(new TableRestore.Request(dest, "n1", table, dataDir, GRACE, ignoreGrace), now);
    }

    private String refusal(TableConfig table, long now) {
        return assertThrows(BackupException.class, () -> restore(table, now, false)).getMessage();
    }

    @Test
    void aSoundBackupIsPutBackWithItsLayout() throws IOException {
        BackupManifest m = restore(carts, TAKEN + 1000, false);
        assertEquals(List.of(1, 4), m.partitions());
        assertEquals(7, m.ringVersion());
        assertEquals("engine file", Files.readString(dataDir.resolve("carts/carts.mv.db")));
        assertEquals("second file", Files.readString(dataDir.resolve("carts/sub/extra")));
        assertFalse(Files.exists(dataDir.resolve("carts.restoring")), "no staging left behind");

        String again = refusal(carts, TAKEN + 1000);
        assertTrue(again.contains("already has data in " + dataDir.resolve("carts")), again);
    }

    @Test
    void aDamagedBackupIsRefusedAndNothingIsCopied() throws IOException {
        Files.writeString(TableBackup.directory(dest, "n1", "carts").resolve("data/sub/extra"), "tampered!!!");
        String message = refusal(carts, TAKEN + 1000);
        assertTrue(message.contains("has changed since the backup was taken"), message);
        assertFalse(Files.exists(dataDir.resolve("carts")));
    }

    @Test
    void anExtraFileIsRefused() throws IOException {
        Files.writeString(TableBackup.directory(dest, "n1", "carts").resolve("data/stray"), "x");
        assertTrue(refusal(carts, TAKEN + 1000).contains("holds files the manifest does not list"));
    }

    @Test
    void aBackupOlderThanTheTombstoneGraceIsRefusedUnlessAccepted() {
        String message = refusal(carts, TAKEN + GRACE + 1);
        assertTrue(message.contains("older than tombstone.grace-ms") && message.contains("--ignore-tombstone-grace"),
                message);
        assertFalse(Files.exists(dataDir.resolve("carts")));
        restore(carts, TAKEN + GRACE + 1, true);
        assertTrue(Files.exists(dataDir.resolve("carts/carts.mv.db")));
    }

    @Test
    void anotherEngineOrAnotherNodesBackupIsRefused() {
        String engine = refusal(TableConfig.of("carts", 3, 2, 2, "rocksdb", "lww"), TAKEN);
        assertTrue(engine.contains("was written by engine mvstore, but table 'carts' now uses engine rocksdb"), engine);

        String missing = assertThrows(BackupException.class, () -> TableRestore.restore(
                new TableRestore.Request(dest, "n2", carts, dataDir, GRACE, false), TAKEN)).getMessage();
        assertTrue(missing.contains("is not a complete backup"), missing);
    }

    @Test
    void aManifestNamingAPathOutsideTheBackupIsRefused() throws IOException {
        Path table = TableBackup.directory(dest, "n1", "carts");
        Path manifest = table.resolve(BackupManifest.FILE);
        Files.writeString(manifest, Files.readString(manifest).replace("file.0.path=carts.mv.db",
                "file.0.path=../../../etc/passwd"));
        String message = refusal(carts, TAKEN);
        assertTrue(message.contains("leaves the backup directory"), message);
    }
}
