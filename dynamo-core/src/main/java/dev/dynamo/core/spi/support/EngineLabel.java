package dev.dynamo.core.spi.support;

import dev.dynamo.core.spi.StorageException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * How an engine names itself in its exceptions: its kind, its table and where its data lives,
 * so that every message an operator reads says which engine of which table failed, and on
 * which path.
 *
 * <p>Caller may assume: every exception it builds starts with
 * {@code <engine> engine for table '<table>'}; {@link #closed()} says "is closed" and names
 * the location when there is one; {@link #failure} keeps its cause.
 *
 * <pre>{@code
 * EngineLabel label = new EngineLabel("rocksdb", "carts", Path.of("/data/carts/carts.rocksdb"));
 * throw label.failure("sync", e);
 * // rocksdb engine for table 'carts': cannot sync /data/carts/carts.rocksdb: <e's message>
 * }</pre>
 *
 * @param engine   the engine's name, as tables write it in {@code engine=...}
 * @param table    the table the engine holds
 * @param location the engine's file or directory; null for an engine that keeps no files
 */
public record EngineLabel(String engine, String table, Path location) {

    public EngineLabel {
        Objects.requireNonNull(engine, "engine");
        Objects.requireNonNull(table, "table");
    }

    /** The label of an engine that keeps no files (its messages name no path). */
    public static EngineLabel withoutFiles(String engine, String table) {
        return new EngineLabel(engine, table, null);
    }

    /** {@code <engine> engine for table '<table>'}: how every message of this engine starts. */
    public String prefix() {
        return engine + " engine for table '" + table + "'";
    }

    /** {@code <prefix>: <detail>}. */
    public StorageException error(String detail) {
        return new StorageException(prefix() + ": " + detail);
    }

    /** {@code <prefix>: <detail>}, keeping {@code cause}. */
    public StorageException error(String detail, Throwable cause) {
        return new StorageException(prefix() + ": " + detail, cause);
    }

    /**
     * {@code <prefix>: cannot <what> <location>: <cause's message>}, keeping {@code cause};
     * {@code what} is a verb phrase that reads well before the path ("get", "write a batch to").
     */
    public StorageException failure(String what, Throwable cause) {
        String where = location == null ? "" : " " + location;
        return error("cannot " + what + where + ": " + cause.getMessage(), cause);
    }

    /** {@code <prefix> is closed (<location>)}: what every call on a closed engine throws. */
    public StorageException closed() {
        return new StorageException(prefix() + " is closed" + (location == null ? "" : " (" + location + ")"));
    }
}
