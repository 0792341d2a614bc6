package dev.dynamo.server;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynamo.security.auth.Credentials;
import dev.dynamo.security.auth.CredentialsException;
import dev.dynamo.security.auth.CredentialsWriter;
import dev.dynamo.security.auth.PasswordHasher;
import dev.dynamo.security.auth.Role;
import dev.dynamo.server.config.HttpAuthSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The users of http.auth.file as the node keeps them: new content takes over, a broken file does not. */
class HttpUsersTest {

    @TempDir
    Path dir;

    private void put(Path file, String name, String password) throws Exception {
        CredentialsWriter.putUser(file, name, Set.of(Role.admin()), password.toCharArray(),
                PasswordHasher.MIN_ITERATIONS);
    }

    @Test
    void aChangedFileReplacesTheUsersAndABrokenOneIsNotTakenOn() throws Exception {
        Path file = dir.resolve("users");
        put(file, "ops", "one");
        HttpAuthSettings settings = new HttpAuthSettings(file, 16, 0, false);
        try (HttpUsers users = HttpUsers.load(settings)) {
            Credentials first = users.get();
            assertFalse(users.reloadIfChanged(), "unchanged");
            assertSame(first, users.get());

            put(file, "ops", "two");
            assertTrue(users.reloadIfChanged());
            assertTrue(users.get().verify("ops", "two").isPresent());
            assertTrue(users.get().verify("ops", "one").isEmpty(), "the old password stops working");

            Credentials second = users.get();
            Files.writeString(file, "broken\n", StandardOpenOption.APPEND);
            assertFalse(users.reloadIfChanged());
            assertSame(second, users.get(), "the users in force stay");
            assertTrue(users.get().verify("ops", "two").isPresent());
        }
    }

    @Test
    void aBrokenFileAtStartFailsNamingTheLine() throws Exception {
        Path file = dir.resolve("users");
        Files.writeString(file, "# users\nops:admin\n");
        CredentialsException e = assertThrows(CredentialsException.class,
                () -> HttpUsers.load(new HttpAuthSettings(file, 16, 0, false)));
        assertTrue(e.getMessage().startsWith(file + ": line 2: "), e.getMessage());
    }
}
