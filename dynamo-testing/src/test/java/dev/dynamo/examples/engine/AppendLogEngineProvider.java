package dev.dynamo.examples.engine;

import dev.dynamo.core.spi.EngineContext;
import dev.dynamo.core.spi.StorageEngine;
import dev.dynamo.core.spi.StorageEngineProvider;
import java.util.Map;
import java.util.TreeMap;

/**
 * Provides {@link AppendLogEngine} as {@code example-append-log}. One property:
 * {@code engine.example-append-log.fsync = true} fsyncs every write before it returns
 * (default {@code false}: only {@code sync()} and {@code close()} fsync).
 *
 * <pre>{@code
 * # conf/tables/events.properties
 * engine = example-append-log
 * engine.example-append-log.fsync = true
 * }</pre>
 */
public final class AppendLogEngineProvider implements StorageEngineProvider {

    /** The name tables use in {@code engine = example-append-log}. */
    public static final String NAME = "example-append-log";

    @Override
    public String name() {
        return NAME;
    }

    /**
     * Opens the table's log in {@code context.dataDir()}.
     *
     * @throws IllegalArgumentException for an unknown property or a bad value, naming it
     */
    @Override
    public StorageEngine open(EngineContext context) {
        Map<String, String> properties = new TreeMap<>(context.properties());
        String fsync = properties.remove("fsync");
        if (!properties.isEmpty()) {
            throw new IllegalArgumentException("table '" + context.table() + "': engine '" + NAME
                    + "' has no property engine." + NAME + "." + properties.keySet().iterator().next()
                    + "; allowed: fsync");
        }
        if (fsync != null && !fsync.equals("true") && !fsync.equals("false")) {
            throw new IllegalArgumentException("table '" + context.table() + "': engine." + NAME
                    + ".fsync = '" + fsync + "': must be true or false");
        }
        return AppendLogEngine.open(context.table(), context.dataDir(), Boolean.parseBoolean(fsync));
    }
}
