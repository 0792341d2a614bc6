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
        TlsMaterial intruder = materialTrustingClusterButSignedBy(otherCa, "n2");
        try (LoopbackTlsServer server = new LoopbackTlsServer(n1.sslContext())) {
            Future<String> refused = server.acceptOne();
            assertThrows(IOException.class, () -> server.connect(intruder.sslContext()));
            ExecutionException e = assertThrows(ExecutionException.class, () -> refused.get(10, TimeUnit.SECONDS));
            assertTrue(e.getCause() instanceof IOException, "the server's handshake failed: " + e.getCause());

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

    /** An attacker who knows the cluster CA (it is public) but holds a certificate signed by its own CA. */
    private TlsMaterial materialTrustingClusterButSignedBy(CertificateAuthority issuer, String name) throws Exception {
        // TlsMaterial refuses to load a certificate its CA file did not sign, so trust both CAs here
        IssuedCertificate cert = issuer.issueNode(name, List.of("127.0.0.1"), Duration.ofDays(1));
        TlsFiles files = new TlsFiles(dir.resolve("x-" + name + ".pem"), dir.resolve("x-" + name + "-key.pem"),
                dir.resolve("x-ca.pem"));
        cert.writeTo(files.certificate(), files.privateKey());
        Pem.writeCertificates(files.ca(), List.of(ca.certificate(), issuer.certificate()));
        return TlsMaterial.load(files, clock);
    }
}
