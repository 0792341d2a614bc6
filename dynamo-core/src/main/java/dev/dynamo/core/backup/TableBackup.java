package dev.dynamo.core.backup;

import dev.dynamo.core.node.DynamoNode;
import dev.dynamo.core.spi.StorageException;
import dev.dynamo.core.table.Table;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes an online backup of one table of a running node into
 * {@code <dest>/<node>/<table>/}: the engine's own copy under {@code data/}, then the
 * {@link BackupManifest}. The node keeps serving while the copy is made (it may take a while:
 * call it off any event loop).
 *
 * <pre>{@code
 * BackupManifest m = TableBackup.take(node, "carts", Path.of("/backups/2026-12-05"));
 * // /backups/2026-12-05/n1/carts/MANIFEST.properties and .../data/...
 * }</pre>
 */
public final class TableBackup {
    private static final Logger LOG = LoggerFactory.getLogger(TableBackup.class);

    private TableBackup() {
    }

    /** The directory a table's backup of a node goes to under {@code dest}. */
    public static Path directory(Path dest, String node, String table) {
        return dest.resolve(node).resolve(table);
    }

    /**
     * @param dest an absolute directory on this node's machine (created if needed); the table's
     *             directory in it must not exist yet
     * @throws dev.dynamo.api.UnknownTableException when the node has no such table
     * @throws BackupException for a relative {@code dest}, an existing backup there, an engine
     *                         without online backup (memory), or a failed copy; nothing is left
     *                         behind then
     */
    public static BackupManifest take(DynamoNode node, String tableName, Path dest) {
        Table table = node.table(tableName);
        if (!dest.isAbsolute()) {
            throw new BackupException("the backup destination '" + dest + "' must be an absolute path on node "
                    + node.id() + "'s machine");
        }
        Path dir = directory(dest.normalize(), node.id(), tableName);
        long ringVersion = node.cluster().ring().version();
        List<Integer> partitions = IntStream.range(0, node.cluster().ring().q())
                .filter(p -> node.replicates(table, p)).boxed().toList();
        long takenAt = node.context().scheduler().clock().millis();
        try {
            Files.createDirectories(dir.getParent());
            Files.createDirectory(dir);
        } catch (FileAlreadyExistsException e) {
            throw new BackupException(dir + " already exists: back up into a new directory (a backup is never"
                    + " overwritten)", e);
        } catch (IOException e) {
            throw new BackupException("cannot create " + dir + ": " + e.getMessage(), e);
        }
        try {
            Path data = Files.createDirectory(dir.resolve(BackupManifest.DATA));
            table.engine().backup(data);
            BackupManifest manifest = new BackupManifest(node.id(), tableName, table.config().engine(), ringVersion,
                    partitions, takenAt, BackupManifest.describe(dir));
            manifest.write(dir);
            LOG.info("node {}: table '{}' backed up to {}: {} file(s), {} bytes, {} partition(s), ring version {}",
                    node.id(), tableName, dir, manifest.files().size(), manifest.bytes(), partitions.size(),
                    ringVersion);
            return manifest;
        } catch (StorageException e) {
            deleteQuietly(dir);
            throw new BackupException("table '" + tableName + "' (engine " + table.config().engine() + ") on node "
                    + node.id() + ": " + e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            deleteQuietly(dir);
            if (e instanceof BackupException b) {
                throw b;
            }
            throw new BackupException("backing up table '" + tableName + "' on node " + node.id() + " to " + dir
                    + " failed: " + e.getMessage(), e);
        }
    }

    /** Removes a partial copy, so the same destination can be used again; a failure is logged. */
    static void deleteQuietly(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            LOG.warn("could not remove the partial backup {}: {}", dir, e.toString());
        }
    }
}
