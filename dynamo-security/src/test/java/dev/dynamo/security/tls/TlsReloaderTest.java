package dev.dynamo.security.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.KeyManager;
import javax.net.ssl.TrustManager;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsReloaderTest {
    private final Clock clock = Clock.systemUTC();
    private final CertificateAuthority ca = CertificateAuthority.create("cluster CA", Duration.ofDays(30), clock);

    @TempDir
    Path dir;
    private TlsFiles n1;

    @BeforeEach
    void writeFiles() throws Exception {
        Pem.writeCertificates(dir.resolve("ca.pem"), List.of(ca.certificate()));
        n1 = new TlsFiles(dir.resolve("n1.pem"), dir.resolve("n1-key.pem"), dir.resolve("ca.pem"));
        ca.issueNode("n1", List.of("127.0.0.1"), Duration.ofDays(1)).writeTo(n1.certificate(), n1.privateKey());
    }

    @Test
    void filesThatCannotBeUsedStopTheStart() throws Exception {
        Files.delete(n1.privateKey());
        TlsMaterialException e = assertThrows(TlsMaterialException.class, () -> new TlsReloader(n1, clock));
        assertEquals("tls.key", e.setting());
    }

    @Test
    void aRotationIsNoticedAndAHalfDoneRotationKeepsTheOldCertificate() throws Exception {
        TlsReloader reloader = new TlsReloader(n1, clock);
        String first = reloader.current().id();
        assertEquals(TlsReloader.Outcome.UNCHANGED, reloader.reloadIfChanged());

        IssuedCertificate renewed = ca.issueNode("n1", List.of("127.0.0.1"), Duration.ofDays(2));
        Pem.writeCertificates(n1.certificate(), List.of(renewed.certificate()));
        assertEquals(TlsReloader.Outcome.REJECTED, reloader.reloadIfChanged(), "new certificate, old key: not yet");
        assertEquals(first, reloader.current().id());
        assertEquals(TlsReloader.Outcome.UNCHANGED, reloader.reloadIfChanged(), "one refusal per change");

        Pem.writePrivateKey(n1.privateKey(), renewed.privateKey());
        assertEquals(TlsReloader.Outcome.RELOADED, reloader.reloadIfChanged());
        assertEquals(renewed.certificate(), reloader.current().certificate());
        assertNotEquals(first, reloader.current().id());
    }

    @Test
    void aCertificateForAnotherNodeIsNotTakenOn() throws Exception {
        TlsReloader reloader = new TlsReloader(n1, clock);
        ca.issueNode("n2", List.of(), Duration.ofDays(1)).writeTo(n1.certificate(), n1.privateKey());
        assertEquals(TlsReloader.Outcome.REJECTED, reloader.reloadIfChanged());
        assertEquals(new PeerIdentity("n1", PeerKind.NODE), reloader.identity());
    }

    @Test
    void newConnectionsGetTheRotatedCertificateWithoutARestart() throws Exception {
        TlsReloader reloader = new TlsReloader(n1, clock);
        SSLContext serverContext = SSLContext.getInstance("TLSv1.3");
        serverContext.init(new KeyManager[] {reloader.keyManager()}, new TrustManager[] {reloader.trustManager()}, null);
        TlsMaterial n2 = client("n2");
        try (LoopbackTlsServer server = new LoopbackTlsServer(serverContext)) {
            X509Certificate before = serverCertificate(server, n2);
            assertEquals(reloader.current().certificate(), before);

            IssuedCertificate renewed = ca.issueNode("n1", List.of("127.0.0.1"), Duration.ofDays(2));
            renewed.writeTo(n1.certificate(), n1.privateKey());
            assertEquals(TlsReloader.Outcome.RELOADED, reloader.reloadIfChanged());

            assertEquals(renewed.certificate(), serverCertificate(server, n2), "the same SSLContext now serves the new one");
        }
    }

    @Test
    void pollingOnASchedulerPicksUpARotationUntilClosed() throws Exception {
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        try (TlsReloader reloader = new TlsReloader(n1, clock).start(scheduler, Duration.ofMillis(20))) {
            IssuedCertificate renewed = ca.issueNode("n1", List.of(), Duration.ofDays(3));
            renewed.writeTo(n1.certificate(), n1.privateKey());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!reloader.current().certificate().equals(renewed.certificate()) && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertEquals(renewed.certificate(), reloader.current().certificate());
            assertThrows(IllegalStateException.class, () -> reloader.start(scheduler, Duration.ofMillis(20)));
        } finally {
            scheduler.shutdownNow();
            assertTrue(scheduler.awaitTermination(10, TimeUnit.SECONDS));
        }
    }

    private TlsMaterial client(String node) throws Exception {
        TlsFiles files = new TlsFiles(dir.resolve(node + ".pem"), dir.resolve(node + "-key.pem"), dir.resolve("ca.pem"));
        ca.issueNode(node, List.of(), Duration.ofDays(1)).writeTo(files.certificate(), files.privateKey());
        return TlsMaterial.load(files, clock);
    }

    /** The certificate the server presented to a fresh connection (a new client context: no session resumption). */
    private static X509Certificate serverCertificate(LoopbackTlsServer server, TlsMaterial client) throws Exception {
        Future<String> served = server.acceptOne();
        LoopbackTlsServer.Answer answer = server.exchange(client.sslContext());
        assertEquals("node:n2", answer.line());
        assertEquals("node:n2", served.get(10, TimeUnit.SECONDS));
        return answer.serverCertificate();
    }
}
