package dev.dynamo.core.spi;

import dev.dynamo.core.time.Clock;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * What an engine is opened with.
 *
 * @param table      the table's name (for messages and file names)
 * @param dataDir    a directory the engine owns; for persistent engines it must exist and be writable
 * @param properties the table's {@code engine.<name>.*} keys with that prefix removed
 * @param clock      time source; engines must not read the system clock directly
 * @param extensions what the host gives engines beyond this (none in production; the
 *                   simulation's model of a node's disk, for instance)
 */
public record EngineContext(String table, Path dataDir, Map<String, String> properties, Clock clock,
                            Extensions extensions) {
    public EngineContext {
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(dataDir, "dataDir");
        properties = Map.copyOf(Objects.requireNonNull(properties, "properties"));
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(extensions, "extensions");
    }

    /** A context with no extensions. */
    public EngineContext(String table, Path dataDir, Map<String, String> properties, Clock clock) {
        this(table, dataDir, properties, clock, Extensions.NONE);
    }
}
