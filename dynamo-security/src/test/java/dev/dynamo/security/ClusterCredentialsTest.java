package dev.dynamo.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynamo.security.tls.PeerIdentity;
import dev.dynamo.security.tls.PeerKind;
import dev.dynamo.security.tls.Pem;
import dev.dynamo.security.tls.TlsMaterial;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClusterCredentialsTest {
    private final Clock clock = Clock.systemUTC();

    @TempDir
    Path dir;

    @Test
    void oneCallWritesACaAndEveryNodeAndClientThatTheNodesAccept() throws Exception {
        Path certs = dir.resolve("certs");
        ClusterCredentials written = ClusterCredentials.create(certs,
                List.of(new NodeSpec("n1", List.of("127.0.0.1")), new NodeSpec("n2", List.of("127.0.0.1", "localhost"))),
                List.of("app"), Duration.ofDays(30));
        assertEquals(List.of("app-key.pem", "app.pem", "ca-key.pem", "ca.pem", "n1-key.pem", "n1.pem", "n2-key.pem",
                "n2.pem"), names(certs));
        assertEquals(8, written.written().size());

        TlsMaterial n1 = TlsMaterial.load(written.node("n1"), clock);
        TlsMaterial n2 = TlsMaterial.load(written.node("n2"), clock);
        TlsMaterial app = TlsMaterial.load(written.client("app"), clock);
        assertEquals(new PeerIdentity("n1", PeerKind.NODE), n1.identity());
        assertEquals(new PeerIdentity("n2", PeerKind.NODE), n2.identity());
        assertEquals(new PeerIdentity("app", PeerKind.CLIENT), app.identity());
        n1.trustManager().checkClientTrusted(n2.certificateChain().toArray(new X509Certificate[0]), "EC");
        assertEquals(Pem.readCertificates(written.caCertificate()), n1.trustedCas());
    }

    @Test
    void nothingIsOverwrittenAndNothingHalfWritten() throws Exception {
        Files.writeString(dir.resolve("n2-key.pem"), "an operator's key");
        FileAlreadyExistsException e = assertThrows(FileAlreadyExistsException.class, () -> ClusterCredentials.create(dir,
                List.of(new NodeSpec("n1", List.of()), new NodeSpec("n2", List.of())), List.of(), Duration.ofDays(1)));
        assertEquals(dir.resolve("n2-key.pem").toString(), e.getFile());
        assertEquals(List.of("n2-key.pem"), names(dir));
    }

    @Test
    void namesMustBeValidDistinctAndNotCa() throws Exception {
        assertThrows(IllegalArgumentException.class, () -> ClusterCredentials.create(dir,
                List.of(new NodeSpec("n1", List.of())), List.of("n1"), Duration.ofDays(1)));
        assertThrows(IllegalArgumentException.class, () -> ClusterCredentials.create(dir,
                List.of(new NodeSpec("ca", List.of())), List.of(), Duration.ofDays(1)));
        assertThrows(IllegalArgumentException.class, () -> ClusterCredentials.create(dir,
                List.of(), List.of("../x"), Duration.ofDays(1)));
        assertThrows(IllegalArgumentException.class, () -> ClusterCredentials.create(dir,
                List.of(new NodeSpec("n1", List.of("not a host"))), List.of(), Duration.ofDays(1)));
        assertEquals(List.of(), names(dir), "a refused request writes nothing");
    }

    @Test
    void extendIssuesFromTheSameCa() throws Exception {
        ClusterCredentials first = ClusterCredentials.create(dir, List.of(new NodeSpec("n1", List.of())), List.of(),
                Duration.ofDays(30));
        ClusterCredentials more = ClusterCredentials.extend(dir, List.of(new NodeSpec("n3", List.of("127.0.0.1"))),
                List.of("ops"), Duration.ofDays(10), clock);
        TlsMaterial n1 = TlsMaterial.load(first.node("n1"), clock);
        TlsMaterial n3 = TlsMaterial.load(more.node("n3"), clock);
        n1.trustManager().checkClientTrusted(n3.certificateChain().toArray(new X509Certificate[0]), "EC");
        assertEquals(new PeerIdentity("ops", PeerKind.CLIENT), TlsMaterial.load(more.client("ops"), clock).identity());
        assertThrows(FileAlreadyExistsException.class, () -> ClusterCredentials.extend(dir,
                List.of(new NodeSpec("n3", List.of())), List.of(), Duration.ofDays(1), clock));
        IllegalArgumentException outlives = assertThrows(IllegalArgumentException.class, () -> ClusterCredentials.extend(dir,
                List.of(new NodeSpec("n4", List.of())), List.of(), Duration.ofDays(31), clock));
        assertTrue(outlives.getMessage().contains("would outlive the CA"), outlives.getMessage());
    }

    private static List<String> names(Path dir) throws Exception {
        if (!Files.exists(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
