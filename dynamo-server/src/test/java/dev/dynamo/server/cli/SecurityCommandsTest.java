package dev.dynamo.server.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynamo.security.auth.Credentials;
import dev.dynamo.security.auth.Principal;
import dev.dynamo.security.auth.Role;
import dev.dynamo.security.tls.PeerIdentity;
import dev.dynamo.security.tls.PeerKind;
import dev.dynamo.security.tls.TlsFiles;
import dev.dynamo.security.tls.TlsMaterial;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bin/dynamo certs} and {@code bin/dynamo users}: the files they write, what they refuse, what they print. */
class SecurityCommandsTest {

    @TempDir
    Path dir;

    /** One command line run in-process. */
    private record Cli(int code, String out, String err) {
        static Cli run(String stdin, String... args) {
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            int code = Main.run(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), Map.of(),
                    new PrintWriter(out, true), new PrintWriter(err, true), args);
            return new Cli(code, out.toString(), err.toString());
        }
    }

    private static String mode(Path file) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(file));
    }

    // ---------------------------------------------------------------- certs

    @Test
    void certsCreatesACaAndEveryNodeAndClientWithOwnerOnlyKeys() throws Exception {
        Path certs = dir.resolve("certs");
        Cli run = Cli.run("", "certs", "--dir", certs.toString(), "--node", "n1=127.0.0.1,n1.db.example.org",
                "--node", "n2=10.0.0.2", "--client", "app", "--days", "30");
        assertEquals(0, run.code, run.err);
        for (String name : List.of("ca", "n1", "n2", "app")) {
            assertTrue(run.out.contains("wrote " + certs.resolve(name + ".pem")), run.out);
            assertEquals("rw-------", mode(certs.resolve(name + "-key.pem")), name + "-key.pem");
            assertEquals("rw-r--r--", mode(certs.resolve(name + ".pem")), name + ".pem");
        }
        assertTrue(run.out.contains("node n1: tls.cert = " + certs.resolve("n1.pem")), run.out);
        assertTrue(run.out.contains("keep " + certs.resolve("ca-key.pem") + " off the nodes"), run.out);

        TlsMaterial n1 = TlsMaterial.load(new TlsFiles(certs.resolve("n1.pem"), certs.resolve("n1-key.pem"),
                certs.resolve("ca.pem")), Clock.systemUTC());
        assertEquals(new PeerIdentity("n1", PeerKind.NODE), n1.identity());
        X509Certificate cert = n1.certificate();
        Set<String> names = cert.getSubjectAlternativeNames().stream().map(n -> String.valueOf(n.get(1)))
                .collect(Collectors.toSet());
        assertEquals(Set.of("127.0.0.1", "n1.db.example.org"), names);
        TlsMaterial app = TlsMaterial.load(new TlsFiles(certs.resolve("app.pem"), certs.resolve("app-key.pem"),
                certs.resolve("ca.pem")), Clock.systemUTC());
        assertEquals(new PeerIdentity("app", PeerKind.CLIENT), app.identity());
    }

    @Test
    void certsOverwritesNothing() throws Exception {
        Path certs = dir.resolve("certs");
        assertEquals(0, Cli.run("", "certs", "--dir", certs.toString(), "--node", "n1=127.0.0.1").code);
        byte[] ca = Files.readAllBytes(certs.resolve("ca.pem"));
        byte[] key = Files.readAllBytes(certs.resolve("n1-key.pem"));

        Cli again = Cli.run("", "certs", "--dir", certs.toString(), "--node", "n1=127.0.0.1", "--node",
                "n2=127.0.0.2");
        assertEquals(2, again.code);
        assertTrue(again.err.startsWith("error exists: " + certs.resolve("ca.pem") + " already exists; nothing was"
                + " written"), again.err);
        assertArrayEquals(ca, Files.readAllBytes(certs.resolve("ca.pem")));
        assertArrayEquals(key, Files.readAllBytes(certs.resolve("n1-key.pem")));
        assertFalse(Files.exists(certs.resolve("n2.pem")), "nothing was written");

        Cli renew = Cli.run("", "certs", "--dir", certs.toString(), "--extend", "--node", "n1=127.0.0.1");
        assertEquals(2, renew.code);
        assertTrue(renew.err.startsWith("error exists: " + certs.resolve("n1.pem")), renew.err);
    }

    @Test
    void certsExtendIssuesFromTheExistingCa() throws Exception {
        Path certs = dir.resolve("certs");
        assertEquals(0, Cli.run("", "certs", "--dir", certs.toString(), "--node", "n1=127.0.0.1").code);
        byte[] ca = Files.readAllBytes(certs.resolve("ca.pem"));
        Cli extend = Cli.run("", "certs", "--dir", certs.toString(), "--extend", "--node", "n3=127.0.0.3",
                "--client", "billing");
        assertEquals(0, extend.code, extend.err);
        assertArrayEquals(ca, Files.readAllBytes(certs.resolve("ca.pem")), "the CA stays as it was");
        assertFalse(extend.out.contains("keep"), extend.out);
        // loading checks that the certificate is signed by a CA of ca.pem
        TlsMaterial n3 = TlsMaterial.load(new TlsFiles(certs.resolve("n3.pem"), certs.resolve("n3-key.pem"),
                certs.resolve("ca.pem")), Clock.systemUTC());
        assertEquals(new PeerIdentity("n3", PeerKind.NODE), n3.identity());
        assertEquals("rw-------", mode(certs.resolve("billing-key.pem")));

        Cli noCa = Cli.run("", "certs", "--dir", dir.resolve("empty").toString(), "--extend", "--node", "n4=1.2.3.4");
        assertEquals(2, noCa.code);
        assertTrue(noCa.err.startsWith("error bad_ca: "), noCa.err);
        assertTrue(noCa.err.contains("--extend needs the ca.pem and ca-key.pem"), noCa.err);
    }

    @Test
    void certsRefusesBadInputBeforeWritingAnything() {
        Path certs = dir.resolve("certs");
        Cli badId = Cli.run("", "certs", "--dir", certs.toString(), "--node", "n 1=127.0.0.1");
        assertEquals(2, badId.code);
        assertTrue(badId.err.startsWith("error bad_request: --node n 1=127.0.0.1: "), badId.err);
        Cli badHost = Cli.run("", "certs", "--dir", certs.toString(), "--node", "n1=not a host");
        assertEquals(2, badHost.code);
        assertTrue(badHost.err.startsWith("error bad_request: "), badHost.err);
        Cli nothing = Cli.run("", "certs", "--dir", certs.toString());
        assertEquals(2, nothing.code);
        assertTrue(nothing.err.contains("name at least one --node"), nothing.err);
        assertEquals(2, Cli.run("", "certs", "--dir", certs.toString(), "--node", "n1=127.0.0.1", "--days", "0")
                .code);
        assertFalse(Files.exists(certs.resolve("ca.pem")));
    }

    // ---------------------------------------------------------------- users

    @Test
    void usersAddReadsThePasswordFromStdinAndNeverPrintsIt() throws Exception {
        Path users = dir.resolve("conf/users");
        Cli add = Cli.run("s3cret pass\n", "users", "add", "--file", users.toString(), "--name", "alice", "--roles",
                "admin,read:*");
        assertEquals(0, add.code, add.err);
        assertEquals("user 'alice' with roles admin,read:* written to " + users + "\n", add.out);
        assertFalse(add.out.contains("s3cret") || add.err.contains("s3cret"), "the password is not echoed");
        assertEquals("rw-------", mode(users));
        assertFalse(Files.readString(users).contains("s3cret"), "the file holds a hash only");

        Credentials loaded = Credentials.load(users);
        assertEquals(new Principal("alice", Set.of(Role.admin(), Role.read("*"))),
                loaded.verify("alice", "s3cret pass").orElseThrow());
        assertTrue(loaded.verify("alice", "s3cret pass\n").isEmpty(), "the line ends the password");
    }

    @Test
    void usersAddRefusesToReplaceAUserUnlessAsked() throws Exception {
        Path users = dir.resolve("users");
        Path passwordFile = dir.resolve("pw");
        Files.writeString(passwordFile, "first\n");
        assertEquals(0, Cli.run("", "users", "add", "--file", users.toString(), "--name", "app", "--roles",
                "write:orders", "--password-file", passwordFile.toString()).code);
        Cli again = Cli.run("second\n", "users", "add", "--file", users.toString(), "--name", "app", "--roles",
                "read:orders");
        assertEquals(2, again.code);
        assertEquals("error exists: user 'app' is already in " + users + "; give --replace to change its password"
                + " and roles\n", again.err);
        assertTrue(Credentials.load(users).verify("app", "first").isPresent(), "unchanged");

        Cli replaced = Cli.run("second\n", "users", "add", "--file", users.toString(), "--name", "app", "--roles",
                "read:orders", "--replace");
        assertEquals(0, replaced.code, replaced.err);
        Credentials now = Credentials.load(users);
        assertTrue(now.verify("app", "first").isEmpty());
        assertEquals(Set.of(Role.read("orders")), now.verify("app", "second").orElseThrow().roles());
        assertEquals("rw-------", mode(users));
    }

    @Test
    void usersAddRefusesBadInput() throws Exception {
        Path users = dir.resolve("users");
        Cli noPassword = Cli.run("", "users", "add", "--file", users.toString(), "--name", "app", "--roles", "admin");
        assertEquals(2, noPassword.code);
        assertTrue(noPassword.err.startsWith("error bad_request: no password"), noPassword.err);
        Cli badRole = Cli.run("pw\n", "users", "add", "--file", users.toString(), "--name", "app", "--roles",
                "admin,owner");
        assertEquals(2, badRole.code);
        assertTrue(badRole.err.startsWith("error bad_request: --roles admin,owner: a role is admin, read:<table>"),
                badRole.err);
        Cli badName = Cli.run("pw\n", "users", "add", "--file", users.toString(), "--name", "a:b", "--roles", "admin");
        assertEquals(2, badName.code);
        assertTrue(badName.err.startsWith("error bad_request: "), badName.err);
        Cli onCommandLine = Cli.run("", "users", "add", "--file", users.toString(), "--name", "app", "--roles",
                "admin", "--password", "visible-in-ps");
        assertEquals(2, onCommandLine.code, "there is no option that takes the password");
        assertFalse(Files.exists(users), "nothing was written");

        Files.writeString(users, "# users\nbroken line\n");
        Cli broken = Cli.run("pw\n", "users", "add", "--file", users.toString(), "--name", "app", "--roles", "admin");
        assertEquals(2, broken.code);
        assertEquals("error bad_file: " + users + ": line 2: expected name:roles:iterations:salt:hash\n", broken.err);
    }

    @Test
    void usersRemove() throws Exception {
        Path users = dir.resolve("users");
        assertEquals(0, Cli.run("pw-a\n", "users", "add", "--file", users.toString(), "--name", "a", "--roles",
                "admin").code);
        assertEquals(0, Cli.run("pw-b\n", "users", "add", "--file", users.toString(), "--name", "b", "--roles",
                "read:t").code);
        Cli removed = Cli.run("", "users", "remove", "--file", users.toString(), "--name", "a");
        assertEquals(0, removed.code, removed.err);
        assertEquals(Set.of("b"), Credentials.load(users).users());
        Cli absent = Cli.run("", "users", "remove", "--file", users.toString(), "--name", "a");
        assertEquals(2, absent.code);
        assertEquals("error not_found: no user 'a' in " + users + "\n", absent.err);
    }
}
