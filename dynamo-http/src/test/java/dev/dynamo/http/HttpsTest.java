package dev.dynamo.http;

import static dev.dynamo.http.HttpApiServerTest.body;
import static dev.dynamo.http.HttpApiServerTest.json;
import static dev.dynamo.http.HttpAuthTest.basic;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynamo.core.table.TableConfig;
import dev.dynamo.security.auth.Credentials;
import dev.dynamo.security.auth.CredentialsWriter;
import dev.dynamo.security.auth.PasswordHasher;
import dev.dynamo.security.auth.Role;
import dev.dynamo.security.tls.CertificateAuthority;
import dev.dynamo.security.tls.IssuedCertificate;
import dev.dynamo.security.tls.TlsFiles;
import dev.dynamo.security.tls.TlsReloader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTP API over HTTPS, with a certificate of a test CA: a client that trusts the CA gets
 * through (and checks the address against the certificate), one that does not is refused, a
 * plain HTTP request gets a plain answer telling it to use https, and a rotated certificate
 * serves new connections.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HttpsTest {
    private final Clock clock = Clock.systemUTC();
    private final CertificateAuthority ca = CertificateAuthority.create("test CA", Duration.ofDays(30), clock);

    @TempDir
    Path dir;

    private TlsFiles n1;
    private Credentials users;

    @BeforeEach
    void material() throws Exception {
        n1 = new TlsFiles(dir.resolve("n1.pem"), dir.resolve("n1-key.pem"), dir.resolve("ca.pem"));
        ca.credentials().writeTo(n1.ca(), dir.resolve("ca-key.pem"));
        ca.issueNode("n1", List.of("127.0.0.1"), Duration.ofDays(1)).writeTo(n1.certificate(), n1.privateKey());
        Path file = dir.resolve("users");
        CredentialsWriter.putUser(file, "app", Set.of(Role.write("*")), "app-pw".toCharArray(),
                PasswordHasher.MIN_ITERATIONS);
        users = Credentials.load(file);
    }

    private static SSLContext trusting(X509Certificate... cas) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        for (int i = 0; i < cas.length; i++) {
            store.setCertificateEntry("ca" + i, cas[i]);
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }

    private HttpTestServer start(TlsReloader tls, SSLContext client) {
        return HttpTestServer.start(1, dir.resolve("data"), HttpSecurity.NONE.withTls(tls.keyManager())
                .withCredentials(users), client, TableConfig.of("orders", 1, 1, 1, "memory", "lww"));
    }

    @Test
    void aClientTrustingTheCaTalksHttpsWithPasswords() throws Exception {
        TlsReloader tls = new TlsReloader(n1, clock);
        try (HttpTestServer c = start(tls, trusting(ca.certificate()))) {
            assertTrue(c.uri("/").toString().startsWith("https://127.0.0.1:"));
            HttpResponse<byte[]> health = c.get("/health");
            assertEquals(200, health.statusCode(), () -> body(health));
            assertEquals("TLSv1.3", health.sslSession().orElseThrow().getProtocol());
            assertEquals(tls.current().certificate(), health.sslSession().orElseThrow().getPeerCertificates()[0]);

            assertEquals(401, c.get("/tables/orders/keys/k").statusCode());
            assertEquals(204, c.put("/tables/orders/keys/k", "over tls", basic("app", "app-pw")).statusCode());
            HttpResponse<byte[]> read = c.get("/tables/orders/keys/k", basic("app", "app-pw"));
            assertEquals("over tls", body(read));
        }
    }

    @Test
    void aClientThatDoesNotTrustTheCaIsRefused() throws Exception {
        CertificateAuthority other = CertificateAuthority.create("other CA", Duration.ofDays(30), clock);
        try (HttpTestServer c = start(new TlsReloader(n1, clock), trusting(other.certificate()))) {
            UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> c.get("/health"));
            assertTrue(e.getCause() instanceof javax.net.ssl.SSLHandshakeException, e.toString());
        }
    }

    @Test
    void plainHttpToTheHttpsPortGetsAPlainRefusalAndNoData() throws Exception {
        try (HttpTestServer c = start(new TlsReloader(n1, clock), trusting(ca.certificate()))) {
            String answer = c.raw("GET /health HTTP/1.1\r\nHost: x\r\n\r\n", 10_000);
            assertTrue(answer.startsWith("HTTP/1.1 400 Bad Request\r\n"), answer);
            assertTrue(answer.contains("Connection: close"), answer);
            assertTrue(answer.contains("use an https:// URL"), answer);
            assertFalse(answer.contains("\"status\":\"up\""), "the request was not served: " + answer);

            // the port still serves HTTPS afterwards
            assertEquals(200, c.get("/health").statusCode());
        }
    }

    @Test
    void aRotatedCertificateServesNewConnectionsWithoutARestart() throws Exception {
        TlsReloader tls = new TlsReloader(n1, clock);
        try (HttpTestServer c = start(tls, trusting(ca.certificate()))) {
            X509Certificate before = peerCertificate(c);
            assertEquals(tls.current().certificate(), before);

            IssuedCertificate renewed = ca.issueNode("n1", List.of("127.0.0.1"), Duration.ofDays(2));
            renewed.writeTo(n1.certificate(), n1.privateKey());
            assertEquals(TlsReloader.Outcome.RELOADED, tls.reloadIfChanged());

            assertEquals(renewed.certificate(), peerCertificate(c), "a new connection sees the new certificate");
            assertEquals("up", json(c.get("/health")).path("status").asText());
        }
    }

    @Test
    void anAnswerThatClosesTheConnectionArrivesWholeOverTls() throws Exception {
        try (HttpTestServer c = start(new TlsReloader(n1, clock), trusting(ca.certificate()));
             SSLSocket socket = (SSLSocket) trusting(ca.certificate()).getSocketFactory().createSocket("127.0.0.1",
                     c.server().port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write("GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            // the whole answer, then the end of stream (the server sends close_notify first): no reset
            String answer = new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertTrue(answer.startsWith("HTTP/1.1 200 OK\r\n"), answer);
            assertTrue(answer.toLowerCase(java.util.Locale.ROOT).contains("connection: close"), answer);
            assertTrue(answer.endsWith("\"status\":\"up\",\"node\":\"n1\"}\n"), answer);
        }
    }

    /** The server's certificate as a fresh TLS connection (no session to resume) sees it. */
    private X509Certificate peerCertificate(HttpTestServer c) throws Exception {
        SSLContext fresh = trusting(ca.certificate());
        try (SSLSocket socket = (SSLSocket) fresh.getSocketFactory().createSocket("127.0.0.1", c.server().port())) {
            socket.setSoTimeout(10_000);
            socket.startHandshake();
            return (X509Certificate) socket.getSession().getPeerCertificates()[0];
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
