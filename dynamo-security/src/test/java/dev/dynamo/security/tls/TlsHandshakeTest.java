package dev.dynamo.security.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real TLS 1.3 handshakes over loopback between JDK sockets built from {@link TlsMaterial}. */
class TlsHandshakeTest {
    private final Clock clock = Clock.systemUTC();
    private final CertificateAuthority ca = CertificateAuthority.create("cluster CA", Duration.ofDays(30), clock);
    private final CertificateAuthority otherCa = CertificateAuthority.create("other CA", Duration.ofDays(30), clock);

    @TempDir
    Path dir;

    @Test
    void twoNodesOfTheClusterAuthenticateEachOther() throws Exception {
        TlsMaterial n1 = material(ca, "n1", true);
        TlsMaterial n2 = material(ca, "n2", true);
        try (LoopbackTlsServer server = new LoopbackTlsServer(n1.sslContext())) {
            Future<String> seenByServer = server.acceptOne();
            assertEquals("node:n2", server.connect(n2.sslContext()), "what n1 saw of the connecting node");
            assertEquals("node:n2", seenByServer.get(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void aClientOfTheClusterIsAuthenticatedAsAClient() throws Exception {
        TlsMaterial n1 = material(ca, "n1", true);
        TlsMaterial app = material(ca, "app", false);
        try (LoopbackTlsServer server = new LoopbackTlsServer(n1.sslContext())) {
            Future<String> seenByServer = server.acceptOne();
            assertEquals("client:app", server.connect(app.sslContext()));
            assertEquals("client:app", seenByServer.get(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void aClientCertificateFromAnotherCaIsRefusedAndTheServerServesOn() throws Exception {
        TlsMaterial n1 = material(ca, "n1", true);
        SSLContext intruder = SSLContext.getInstance(TlsMaterial.PROTOCOL);
        // it trusts the cluster CA (which is public) and presents its own CA's certificate whatever is asked
        intruder.init(new KeyManager[] {new PresentingKeyManager(otherCa.issueNode("n2", List.of(), Duration.ofDays(1)))},
                new TrustManager[] {n1.trustManager()}, null);
        try (LoopbackTlsServer server = new LoopbackTlsServer(n1.sslContext())) {
            Future<String> refused = server.acceptOne();
            assertThrows(IOException.class, () -> server.connect(intruder));
            ExecutionException e = assertThrows(ExecutionException.class, () -> refused.get(10, TimeUnit.SECONDS));
            assertTrue(e.getCause() instanceof SSLHandshakeException && e.getCause().getMessage().contains("certification path"),
                    "the server's trust manager refused the chain: " + e.getCause());

            Future<String> next = server.acceptOne();
            assertEquals("node:n2", server.connect(material(ca, "n2", true).sslContext()));
            assertEquals("node:n2", next.get(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void aClientCertificateCannotServe() throws Exception {
        // a client's certificate lacks serverAuth: it cannot pose as a node to other nodes
        TlsMaterial app = material(ca, "app", false);
        TlsMaterial n2 = material(ca, "n2", true);
        try (LoopbackTlsServer server = new LoopbackTlsServer(app.sslContext())) {
            Future<String> attempt = server.acceptOne();
            assertThrows(IOException.class, () -> server.connect(n2.sslContext()));
            assertThrows(ExecutionException.class, () -> attempt.get(10, TimeUnit.SECONDS));
        }
    }

    private TlsMaterial material(CertificateAuthority issuer, String name, boolean node) throws Exception {
        IssuedCertificate cert = node ? issuer.issueNode(name, List.of("127.0.0.1"), Duration.ofDays(1))
                : issuer.issueClient(name, Duration.ofDays(1));
        TlsFiles files = new TlsFiles(dir.resolve(name + ".pem"), dir.resolve(name + "-key.pem"), dir.resolve("ca-" + name + ".pem"));
        cert.writeTo(files.certificate(), files.privateKey());
        Pem.writeCertificates(files.ca(), List.of(issuer.certificate()));
        return TlsMaterial.load(files, clock);
    }
}
