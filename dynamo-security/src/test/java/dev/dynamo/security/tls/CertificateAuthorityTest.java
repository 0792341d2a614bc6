package dev.dynamo.security.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynamo.security.io.SecureFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SignatureException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CertificateAuthorityTest {
    private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");
    private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
    private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";

    private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    private final CertificateAuthority ca = CertificateAuthority.create("test CA", Duration.ofDays(3650), clock);

    @TempDir
    Path dir;

    @Test
    void theCaIsASelfSignedCaValidFromTheInjectedClock() throws Exception {
        X509Certificate cert = ca.certificate();
        cert.verify(cert.getPublicKey());
        assertEquals("CN=test CA,O=dynamo", cert.getSubjectX500Principal().getName());
        assertEquals(Integer.MAX_VALUE, cert.getBasicConstraints(), "a CA without a path length limit");
        boolean[] usage = cert.getKeyUsage();
        assertTrue(usage[5] && usage[6], "keyCertSign and cRLSign");
        assertEquals("EC", cert.getPublicKey().getAlgorithm());
        assertEquals(NOW.minus(CertificateAuthority.BACKDATE), cert.getNotBefore().toInstant());
        assertEquals(NOW.plus(Duration.ofDays(3650)), cert.getNotAfter().toInstant());
    }

    @Test
    void aNodeCertificateNamesTheNodeAndItsAddressesAndServesBothWays() throws Exception {
        IssuedCertificate node = ca.issueNode("n1", List.of("10.0.0.1", "::1", "n1.example.org"), Duration.ofDays(365));
        X509Certificate cert = node.certificate();
        cert.verify(ca.certificate().getPublicKey());
        assertEquals("CN=n1,OU=node,O=dynamo", cert.getSubjectX500Principal().getName());
        assertEquals(ca.certificate().getSubjectX500Principal(), cert.getIssuerX500Principal());
        assertEquals(-1, cert.getBasicConstraints(), "not a CA");
        assertEquals(List.of(SERVER_AUTH, CLIENT_AUTH), cert.getExtendedKeyUsage());
        assertEquals(Set.of(List.of(7, "10.0.0.1"), List.of(7, "0:0:0:0:0:0:0:1"), List.of(2, "n1.example.org")),
                alternativeNames(cert.getSubjectAlternativeNames()));
        assertEquals(NOW.plus(Duration.ofDays(365)), cert.getNotAfter().toInstant());
        assertTrue(KeyPairs.matches(node.privateKey(), cert.getPublicKey()));
        assertEquals("IssuedCertificate[CN=n1,OU=node,O=dynamo, serial " + cert.getSerialNumber().toString(16) + "]",
                node.toString(), "subject and serial, never the key");
    }

    @Test
    void aClientCertificateIsForTlsClientsOnly() throws Exception {
        X509Certificate cert = ca.issueClient("billing", Duration.ofDays(30)).certificate();
        cert.verify(ca.certificate().getPublicKey());
        assertEquals("CN=billing,OU=client,O=dynamo", cert.getSubjectX500Principal().getName());
        assertEquals(List.of(CLIENT_AUTH), cert.getExtendedKeyUsage());
        assertEquals(null, cert.getSubjectAlternativeNames());
    }

    @Test
    void serialsDiffer() {
        assertNotEquals(ca.issueClient("a", Duration.ofDays(1)).certificate().getSerialNumber(),
                ca.issueClient("a", Duration.ofDays(1)).certificate().getSerialNumber());
    }

    @Test
    void badNamesHostsAndValiditiesAreRefused() {
        assertEquals("node id 'n 1' must be 1 to 64 letters, digits, '-' or '_'", assertThrows(
                IllegalArgumentException.class, () -> ca.issueNode("n 1", List.of(), Duration.ofDays(1))).getMessage());
        assertThrows(IllegalArgumentException.class, () -> ca.issueClient("a/b", Duration.ofDays(1)));
        assertEquals("host 'bad host' is neither an IP address nor a DNS name", assertThrows(IllegalArgumentException.class,
                () -> ca.issueNode("n1", List.of("bad host"), Duration.ofDays(1))).getMessage());
        assertThrows(IllegalArgumentException.class, () -> ca.issueNode("n1", List.of(), Duration.ZERO));
        IllegalArgumentException outlives = assertThrows(IllegalArgumentException.class,
                () -> ca.issueNode("n1", List.of(), Duration.ofDays(3651)));
        assertTrue(outlives.getMessage().contains("would outlive the CA"), outlives.getMessage());
    }

    @Test
    void writtenFilesArePemWithAPkcs8KeyOnlyTheOwnerCanRead() throws Exception {
        IssuedCertificate node = ca.issueNode("n1", List.of("127.0.0.1"), Duration.ofDays(1));
        node.writeTo(dir.resolve("n1.pem"), dir.resolve("n1-key.pem"));
        assertTrue(Files.readString(dir.resolve("n1.pem")).startsWith("-----BEGIN CERTIFICATE-----"));
        assertTrue(Files.readString(dir.resolve("n1-key.pem")).startsWith("-----BEGIN PRIVATE KEY-----"));
        if (SecureFiles.supportsPosix(dir)) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("n1-key.pem"))));
            assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("n1.pem"))));
        }
        assertEquals(List.of(node.certificate()), Pem.readCertificates(dir.resolve("n1.pem")));
        assertArrayEquals(node.privateKey().getEncoded(), Pem.readPrivateKey(dir.resolve("n1-key.pem")).getEncoded());
    }

    @Test
    void aLoadedCaIssuesCertificatesTheOriginalVerifies() throws Exception {
        ca.credentials().writeTo(dir.resolve("ca.pem"), dir.resolve("ca-key.pem"));
        CertificateAuthority loaded = CertificateAuthority.load(dir.resolve("ca.pem"), dir.resolve("ca-key.pem"), clock);
        assertEquals(ca.certificate(), loaded.certificate());
        loaded.issueNode("n2", List.of(), Duration.ofDays(1)).certificate().verify(ca.certificate().getPublicKey());
    }

    @Test
    void loadingRefusesAKeyOfAnotherCaAndALeafCertificate() throws Exception {
        CertificateAuthority other = CertificateAuthority.create("other", Duration.ofDays(10), clock);
        ca.credentials().writeTo(dir.resolve("ca.pem"), dir.resolve("ca-key.pem"));
        Pem.writePrivateKey(dir.resolve("other-key.pem"), other.credentials().privateKey());
        TlsMaterialException wrongKey = assertThrows(TlsMaterialException.class,
                () -> CertificateAuthority.load(dir.resolve("ca.pem"), dir.resolve("other-key.pem"), clock));
        assertEquals(dir.resolve("other-key.pem"), wrongKey.file());
        assertTrue(wrongKey.getMessage().contains("does not belong to the CA certificate"), wrongKey.getMessage());

        ca.issueNode("n1", List.of(), Duration.ofDays(1)).writeTo(dir.resolve("n1.pem"), dir.resolve("n1-key.pem"));
        TlsMaterialException leaf = assertThrows(TlsMaterialException.class,
                () -> CertificateAuthority.load(dir.resolve("n1.pem"), dir.resolve("n1-key.pem"), clock));
        assertTrue(leaf.getMessage().endsWith("not a CA certificate (it may not sign certificates)"), leaf.getMessage());
    }

    @Test
    void anotherCasCertificateDoesNotVerifyWithThisCa() {
        CertificateAuthority other = CertificateAuthority.create("other", Duration.ofDays(10), clock);
        X509Certificate foreign = other.issueNode("n1", List.of(), Duration.ofDays(1)).certificate();
        assertThrows(SignatureException.class, () -> foreign.verify(ca.certificate().getPublicKey()));
    }

    private static Set<List<Object>> alternativeNames(Collection<List<?>> names) {
        Set<List<Object>> set = new HashSet<>();
        for (List<?> name : names) {
            set.add(List.of(name.get(0), name.get(1)));
        }
        return set;
    }
}
