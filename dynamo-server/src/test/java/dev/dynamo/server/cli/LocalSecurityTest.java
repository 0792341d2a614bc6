package dev.dynamo.server.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynamo.security.ClusterCredentials;
import dev.dynamo.security.NodeSpec;
import dev.dynamo.security.auth.Credentials;
import dev.dynamo.security.auth.Principal;
import dev.dynamo.security.auth.Role;
import dev.dynamo.server.Exposure;
import dev.dynamo.server.config.ConfigLoader;
import dev.dynamo.server.config.ServerConfig;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The material of {@code local --secure}: created once, reused when it belongs together, refused when it does not. */
class LocalSecurityTest {
    private static final List<String> THREE = List.of("n1", "n2", "n3");

    @TempDir
    Path dir;

    private static String password(LocalSecurity s) throws Exception {
        return Files.readAllLines(s.passwordFile(), StandardCharsets.UTF_8).get(0);
    }

    private String refused(List<String> nodes) {
        return assertThrows(IllegalStateException.class,
                () -> LocalSecurity.prepare(dir, nodes, Clock.systemUTC())).getMessage();
    }

    @Test
    void createsACaCertificatesAndAnAdminWithARandomPasswordReadableByItsOwnerOnly() throws Exception {
        LocalSecurity s = LocalSecurity.prepare(dir, THREE, Clock.systemUTC());
        assertTrue(s.created());
        assertEquals(dir.resolve("secure").toAbsolutePath(), s.dir());
        for (String name : List.of("ca", "n1", "n2", "n3", "client")) {
            assertTrue(Files.exists(s.dir().resolve(name + ".pem")), name);
            assertTrue(Files.exists(s.dir().resolve(name + "-key.pem")), name);
        }
        assertEquals(PosixFilePermissions.fromString("rwx------"), Files.getPosixFilePermissions(s.dir()));
        assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(s.passwordFile()));
        assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(s.users()));
        String password = password(s);
        assertEquals(24, password.length(), "144 random bits");
        assertFalse(Files.readString(s.users()).contains(password), "the credentials file holds a hash only");
        Principal admin = Credentials.load(s.users(), 0).verify("admin", password).orElseThrow();
        assertEquals(Set.of(Role.admin(), Role.write("*")), admin.roles());
        assertTrue(Credentials.load(s.users(), 0).verify("admin", password + "x").isEmpty());

        String other = password(LocalSecurity.prepare(Files.createDirectory(dir.resolve("other")), THREE,
                Clock.systemUTC()));
        assertFalse(password.equals(other), "each cluster gets its own password");
    }

    @Test
    void everyNodeOfASecureClusterStartsWithTlsHttpsAndPasswords() throws Exception {
        LocalSecurity s = LocalSecurity.prepare(dir, THREE, Clock.systemUTC());
        LocalCluster cluster = new LocalCluster(LocalCluster.layout(3, 8080, dir), "mvstore", java.util.Map.of(),
                List.of("java"), s);
        cluster.writeConfigs();
        assertEquals("https://127.0.0.1:8082", cluster.httpUrl(cluster.nodes().get(1)));
        for (LocalCluster.Node node : cluster.nodes()) {
            ServerConfig c = ConfigLoader.load(node.conf());
            ConfigLoader.checkTls(c); // the files load, chain to the CA and name this node
            assertEquals(s.node(node.id()).certificate(), c.tls().files().certificate());
            assertTrue(c.tls().http(), "HTTPS");
            assertEquals(s.users(), c.httpAuth().file());
            assertFalse(c.httpAuth().allowPlaintext());
            assertTrue(Exposure.of(c).closed(), "nothing left open, so no warning at start");
        }
    }

    @Test
    void aSecondRunReusesTheMaterialAndAGrownClusterGetsCertificatesFromTheSameCa() throws Exception {
        LocalSecurity first = LocalSecurity.prepare(dir, THREE, Clock.systemUTC());
        byte[] ca = Files.readAllBytes(first.caCertificate());
        byte[] n1 = Files.readAllBytes(first.node("n1").certificate());
        String password = password(first);

        LocalSecurity again = LocalSecurity.prepare(dir, List.of("n1", "n2", "n3", "n4"), Clock.systemUTC());
        assertFalse(again.created());
        assertArrayEquals(ca, Files.readAllBytes(again.caCertificate()), "the same CA");
        assertArrayEquals(n1, Files.readAllBytes(again.node("n1").certificate()), "n1 keeps its certificate");
        assertTrue(Files.exists(again.node("n4").certificate()), "n4 issued from the CA there");
        assertEquals(password, password(again), "the same password");
    }

    @Test
    void materialThatDoesNotBelongTogetherIsRefusedNamingTheFile() throws Exception {
        LocalSecurity s = LocalSecurity.prepare(dir, THREE, Clock.systemUTC());

        // a password file that is not the admin's
        byte[] password = Files.readAllBytes(s.passwordFile());
        Files.writeString(s.passwordFile(), "guess\n");
        String e = refused(THREE);
        assertTrue(e.contains("admin.password does not hold the password of user 'admin' in http-users"), e);
        assertTrue(e.contains("never mixes material of different runs: move " + s.dir() + " away"), e);
        refused(List.of("n1", "n2", "n3", "n4"));
        assertFalse(Files.exists(s.dir().resolve("n4.pem")), "a refusal adds nothing");
        Files.write(s.passwordFile(), password);

        // a node certificate from another CA
        ClusterCredentials foreign = ClusterCredentials.create(dir.resolve("foreign"),
                List.of(new NodeSpec("n2", List.of("127.0.0.1"))), List.of(), Duration.ofDays(1));
        Files.copy(foreign.node("n2").certificate(), s.node("n2").certificate(),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.copy(foreign.node("n2").privateKey(), s.node("n2").privateKey(),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        e = refused(THREE);
        assertTrue(e.contains(s.node("n2").certificate().toString()), e);
        assertTrue(e.contains("cannot be reused"), e);

        // half of a pair
        Files.delete(s.node("n2").privateKey());
        e = refused(THREE);
        assertTrue(e.contains("n2.pem is there but not n2-key.pem"), e);
    }

    @Test
    void certificatesOrUsersLeftWithoutTheirCaOrPasswordAreRefused() throws Exception {
        LocalSecurity s = LocalSecurity.prepare(dir, THREE, Clock.systemUTC());
        Files.delete(s.passwordFile());
        assertTrue(refused(THREE).contains("http-users is there but not admin.password"));

        Files.delete(s.users());
        Files.delete(s.caCertificate());
        assertTrue(refused(THREE).contains("ca-key.pem is there but not ca.pem"));
        Files.delete(s.caKey());
        assertTrue(refused(THREE).contains("n1.pem is there but no ca.pem that signed it"));
    }

    @Test
    void localSecureStopsBeforeAnyNodeStartsWhenTheMaterialIsMixedAndKeepsItsOwnSettings() throws Exception {
        LocalSecurity s = LocalSecurity.prepare(dir, THREE, Clock.systemUTC());
        Files.writeString(s.passwordFile(), "guess\n");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new ByteArrayInputStream(new byte[0]), new PrintWriter(out, true),
                new PrintWriter(err, true), "local", "--secure", "--data-dir", dir.toString(), "--base-port", "9000");
        assertEquals(ExitCodes.ERROR, code, err.toString());
        assertTrue(err.toString().startsWith("error: the local cluster did not start: cannot prepare its certificates"
                + " and password: " + s.dir() + " holds material that cannot be reused: admin.password does not hold"
                + " the password of user 'admin'"), err.toString());
        assertFalse(Files.exists(dir.resolve("n1")), "no node was configured");

        err = new StringWriter();
        code = Main.run(new ByteArrayInputStream(new byte[0]), new PrintWriter(out, true), new PrintWriter(err, true),
                "local", "--secure", "--set", "http.auth.allow-plaintext=true");
        assertEquals(ExitCodes.ERROR, code, err.toString());
        assertTrue(err.toString().contains("--set http.auth.allow-plaintext: --secure sets the tls.*, http.tls and"
                + " http.auth.* settings itself"), err.toString());
    }

    @Test
    void shellWordsAreQuotedOnlyWhenNeeded() {
        assertEquals("/tmp/dynamo-local-1/secure/ca.pem", LocalCommand.shell("/tmp/dynamo-local-1/secure/ca.pem"));
        assertEquals("'/home/a b/ca.pem'", LocalCommand.shell("/home/a b/ca.pem"));
        assertEquals("'/it'\\''s/ca.pem'", LocalCommand.shell("/it's/ca.pem"));
    }
}
