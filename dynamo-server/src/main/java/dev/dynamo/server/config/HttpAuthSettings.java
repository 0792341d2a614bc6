package dev.dynamo.server.config;

import java.nio.file.Path;

/**
 * HTTP Basic authentication of the HTTP API: the {@code http.auth.*} keys of
 * {@code node.properties} (docs/security.md, "HTTP users and roles"). Without
 * {@code http.auth.file} the API asks for no password.
 *
 * <pre>
 * http.auth.file = conf/users              # relative to the node's home, like data.dir
 * http.auth.cache-size = 1024              # successful checks remembered (0: none)
 * http.auth.reload-interval-ms = 10000     # re-read the file when it changes (0: never)
 * http.auth.allow-plaintext = false        # true: allow passwords over plain HTTP (loopback only)
 * </pre>
 *
 * <pre>{@code
 * HttpAuthSettings auth = config.httpAuth();
 * if (auth.enabled()) {
 *     Credentials users = Credentials.load(auth.file(), auth.cacheSize());
 * }
 * }</pre>
 *
 * @param file                 the credentials file, resolved; null when the API is open to anyone
 * @param cacheSize            successful password checks to remember ({@code http.auth.cache-size})
 * @param reloadIntervalMillis how often the file is checked for changes; 0 never
 *                             ({@code http.auth.reload-interval-ms})
 * @param allowPlaintext       whether authentication may run over plain HTTP
 *                             ({@code http.auth.allow-plaintext})
 */
public record HttpAuthSettings(Path file, int cacheSize, long reloadIntervalMillis, boolean allowPlaintext) {
    public static final String FILE = "http.auth.file";
    public static final String CACHE_SIZE = "http.auth.cache-size";
    public static final String RELOAD_INTERVAL = "http.auth.reload-interval-ms";
    public static final String ALLOW_PLAINTEXT = "http.auth.allow-plaintext";

    public static final int DEFAULT_CACHE_SIZE = 1024;
    public static final int MAX_CACHE_SIZE = 1_000_000;
    public static final long DEFAULT_RELOAD_INTERVAL_MILLIS = 10_000;
    public static final long MAX_RELOAD_INTERVAL_MILLIS = 24L * 3600 * 1000;

    /** No authentication. */
    public static final HttpAuthSettings OFF = new HttpAuthSettings(null, DEFAULT_CACHE_SIZE,
            DEFAULT_RELOAD_INTERVAL_MILLIS, false);

    public HttpAuthSettings {
        if (cacheSize < 0 || cacheSize > MAX_CACHE_SIZE) {
            throw new IllegalArgumentException(CACHE_SIZE + " must be between 0 and " + MAX_CACHE_SIZE + ", was "
                    + cacheSize);
        }
        if (reloadIntervalMillis < 0 || reloadIntervalMillis > MAX_RELOAD_INTERVAL_MILLIS) {
            throw new IllegalArgumentException(RELOAD_INTERVAL + " must be between 0 and "
                    + MAX_RELOAD_INTERVAL_MILLIS + ", was " + reloadIntervalMillis);
        }
    }

    /** Whether the HTTP API asks for passwords. */
    public boolean enabled() {
        return file != null;
    }
}
