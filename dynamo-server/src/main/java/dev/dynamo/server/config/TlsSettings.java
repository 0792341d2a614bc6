package dev.dynamo.server.config;

import dev.dynamo.security.tls.TlsFiles;
import dev.dynamo.security.tls.TlsMaterial;
import dev.dynamo.security.tls.TlsMaterialException;
import dev.dynamo.security.tls.UntrustedPeerException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Mutual TLS on the binary port, from {@code node.properties}: {@code tls.cert}, {@code tls.key},
 * {@code tls.ca} (all three or none; relative paths resolve against the configuration
 * directory, where {@code node.properties} is) and {@code tls.reload-interval-ms} (docs/security.md).
 * The server hands them to the transport as its properties of the same names. With
 * {@code http.tls = true} the HTTP API serves HTTPS with the same certificate and key.
 *
 * <pre>{@code
 * TlsSettings tls = config.tls();
 * if (tls.enabled()) {
 *     tls.check(nodeFile, "n1");          // loads the files: fails fast unless they are usable and name n1
 * }
 * Map<String, String> forTransport = tls.transportProperties();
 * }</pre>
 *
 * @param files                the certificate, its key and the CA, absolute; null when TLS is off
 * @param reloadIntervalMillis how often the files are checked for a rotation
 * @param http                 whether the HTTP API serves HTTPS ({@code http.tls}); only with files
 */
public record TlsSettings(TlsFiles files, long reloadIntervalMillis, boolean http) {
    public static final String CERT = TlsFiles.CERT_SETTING;
    public static final String KEY = TlsFiles.KEY_SETTING;
    public static final String CA = TlsFiles.CA_SETTING;
    public static final String RELOAD_INTERVAL = "tls.reload-interval-ms";
    public static final long DEFAULT_RELOAD_INTERVAL_MILLIS = 60_000;
    public static final long MIN_RELOAD_INTERVAL_MILLIS = 1_000;
    public static final long MAX_RELOAD_INTERVAL_MILLIS = 86_400_000;
    public static final String HTTP = "http.tls";
    private static final String NETTY = "netty";
    /** The keys of {@code node.properties}. */
    static final List<String> KEYS = List.of(CERT, KEY, CA, RELOAD_INTERVAL, HTTP);

    public TlsSettings {
        if (http && files == null) {
            throw new IllegalArgumentException(HTTP + " needs the TLS files");
        }
    }

    /** Plaintext: no TLS. */
    public static TlsSettings off() {
        return new TlsSettings(null, DEFAULT_RELOAD_INTERVAL_MILLIS, false);
    }

    public boolean enabled() {
        return files != null;
    }

    /**
     * Parses the {@code tls.*} keys of {@code f}; paths relative to {@code confDir}. Files are not
     * read here (see {@link #check}).
     *
     * @throws ConfigException naming the keys when only some of the three are set, a path is
     *                         invalid or the interval is out of range, when the same settings
     *                         are also given as {@code transport.netty.tls.*}, or when the
     *                         transport is not {@code netty} (the only one that speaks TLS)
     */
    static TlsSettings parse(ConfigFile f, Path confDir, String transport, Map<String, String> transportProperties) {
        for (String key : transportProperties.keySet()) {
            if (key.startsWith("tls.")) {
                throw new ConfigException(f.path(), "key 'transport.netty." + key + "': set " + key
                        + " instead (TLS is configured by the tls.* keys of " + ConfigLoader.NODE_FILE + ")");
            }
        }
        Map<String, String> named = new LinkedHashMap<>();
        List<String> missing = new ArrayList<>();
        for (String key : List.of(CERT, KEY, CA)) {
            Optional<String> v = f.optional(key).filter(s -> !s.isEmpty());
            if (v.isPresent()) {
                named.put(key, v.get());
            } else {
                missing.add(key);
            }
        }
        long interval = f.longInteger(RELOAD_INTERVAL, DEFAULT_RELOAD_INTERVAL_MILLIS, MIN_RELOAD_INTERVAL_MILLIS,
                MAX_RELOAD_INTERVAL_MILLIS, "between " + MIN_RELOAD_INTERVAL_MILLIS + " and "
                        + MAX_RELOAD_INTERVAL_MILLIS + " (milliseconds between checks of the TLS files)");
        boolean http = Boolean.parseBoolean(f.choice(HTTP, "false", List.of("true", "false")));
        if (named.isEmpty()) {
            if (http) {
                throw new ConfigException(f.path(), "key '" + HTTP + "' = 'true': HTTPS serves this node's"
                        + " certificate, so it needs " + CERT + ", " + KEY + " and " + CA + " too");
            }
            if (f.has(RELOAD_INTERVAL)) {
                throw new ConfigException(f.path(), "key '" + RELOAD_INTERVAL + "' is set but TLS is off: set "
                        + CERT + ", " + KEY + " and " + CA + " too, or remove it");
            }
            return off();
        }
        if (!missing.isEmpty()) {
            throw new ConfigException(f.path(), "key '" + missing.get(0) + "' is missing: " + String.join(", ",
                    named.keySet()) + " " + (named.size() == 1 ? "is" : "are") + " set, and TLS needs all three of "
                    + CERT + " (this node's certificate), " + KEY + " (its private key) and " + CA
                    + " (the cluster CA), or none of them");
        }
        if (!NETTY.equals(transport)) {
            throw new ConfigException(f.path(), "key '" + CERT + "' = '" + named.get(CERT) + "': transport '"
                    + transport + "' does not speak TLS; remove the tls.* keys or use transport " + NETTY);
        }
        return new TlsSettings(new TlsFiles(path(f, confDir, CERT, named.get(CERT)),
                path(f, confDir, KEY, named.get(KEY)), path(f, confDir, CA, named.get(CA))), interval, http);
    }

    private static Path path(ConfigFile f, Path confDir, String key, String value) {
        try {
            return confDir.toAbsolutePath().resolve(value).normalize();
        } catch (RuntimeException e) {
            // InvalidPathException on a character the file system refuses
            throw f.invalid(key, value, "is not a valid path: " + e.getMessage());
        }
    }

    /**
     * Loads the files as the transport will and checks that the certificate is this node's
     * ({@code CN=<nodeId>, OU=node}), so that a node with unusable files never starts. Does
     * nothing when TLS is off.
     *
     * @throws ConfigException naming {@code nodeFile}, the setting and the file at fault: a file
     *                         missing or not PEM, a key not of the certificate, an expired or not
     *                         yet valid certificate, one not signed by the CA, or one naming
     *                         another node or a client
     */
    public void check(Path nodeFile, String nodeId) {
        if (!enabled()) {
            return;
        }
        TlsMaterial material;
        try {
            material = TlsMaterial.load(files, Clock.systemUTC());
        } catch (TlsMaterialException e) {
            throw new ConfigException(nodeFile, e.getMessage(), e);
        }
        try {
            material.identity().requireNode(nodeId);
        } catch (UntrustedPeerException e) {
            throw new ConfigException(nodeFile, CERT + " " + files.certificate() + ": the certificate is not this"
                    + " node's (node.id = " + nodeId + "): " + e.getMessage() + "; issue it a certificate CN="
                    + nodeId + ", OU=node", e);
        }
    }

    /** The transport's {@code tls.*} properties: empty when TLS is off. */
    public Map<String, String> transportProperties() {
        if (!enabled()) {
            return Map.of();
        }
        return Map.of(CERT, files.certificate().toString(), KEY, files.privateKey().toString(), CA,
                files.ca().toString(), RELOAD_INTERVAL, String.valueOf(reloadIntervalMillis));
    }
}
