package dev.dynamo.server.config;

import java.nio.file.Path;

/**
 * A configuration file is invalid. The message names the file, the key, the value and
 * what is allowed, so an operator can fix the file without reading code.
 *
 * <pre>{@code
 * try {
 *     ServerConfig config = ServerConfig.load(Path.of("conf"));
 * } catch (ConfigException e) {
 *     // conf/tables/cart.properties: key 'r' = 'abc': must be an integer between 1 and n=3
 *     System.err.println(e.getMessage());
 * }
 * }</pre>
 */
public final class ConfigException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final transient Path file;

    public ConfigException(Path file, String message) {
        super(file + ": " + message);
        this.file = file;
    }

    public ConfigException(Path file, String message, Throwable cause) {
        super(file + ": " + message, cause);
        this.file = file;
    }

    /** The offending file. */
    public Path file() {
        return file;
    }
}
