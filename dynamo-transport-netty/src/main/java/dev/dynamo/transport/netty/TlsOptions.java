package dev.dynamo.transport.netty;

import dev.dynamo.security.tls.TlsFiles;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The TLS settings among a transport's properties: {@code tls.cert}, {@code tls.key} and
 * {@code tls.ca} (all three or none; none: plaintext) and {@code tls.reload-interval-ms}. A
 * node's server hands them over from {@code node.properties}, where they carry the same names,
 * with paths already resolved.
 *
 * <pre>{@code
 * Optional<TlsOptions> tls = TlsOptions.fromProperties(Map.of("tls.cert", "/srv/conf/n1.pem",
 *         "tls.key", "/srv/conf/n1-key.pem", "tls.ca", "/srv/conf/ca.pem"));
 * }</pre>
 *
 * @param files                the certificate, its key and the CA
 * @param reloadIntervalMillis how often the files are checked for a rotation, at least {@link #MIN_RELOAD_INTERVAL_MILLIS}
 */
public record TlsOptions(TlsFiles files, long reloadIntervalMillis) {
    public static final String CERT = TlsFiles.CERT_SETTING;
    public static final String KEY = TlsFiles.KEY_SETTING;
    public static final String CA = TlsFiles.CA_SETTING;
    public static final String RELOAD_INTERVAL = "tls.reload-interval-ms";
    public static final long DEFAULT_RELOAD_INTERVAL_MILLIS = 60_000;
    public static final long MIN_RELOAD_INTERVAL_MILLIS = 1_000;
    /** A day: a longer interval would leave an expired certificate in use long after its renewal. */
    public static final long MAX_RELOAD_INTERVAL_MILLIS = 86_400_000;
    /** The keys, in the order messages name them. */
    public static final List<String> KEYS = List.of(CERT, KEY, CA, RELOAD_INTERVAL);

    public TlsOptions {
        Objects.requireNonNull(files, "files");
        if (reloadIntervalMillis < MIN_RELOAD_INTERVAL_MILLIS || reloadIntervalMillis > MAX_RELOAD_INTERVAL_MILLIS) {
            throw new IllegalArgumentException(RELOAD_INTERVAL + ": " + reloadIntervalMillis + " is out of range;"
                    + " must be between " + MIN_RELOAD_INTERVAL_MILLIS + " and " + MAX_RELOAD_INTERVAL_MILLIS
                    + " (milliseconds)");
        }
    }

    /**
     * The TLS settings of {@code properties}, empty when none of the three files is named.
     *
     * @throws IllegalArgumentException naming the keys when only some of the files are named,
     *                                  a path is invalid or the interval is not a whole number in range
     */
    public static Optional<TlsOptions> fromProperties(Map<String, String> properties) {
        List<String> named = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (String key : List.of(CERT, KEY, CA)) {
            String v = properties.get(key);
            (v == null || v.isBlank() ? missing : named).add(key);
        }
        if (named.isEmpty()) {
            if (properties.containsKey(RELOAD_INTERVAL)) {
                throw new IllegalArgumentException(RELOAD_INTERVAL + " is set but TLS is off: set " + CERT + ", "
                        + KEY + " and " + CA + " too, or remove it");
            }
            return Optional.empty();
        }
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException(String.join(", ", named) + " set but " + String.join(", ", missing)
                    + " missing: TLS needs all three of " + CERT + " (this node's certificate), " + KEY
                    + " (its private key) and " + CA + " (the cluster CA), or none");
        }
        TlsFiles files = new TlsFiles(path(properties, CERT), path(properties, KEY), path(properties, CA));
        String interval = properties.get(RELOAD_INTERVAL);
        long millis = DEFAULT_RELOAD_INTERVAL_MILLIS;
        if (interval != null) {
            try {
                millis = Long.parseLong(interval.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(RELOAD_INTERVAL + ": '" + interval + "' is not a whole number of"
                        + " milliseconds, e.g. " + DEFAULT_RELOAD_INTERVAL_MILLIS, e);
            }
        }
        return Optional.of(new TlsOptions(files, millis));
    }

    private static Path path(Map<String, String> properties, String key) {
        String value = properties.get(key).trim();
        try {
            return Path.of(value);
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException(key + ": '" + value + "' is not a valid path: " + e.getMessage(), e);
        }
    }
}
