package dev.dynamo.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynamo.security.tls.TlsFiles;
import dev.dynamo.server.config.HttpAuthSettings;
import dev.dynamo.server.config.TlsSettings;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The warning a node logs at start: what its settings leave open, and nothing once TLS and passwords are on. */
class ExposureTest {
    private static final TlsFiles FILES = new TlsFiles(Path.of("/c/n1.pem"), Path.of("/c/n1-key.pem"),
            Path.of("/c/ca.pem"));
    private static final TlsSettings BINARY_TLS = new TlsSettings(FILES, 60_000, false);
    private static final TlsSettings ALL_TLS = new TlsSettings(FILES, 60_000, true);
    private static final HttpAuthSettings AUTH = new HttpAuthSettings(Path.of("/c/users"), 16, 10_000, false);
    private static final HttpAuthSettings AUTH_PLAINTEXT = new HttpAuthSettings(Path.of("/c/users"), 16, 10_000,
            true);

    private static Optional<String> warning(TlsSettings tls, HttpAuthSettings auth) {
        return Exposure.of(tls, auth).warning("n1", "10.0.0.1:7081", "10.0.0.1:8081");
    }

    @Test
    void aNodeWithNothingConfiguredSaysBothPortsAreOpenToAnyone() {
        String w = warning(TlsSettings.off(), HttpAuthSettings.OFF).orElseThrow();
        assertTrue(w.startsWith("node n1 is exposed to whoever can reach its ports: "), w);
        assertTrue(w.contains("the binary protocol on 10.0.0.1:7081 is plaintext and checks no certificate: anyone"
                + " who reaches it can read and write replicas"), w);
        assertTrue(w.contains("gossip ring changes (set tls.cert, tls.key and tls.ca)"), w);
        assertTrue(w.contains("the HTTP API on http://10.0.0.1:8081 asks for no password: anyone who reaches it can"
                + " read and write every table and use the admin routes"), w);
        assertTrue(w.contains("(set http.auth.file)"), w);
        assertFalse(w.contains("in clear"), w);
        assertTrue(w.endsWith("switch security on (docs/security.md)"), w);
    }

    @Test
    void passwordsOverPlainHttpAreNamedAsTravellingInClear() {
        String w = warning(BINARY_TLS, AUTH_PLAINTEXT).orElseThrow();
        assertFalse(w.contains("binary protocol"), "the binary port has TLS: " + w);
        assertFalse(w.contains("asks for no password"), w);
        assertTrue(w.contains("the HTTP API on http://10.0.0.1:8081 asks for passwords over plain HTTP"
                + " (http.auth.allow-plaintext = true): they travel in clear"), w);
        assertTrue(w.contains("(set http.tls = true)"), w);
    }

    @Test
    void httpsWithoutPasswordsIsStillOpenToAnyone() {
        Exposure e = Exposure.of(ALL_TLS, HttpAuthSettings.OFF);
        assertEquals(new Exposure(false, true, false, false), e);
        String w = e.warning("n1", "10.0.0.1:7081", "10.0.0.1:8081").orElseThrow();
        assertTrue(w.contains("the HTTP API on https://10.0.0.1:8081 asks for no password"), w);
        assertFalse(w.contains("binary protocol"), w);
    }

    @Test
    void aPlaintextBinaryPortIsNamedEvenWhenHttpAsksForPasswords() {
        // http.tls needs the TLS files, so a plaintext binary port comes with plain HTTP
        String w = warning(TlsSettings.off(), AUTH_PLAINTEXT).orElseThrow();
        assertTrue(w.contains("the binary protocol on 10.0.0.1:7081 is plaintext"), w);
        assertTrue(w.contains("travel in clear"), w);
        assertFalse(w.contains("asks for no password"), w);
    }

    @Test
    void mutualTlsAndHttpsWithPasswordsWarnOfNothing() {
        assertTrue(Exposure.of(ALL_TLS, AUTH).closed());
        assertEquals(Optional.empty(), warning(ALL_TLS, AUTH));
        assertFalse(Exposure.of(BINARY_TLS, AUTH).closed(), "passwords over plain HTTP are not closed");
    }
}
