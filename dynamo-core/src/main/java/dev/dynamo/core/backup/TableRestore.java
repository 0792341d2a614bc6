package dev.dynamo.core.backup;

import dev.dynamo.core.table.TableConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.stream.Stream;

/**
 * Puts a table's backup back into a <em>stopped</em> node's data directory, after checking
 * that it is this node's and this table's, complete and undamaged, written by the engine the
 * table uses now, and young enough that no tombstone it predates can have been purged
 * elsewhere. Anti-entropy then brings the restored replica up to date with its peers.
 *
 * <pre>{@code
 * BackupManifest m = TableRestore.restore(new TableRestore.Request(Path.of("/backups/b1"), "n1",
 *         tableConfig, Path.of("/var/lib/dynamo/n1"), tombstoneGraceMillis, false), Clock.system().millis());
 * }</pre>
 */
public final class TableRestore {

    /**
     * @param backupDest          the {@code --dest} the backup was taken into (holding {@code <node>/<table>/})
     * @param node                the node being restored
     * @param table               the table as configured now
     * @param dataDir             the node's {@code data.dir}
     * @param tombstoneGraceMillis the node's {@code tombstone.grace-ms}
     * @param ignoreTombstoneGrace restore a backup older than the grace period anyway
     */
    public record Request(Path backupDest, String node, TableConfig table, Path dataDir, long tombstoneGraceMillis,
                          boolean ignoreTombstoneGrace) {
    }

    private TableRestore() {
    }

    /**
     * @throws BackupException naming the directory or file and what to do: no backup of this
     *                         node and table there, a damaged one, another engine, one older
     *                         than {@code tombstone.grace-ms}, or table data already in place
     */
    public static BackupManifest restore(Request request, long nowMillis) {
        String tableName = request.table().name();
        Path dir = TableBackup.directory(request.backupDest(), request.node(), tableName);
        BackupManifest manifest = BackupManifest.read(dir);
        if (!manifest.node().equals(request.node()) || !manifest.table().equals(tableName)) {
            throw new BackupException(dir + " holds table '" + manifest.table() + "' of node " + manifest.node()
                    + ", not table '" + tableName + "' of node " + request.node());
        }
        if (!manifest.engine().equals(request.table().engine())) {
            throw new BackupException(dir + " was written by engine " + manifest.engine() + ", but table '"
                    + tableName + "' now uses engine " + request.table().engine()
                    + ": restore with the engine of the backup configured");
        }
        long age = nowMillis - manifest.takenAtMillis();
        if (age > request.tombstoneGraceMillis() && !request.ignoreTombstoneGrace()) {
            throw new BackupException(dir + " is " + Duration.ofMillis(age) + " old, older than tombstone.grace-ms ("
                    + Duration.ofMillis(request.tombstoneGraceMillis()) + "): the other replicas may have purged"
                    + " the tombstones of keys deleted since, and the restored replica would bring those keys back."
                    + " Restore a newer backup, or accept that risk with --ignore-tombstone-grace");
        }
        manifest.verify(dir);

        Path target = request.dataDir().resolve(tableName);
        if (holdsFiles(target)) {
            throw new BackupException("table '" + tableName + "' already has data in " + target
                    + ": stop the node and move that directory aside before restoring");
        }
        Path staging = request.dataDir().resolve(tableName + ".restoring");
        try {
            if (Files.exists(staging)) {
                TableBackup.deleteQuietly(staging);
            }
            Files.createDirectories(staging);
            Path data = dir.resolve(BackupManifest.DATA);
            for (BackupManifest.BackupFile f : manifest.files()) {
                Path to = staging.resolve(f.path());
                Files.createDirectories(to.getParent());
                Files.copy(data.resolve(f.path()), to);
            }
            Files.deleteIfExists(target);
            Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            TableBackup.deleteQuietly(staging);
            throw new BackupException("restoring table '" + tableName + "' from " + dir + " into " + target
                    + " failed: " + e.getMessage(), e);
        }
        return manifest;
    }

    private static boolean holdsFiles(Path dir) {
        if (!Files.exists(dir)) {
            return false;
        }
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.findAny().isPresent();
        } catch (IOException e) {
            throw new BackupException("cannot read " + dir + ": " + e.getMessage(), e);
        }
    }
}
