package dev.dynamo.server;

import dev.dynamo.server.config.HttpAuthSettings;
import dev.dynamo.server.config.ServerConfig;
import dev.dynamo.server.config.TlsSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a node's configuration leaves open to anyone who can reach its ports, decided from the
 * {@code tls.*}, {@code http.tls} and {@code http.auth.*} settings alone (docs/security.md). The
 * server logs {@link #warning} once at start, so that an operator who forgot the settings reads
 * what that means in the node's first lines instead of finding out from an intruder.
 *
 * <pre>{@code
 * Exposure exposure = Exposure.of(config);
 * exposure.warning("n1", "10.0.0.1:7081", "10.0.0.1:8081").ifPresent(LOG::warn);
 * }</pre>
 *
 * @param binaryPlaintext  the binary port speaks plaintext and checks no certificate
 * @param httpWithoutAuth  the HTTP API asks for no password
 * @param passwordsInClear the HTTP API asks for passwords over plain HTTP ({@code http.auth.allow-plaintext})
 * @param httpPlaintext    the HTTP API speaks plain HTTP
 */
public record Exposure(boolean binaryPlaintext, boolean httpWithoutAuth, boolean passwordsInClear,
                       boolean httpPlaintext) {

    /** The exposure of a node started with {@code config}. */
    public static Exposure of(ServerConfig config) {
        return of(config.tls(), config.httpAuth());
    }

    /** The exposure of a node with these settings. */
    public static Exposure of(TlsSettings tls, HttpAuthSettings httpAuth) {
        boolean httpPlaintext = !tls.http();
        return new Exposure(!tls.enabled(), !httpAuth.enabled(), httpAuth.enabled() && httpPlaintext, httpPlaintext);
    }

    /** Whether nothing is open: mutual TLS on the binary port, HTTPS with passwords on the HTTP API. */
    public boolean closed() {
        return !binaryPlaintext && !httpWithoutAuth && !passwordsInClear;
    }

    /**
     * One line saying what is open and to whom, empty when {@link #closed()}. Names the
     * settings that would close it; never holds a file's content.
     */
    public Optional<String> warning(String nodeId, String binaryAddress, String httpAddress) {
        if (closed()) {
            return Optional.empty();
        }
        List<String> open = new ArrayList<>();
        if (binaryPlaintext) {
            open.add("the binary protocol on " + binaryAddress + " is plaintext and checks no certificate: anyone"
                    + " who reaches it can read and write replicas, pull whole partitions, purge keys and gossip"
                    + " ring changes (set " + TlsSettings.CERT + ", " + TlsSettings.KEY + " and " + TlsSettings.CA
                    + ")");
        }
        if (httpWithoutAuth) {
            open.add("the HTTP API on " + (httpPlaintext ? "http://" : "https://") + httpAddress + " asks for no"
                    + " password: anyone who reaches it can read and write every table and use the admin routes"
                    + " (membership join, leave and remove, repair, backup, metrics) (set " + HttpAuthSettings.FILE + ")");
        }
        if (passwordsInClear) {
            open.add("the HTTP API on http://" + httpAddress + " asks for passwords over plain HTTP ("
                    + HttpAuthSettings.ALLOW_PLAINTEXT + " = true): they travel in clear, readable by anyone on the"
                    + " path (set " + TlsSettings.HTTP + " = true)");
        }
        return Optional.of("node " + nodeId + " is exposed to whoever can reach its ports: " + String.join("; ", open)
                + ". Keep it on a private network, or switch security on (docs/security.md)");
    }
}
