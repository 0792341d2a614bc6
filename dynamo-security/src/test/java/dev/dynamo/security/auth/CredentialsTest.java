package dev.dynamo.security.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynamo.security.io.SecureFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CredentialsTest {
    /** The fewest iterations a file may state: keeps these tests fast. */
    private static final int FAST = PasswordHasher.MIN_ITERATIONS;

    @TempDir
    Path dir;
    private Path file;

    @BeforeEach
    void writeUsers() throws Exception {
        file = dir.resolve("users");
        CredentialsWriter.putUser(file, "alice", Set.of(Role.admin(), Role.read("*")), "correct horse".toCharArray(), FAST);
        CredentialsWriter.putUser(file, "app", Set.of(Role.write("orders")), "s3cret-app".toCharArray(), FAST);
    }

    @Test
    void theRightPasswordGivesThePrincipalAndAWrongOneNothing() throws Exception {
        Credentials users = Credentials.load(file);
        assertEquals(Set.of("alice", "app"), users.users());
        Principal alice = users.verify("alice", "correct horse").orElseThrow();
        assertEquals(new Principal("alice", Set.of(Role.admin(), Role.read("*"))), alice);
        assertTrue(users.verify("app", "s3cret-app").orElseThrow().allows(Action.WRITE, "orders"));

        assertEquals(Optional.empty(), users.verify("alice", "correct horse "));
        assertEquals(Optional.empty(), users.verify("alice", "s3cret-app"), "another user's password");
        assertEquals(Optional.empty(), users.verify("mallory", "correct horse"));
        assertEquals(Optional.empty(), users.verify("alice", ""));
        assertEquals(Optional.empty(), users.verify(null, "x"));
        assertEquals(Optional.empty(), users.verify("alice", null));
    }

    @Test
    void anUnknownUserCostsAHashLikeAKnownOne() throws Exception {
        Credentials users = Credentials.load(file);
        users.verify("mallory", "guess");
        users.verify("alice", "guess");
        assertEquals(2, users.hashComputations());
    }

    @Test
    void aSuccessIsCachedAndAFailureIsNot() throws Exception {
        Credentials users = Credentials.load(file);
        users.verify("alice", "correct horse");
        users.verify("alice", "correct horse");
        users.verify("alice", "correct horse");
        assertEquals(1, users.hashComputations(), "the second and third checks came from the cache");
        users.verify("alice", "wrong");
        users.verify("alice", "wrong");
        assertEquals(3, users.hashComputations(), "wrong passwords are hashed every time");
        assertEquals(1, users.cachedVerifications());
    }

    @Test
    void cachedAnswersOnlyWhatVerifyConfirmedAndNeverHashes() throws Exception {
        Credentials users = Credentials.load(file);
        assertEquals(Optional.empty(), users.cached("alice", "correct horse"), "not verified yet");
        users.verify("alice", "wrong");
        assertEquals(Optional.empty(), users.cached("alice", "wrong"), "failures are not cached");
        Principal alice = users.verify("alice", "correct horse").orElseThrow();
        assertEquals(Optional.of(alice), users.cached("alice", "correct horse"));
        assertEquals(Optional.empty(), users.cached("alice", "correct horse "));
        assertEquals(Optional.empty(), users.cached("app", "correct horse"));
        assertEquals(Optional.empty(), users.cached(null, "correct horse"));
        assertEquals(2, users.hashComputations(), "cached() never computes PBKDF2");
    }

    @Test
    void theCacheIsBounded() throws Exception {
        for (int i = 0; i < 5; i++) {
            CredentialsWriter.putUser(file, "u" + i, Set.of(Role.read("t")), ("pw" + i).toCharArray(), FAST);
        }
        Credentials users = Credentials.load(file, 3);
        for (int i = 0; i < 5; i++) {
            assertTrue(users.verify("u" + i, "pw" + i).isPresent());
        }
        assertEquals(3, users.cachedVerifications());
        assertEquals(5, users.hashComputations());
        users.verify("u4", "pw4");
        assertEquals(5, users.hashComputations(), "a recent entry is still cached");
        users.verify("u0", "pw0");
        assertEquals(6, users.hashComputations(), "the oldest entry was evicted");

        Credentials uncached = Credentials.load(file, 0);
        uncached.verify("u1", "pw1");
        uncached.verify("u1", "pw1");
        assertEquals(2, uncached.hashComputations());
        assertEquals(0, uncached.cachedVerifications());
    }

    @Test
    void theFileIsOwnerOnlyAndHoldsNoPassword() throws Exception {
        String text = Files.readString(file);
        assertFalse(text.contains("correct horse"));
        assertTrue(text.startsWith("# dynamo HTTP users"), text);
        assertTrue(text.contains("\nalice:admin,read:*:10000:"), text);
        if (SecureFiles.supportsPosix(dir)) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        }
    }

    @Test
    void putUserReplacesTheUsersLineAndKeepsTheRest() throws Exception {
        Files.writeString(file, Files.readString(file) + "# a comment the operator wrote\n");
        CredentialsWriter.putUser(file, "alice", Set.of(Role.read("orders")), "new password".toCharArray(), FAST);
        Credentials users = Credentials.load(file);
        assertEquals(Optional.empty(), users.verify("alice", "correct horse"));
        assertEquals(Set.of(Role.read("orders")), users.verify("alice", "new password").orElseThrow().roles());
        assertTrue(users.verify("app", "s3cret-app").isPresent());
        assertTrue(Files.readString(file).contains("# a comment the operator wrote"));
        assertEquals(1, Files.readAllLines(file).stream().filter(l -> l.startsWith("alice:")).count());

        assertTrue(CredentialsWriter.removeUser(file, "alice"));
        assertFalse(CredentialsWriter.removeUser(file, "alice"));
        assertEquals(Set.of("app"), Credentials.load(file).users());
    }

    @Test
    void theWriterRefusesWhatWouldNotWork() {
        assertThrows(IllegalArgumentException.class,
                () -> CredentialsWriter.putUser(file, "bob", Set.of(), "pw".toCharArray(), FAST));
        assertThrows(IllegalArgumentException.class,
                () -> CredentialsWriter.putUser(file, "bob", Set.of(Role.admin()), new char[0], FAST));
        assertThrows(IllegalArgumentException.class,
                () -> CredentialsWriter.putUser(file, "bo b", Set.of(Role.admin()), "pw".toCharArray(), FAST));
        assertThrows(IllegalArgumentException.class,
                () -> CredentialsWriter.putUser(file, "bob", Set.of(Role.admin()), "pw".toCharArray(), 1000));
    }

    @Test
    void aMalformedLineIsNamedByNumberAndNeverEchoed() throws Exception {
        String good = Files.readAllLines(file).get(1);
        String[] fields = good.split(":");
        String salt = fields[fields.length - 2];
        String hash = fields[fields.length - 1];
        assertMalformed(List.of("# users", "", "bob:hunter2"), 3, "expected name:roles:iterations:salt:hash", "hunter2");
        assertMalformed(List.of("b o b:admin:10000:" + salt + ":" + hash), 1,
                "the user name must be 1 to 64 letters, digits, '-' or '_'", "b o b");
        assertMalformed(List.of("bob:admin,hunter2:10000:" + salt + ":" + hash), 1,
                "role 2 of user 'bob' is invalid: a role is admin, read:<table>, write:<table>, read:* or write:*", "hunter2");
        assertMalformed(List.of("bob:admin:100:" + salt + ":" + hash), 1, "the iteration count must be from 10000 to 10000000",
                null);
        assertMalformed(List.of("bob:admin:many:" + salt + ":" + hash), 1, "the iteration count is not a number", "many");
        assertMalformed(List.of("bob:admin:10000:" + salt + ":hunter2!"), 1, "the hash is not Base64", "hunter2");
        assertMalformed(List.of("bob:admin:10000:" + salt + ":" + hash.substring(4)), 1, "the hash must be 32 bytes", null);
        assertMalformed(List.of("bob:admin:10000:c2FsdA:" + hash), 1, "the salt must be at least 16 bytes", null);
        assertMalformed(List.of(good, "# again", good), 3, "user 'alice' is already defined on line 1", null);
    }

    @Test
    void aMissingOrEmptyFileIsRefused() throws Exception {
        Path missing = dir.resolve("nope");
        assertEquals(missing + ": file does not exist",
                assertThrows(CredentialsException.class, () -> Credentials.load(missing)).getMessage());
        Path empty = dir.resolve("empty");
        Files.writeString(empty, "# nobody yet\n");
        assertEquals(empty + ": holds no user (one per line: name:roles:iterations:salt:hash)",
                assertThrows(CredentialsException.class, () -> Credentials.load(empty)).getMessage());
    }

    @Test
    void theWriterLeavesABrokenFileAlone() throws Exception {
        Files.writeString(file, "broken line\n");
        CredentialsException e = assertThrows(CredentialsException.class,
                () -> CredentialsWriter.putUser(file, "bob", Set.of(Role.admin()), "pw".toCharArray(), FAST));
        assertEquals(1, e.line());
        assertEquals("broken line\n", Files.readString(file));
    }

    private void assertMalformed(List<String> lines, int line, String problem, String secret) throws Exception {
        Path bad = dir.resolve("bad");
        Files.write(bad, lines);
        CredentialsException e = assertThrows(CredentialsException.class, () -> Credentials.load(bad));
        assertEquals(bad + ": line " + line + ": " + problem, e.getMessage());
        assertEquals(line, e.line());
        if (secret != null) {
            assertFalse(e.getMessage().contains(secret), e.getMessage());
        }
    }
}
