package dev.dynamo.core.spi;

/**
 * Factory of one kind of {@link StorageEngine}, found with {@link java.util.ServiceLoader}
 * (one line naming the class in {@code META-INF/services/dev.dynamo.core.spi.StorageEngineProvider}).
 *
 * <pre>{@code
 * public final class MyEngineProvider implements StorageEngineProvider {
 *     public String name() { return "my-engine"; }
 *     public StorageEngine open(EngineContext ctx) { return new MyEngine(ctx.dataDir()); }
 * }
 * }</pre>
 */
public interface StorageEngineProvider {

    /** The name tables use in {@code engine=...}: lowercase, stable. */
    String name();

    /**
     * Opens (creating if needed) the engine for one table under {@code context.dataDir()}.
     *
     * @throws StorageException when the data directory is missing, unwritable or corrupt;
     *         the message names the path
     */
    StorageEngine open(EngineContext context);
}
