package dev.dynamo.security.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsMaterialTest {
    private final Clock clock = Clock.systemUTC();
    private final CertificateAuthority ca = CertificateAuthority.create("test CA", Duration.ofDays(30), clock);
    private final CertificateAuthority otherCa = CertificateAuthority.create("other CA", Duration.ofDays(30), clock);

    @TempDir
    Path dir;
    private TlsFiles files;

    @BeforeEach
    void writeNode() throws Exception {
        Pem.writeCertificates(dir.resolve("ca.pem"), List.of(ca.certificate()));
        ca.issueNode("n1", List.of("127.0.0.1"), Duration.ofDays(10)).writeTo(dir.resolve("n1.pem"), dir.resolve("n1-key.pem"));
        files = new TlsFiles(dir.resolve("n1.pem"), dir.resolve("n1-key.pem"), dir.resolve("ca.pem"));
    }

    @Test
    void theTrustManagerAcceptsTheClustersCertificatesAndRejectsAnotherCas() throws Exception {
        TlsMaterial tls = TlsMaterial.load(files, clock);
        assertEquals(new PeerIdentity("n1", PeerKind.NODE), tls.identity());
        assertEquals(List.of(ca.certificate()), tls.trustedCas());
        X509TrustManager trust = tls.trustManager();
        assertEquals(List.of(ca.certificate()), List.of(trust.getAcceptedIssuers()), "the cluster CA is the only anchor");

        X509Certificate peer = ca.issueNode("n2", List.of(), Duration.ofDays(1)).certificate();
        X509Certificate client = ca.issueClient("app", Duration.ofDays(1)).certificate();
        trust.checkClientTrusted(new X509Certificate[] {peer}, "EC");
        trust.checkServerTrusted(new X509Certificate[] {peer}, "ECDHE_ECDSA");
        trust.checkClientTrusted(new X509Certificate[] {client}, "EC");

        X509Certificate foreign = otherCa.issueNode("n2", List.of(), Duration.ofDays(1)).certificate();
        assertThrows(CertificateException.class, () -> trust.checkClientTrusted(new X509Certificate[] {foreign}, "EC"));
        assertThrows(CertificateException.class, () -> trust.checkServerTrusted(new X509Certificate[] {foreign}, "ECDHE_ECDSA"));
    }

    @Test
    void theMaterialIdChangesWithTheCertificate() throws Exception {
        String before = TlsMaterial.load(files, clock).id();
        assertEquals(before, TlsMaterial.load(files, clock).id());
        ca.issueNode("n1", List.of(), Duration.ofDays(10)).writeTo(files.certificate(), files.privateKey());
        assertTrue(!before.equals(TlsMaterial.load(files, clock).id()));
    }

    @Test
    void aCaFileMayHoldTheOldAndTheNewCa() throws Exception {
        Pem.writeCertificates(files.ca(), List.of(otherCa.certificate(), ca.certificate()));
        TlsMaterial tls = TlsMaterial.load(files, clock);
        tls.trustManager().checkClientTrusted(
                new X509Certificate[] {otherCa.issueNode("n2", List.of(), Duration.ofDays(1)).certificate()}, "EC");
    }

    @Test
    void aMissingFileIsNamedWithItsSetting() throws Exception {
        Files.delete(files.privateKey());
        assertProblem("tls.key " + files.privateKey() + ": file does not exist");
    }

    @Test
    void aFileThatIsNotPemIsNamed() throws Exception {
        Files.writeString(files.certificate(), "hello\n");
        assertProblem("tls.cert " + files.certificate() + ": not a PEM certificate file (no -----BEGIN CERTIFICATE----- block)");
        Files.write(files.certificate(), ca.certificate().getEncoded());
        assertProblem("tls.cert " + files.certificate()
                + ": not PEM text (binary content; convert DER with openssl x509 -inform der)");
        Files.writeString(files.ca(), "-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n");
        TlsMaterialException e = assertThrows(TlsMaterialException.class, () -> TlsMaterial.load(files, clock));
        assertEquals("tls.ca", e.setting());
        assertTrue(e.getMessage().startsWith("tls.ca " + files.ca() + ": not valid PEM"), e.getMessage());
    }

    @Test
    void aKeyFileHoldingACertificateIsNamed() throws Exception {
        Files.copy(files.certificate(), files.privateKey(), StandardCopyOption.REPLACE_EXISTING);
        assertProblem("tls.key " + files.privateKey() + ": expected a PRIVATE KEY block, found a CERTIFICATE block");
    }

    @Test
    void aKeyOfAnotherCertificateIsRefused() throws Exception {
        Pem.writePrivateKey(files.privateKey(), ca.issueNode("n1", List.of(), Duration.ofDays(1)).privateKey());
        assertProblem("tls.key " + files.privateKey() + ": the private key does not belong to the certificate in "
                + files.certificate());
    }

    @Test
    void anExpiredOrNotYetValidCertificateIsRefused() throws Exception {
        X509Certificate cert = Pem.readCertificates(files.certificate()).get(0);
        Clock later = Clock.fixed(Instant.now().plus(Duration.ofDays(11)), ZoneOffset.UTC);
        TlsMaterialException expired = assertThrows(TlsMaterialException.class, () -> TlsMaterial.load(files, later));
        assertEquals("tls.cert " + files.certificate() + ": the certificate expired on " + cert.getNotAfter().toInstant(),
                expired.getMessage());

        Clock earlier = Clock.fixed(Instant.now().minus(Duration.ofDays(1)), ZoneOffset.UTC);
        TlsMaterialException early = assertThrows(TlsMaterialException.class, () -> TlsMaterial.load(files, earlier));
        assertEquals("tls.ca", early.setting(), "the CA is checked first, and it is not valid yet either");
        assertTrue(early.getMessage().contains("is not valid before"), early.getMessage());
    }

    @Test
    void aCertificateFromAnotherCaIsRefused() throws Exception {
        otherCa.issueNode("n1", List.of(), Duration.ofDays(1)).writeTo(files.certificate(), files.privateKey());
        TlsMaterialException e = assertThrows(TlsMaterialException.class, () -> TlsMaterial.load(files, clock));
        assertEquals(files.certificate(), e.file());
        assertTrue(e.getMessage().startsWith("tls.cert " + files.certificate() + ": the certificate is not signed by a CA in "
                + files.ca()), e.getMessage());
    }

    @Test
    void aCaFileWithALeafCertificateIsRefused() throws Exception {
        Files.copy(files.certificate(), files.ca(), StandardCopyOption.REPLACE_EXISTING);
        assertProblem("tls.ca " + files.ca() + ": holds a certificate that is not a CA certificate (CN=n1,OU=node,O=dynamo)");
    }

    private void assertProblem(String message) {
        TlsMaterialException e = assertThrows(TlsMaterialException.class, () -> TlsMaterial.load(files, clock));
        assertEquals(message, e.getMessage());
    }
}
