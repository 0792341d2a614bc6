package dev.dynamo.core.spi.support;

import dev.dynamo.core.spi.StorageException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Makes sure a directory an engine writes to exists and is writable, before the storage
 * library gets to fail on it with a message that does not name the table.
 *
 * <p>Caller may assume: after {@link #prepare} returns, the directory and its parents exist
 * and the process may write in it; otherwise a {@link StorageException} names the engine,
 * the table and the path, and says what to do.
 *
 * <pre>{@code
 * Path file = TableFileName.in(context.dataDir(), context.table(), ".mv.db");
 * EngineLabel label = new EngineLabel("mvstore", context.table(), file);
 * DataDirectory.prepare(label, context.dataDir());
 * }</pre>
 */
public final class DataDirectory {

    private DataDirectory() {
    }

    /**
     * Creates {@code dir} (and its parents) if needed and checks that it is a writable
     * directory.
     *
     * @return {@code dir}
     * @throws StorageException when it cannot be created, is not a directory or is not
     *         writable; the message starts with {@code label}'s prefix and names {@code dir}
     */
    public static Path prepare(EngineLabel label, Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            throw label.error("cannot create data directory " + dir + " (" + e
                    + "); point the table at a directory this process can create and write", e);
        }
        if (!Files.isDirectory(dir) || !Files.isWritable(dir)) {
            throw label.error("data directory " + dir + " is not a writable directory");
        }
        return dir;
    }
}
