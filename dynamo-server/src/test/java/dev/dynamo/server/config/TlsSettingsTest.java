package dev.dynamo.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynamo.security.ClusterCredentials;
import dev.dynamo.security.NodeSpec;
import dev.dynamo.security.tls.CertificateAuthority;
import dev.dynamo.security.tls.Pem;
import dev.dynamo.security.tls.TlsFiles;
import dev.dynamo.server.DynamoServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tls.* settings of node.properties: parsed, resolved against conf/, and checked when the node starts. */
class TlsSettingsTest {

    private static final String NODE = "node.id = n1\nbinary.port = 7081\nhttp.port = 8081\n";

    @TempDir
    Path home;

    private Path conf;

    @BeforeEach
    void certificates() throws IOException {
        conf = home.resolve("conf");
        Files.createDirectories(conf.resolve("tables"));
        Files.writeString(conf.resolve("tables/default.properties"), "");
        ClusterCredentials.create(conf.resolve("certs"), List.of(new NodeSpec("n1", List.of("127.0.0.1")),
                new NodeSpec("n2", List.of("127.0.0.1"))), List.of("app"), Duration.ofDays(1));
    }

    private void node(String text) throws IOException {
        Files.writeString(conf.resolve("node.properties"), NODE + text, StandardCharsets.UTF_8);
    }

    private ServerConfig load() {
        return ConfigLoader.load(conf);
    }

    private String loadFails() {
        return assertThrows(ConfigException.class, this::load).getMessage();
    }

    private String checkFails() {
        ServerConfig config = load();
        return assertThrows(ConfigException.class, () -> ConfigLoader.checkTls(config)).getMessage();
    }

    @Test
    void relativePathsResolveAgainstTheConfigurationDirectoryAndReachTheTransport() throws IOException {
        node("tls.cert = certs/n1.pem\ntls.key = certs/n1-key.pem\ntls.ca = certs/ca.pem\n");

        ServerConfig config = load();
        ConfigLoader.checkTls(config);

        Path certs = conf.toAbsolutePath().resolve("certs");
        assertEquals(new TlsFiles(certs.resolve("n1.pem"), certs.resolve("n1-key.pem"), certs.resolve("ca.pem")),
                config.tls().files());
        assertEquals(60_000, config.tls().reloadIntervalMillis());
        assertEquals(Map.of("tls.cert", certs.resolve("n1.pem").toString(), "tls.key",
                certs.resolve("n1-key.pem").toString(), "tls.ca", certs.resolve("ca.pem").toString(),
                "tls.reload-interval-ms", "60000"), config.tls().transportProperties());
    }

    @Test
    void withoutTlsKeysTheNodeSpeaksPlaintext() throws IOException {
        node("");
        ServerConfig config = load();
        assertFalse(config.tls().enabled());
        assertEquals(Map.of(), config.tls().transportProperties());
        ConfigLoader.checkTls(config);
    }

    @Test
    void oneOfTheThreeMissingFailsNamingIt() throws IOException {
        node("tls.cert = certs/n1.pem\ntls.ca = certs/ca.pem\n");
        String message = loadFails();
        assertTrue(message.startsWith(conf.resolve("node.properties").toString()), message);
        assertTrue(message.contains("key 'tls.key' is missing") && message.contains("tls.cert, tls.ca are set"),
                message);
    }

    @Test
    void aCertificateOfAnotherNodeFailsNamingTheSettingAndFile() throws IOException {
        node("tls.cert = certs/n2.pem\ntls.key = certs/n2-key.pem\ntls.ca = certs/ca.pem\n");
        String message = checkFails();
        assertTrue(message.contains("tls.cert " + conf.toAbsolutePath().resolve("certs/n2.pem")), message);
        assertTrue(message.contains("node.id = n1") && message.contains("'n2'"), message);
    }

    @Test
    void aClientCertificateIsNoNodeCertificate() throws IOException {
        node("tls.cert = certs/app.pem\ntls.key = certs/app-key.pem\ntls.ca = certs/ca.pem\n");
        String message = checkFails();
        assertTrue(message.contains("tls.cert") && message.contains("client certificate"), message);
    }

    @Test
    void anExpiredCertificateFailsAndTheNodeDoesNotStart() throws IOException {
        // a CA still valid, and a certificate for n1 it issued three days ago for one day
        Instant threeDaysAgo = Instant.now().minus(Duration.ofDays(3));
        CertificateAuthority ca = CertificateAuthority.create("old CA", Duration.ofDays(30),
                Clock.fixed(threeDaysAgo, ZoneOffset.UTC));
        Path dir = Files.createDirectories(conf.resolve("expired"));
        Pem.writeCertificates(dir.resolve("ca.pem"), List.of(ca.certificate()));
        ca.issueNode("n1", List.of("127.0.0.1"), Duration.ofDays(1)).writeTo(dir.resolve("n1.pem"),
                dir.resolve("n1-key.pem"));
        node("tls.cert = expired/n1.pem\ntls.key = expired/n1-key.pem\ntls.ca = expired/ca.pem\n");

        String message = checkFails();
        assertTrue(message.contains("tls.cert " + conf.toAbsolutePath().resolve("expired/n1.pem")), message);
        assertTrue(message.contains("expired"), message);
        ConfigException atStart = assertThrows(ConfigException.class, () -> DynamoServer.start(conf));
        assertEquals(message, atStart.getMessage());
    }

    @Test
    void aMissingFileFailsNamingTheSettingAndFile() throws IOException {
        node("tls.cert = certs/n1.pem\ntls.key = certs/nope-key.pem\ntls.ca = certs/ca.pem\n");
        String message = checkFails();
        assertTrue(message.contains("tls.key " + conf.toAbsolutePath().resolve("certs/nope-key.pem")), message);
    }

    @Test
    void theReloadIntervalIsRangeCheckedAndNeedsTheFiles() throws IOException {
        node("tls.cert = certs/n1.pem\ntls.key = certs/n1-key.pem\ntls.ca = certs/ca.pem\n"
                + "tls.reload-interval-ms = 500\n");
        String tooShort = loadFails();
        assertTrue(tooShort.contains("key 'tls.reload-interval-ms' = '500'") && tooShort.contains("between 1000"),
                tooShort);

        node("tls.cert = certs/n1.pem\ntls.key = certs/n1-key.pem\ntls.ca = certs/ca.pem\n"
                + "tls.reload-interval-ms = 5000\n");
        assertEquals(5_000, load().tls().reloadIntervalMillis());

        node("tls.reload-interval-ms = 5000\n");
        assertTrue(loadFails().contains("TLS is off"));
    }

    @Test
    void httpsServesTheNodesCertificateSoItNeedsTheTlsFiles() throws IOException {
        node("http.tls = true\n");
        String message = loadFails();
        assertTrue(message.contains("key 'http.tls' = 'true'") && message.contains("needs tls.cert, tls.key and tls.ca"),
                message);

        node("tls.cert = certs/n1.pem\ntls.key = certs/n1-key.pem\ntls.ca = certs/ca.pem\nhttp.tls = yes\n");
        assertTrue(loadFails().contains("key 'http.tls' = 'yes'"));

        node("tls.cert = certs/n1.pem\ntls.key = certs/n1-key.pem\ntls.ca = certs/ca.pem\nhttp.tls = true\n");
        assertTrue(load().tls().http());
        node("tls.cert = certs/n1.pem\ntls.key = certs/n1-key.pem\ntls.ca = certs/ca.pem\n");
        assertFalse(load().tls().http(), "HTTPS is chosen separately from the binary port's TLS");
    }

    @Test
    void tlsIsNotSetUnderTheTransportPrefix() throws IOException {
        node("transport.netty.tls.cert = certs/n1.pem\n");
        String message = loadFails();
        assertTrue(message.contains("set tls.cert instead"), message);
    }
}
