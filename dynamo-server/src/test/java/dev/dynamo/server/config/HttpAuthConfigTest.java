package dev.dynamo.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynamo.security.auth.CredentialsWriter;
import dev.dynamo.security.auth.PasswordHasher;
import dev.dynamo.security.auth.Role;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code http.auth.*} keys of node.properties: defaults, values, and a bad credentials file named with its line. */
class HttpAuthConfigTest {

    private static final String MINIMAL_NODE = "node.id = n1\nbinary.port = 7081\nhttp.port = 8081\n";

    @TempDir
    Path home;

    private Path nodeFile;

    @BeforeEach
    void tables() throws IOException {
        Files.createDirectories(home.resolve("conf/tables"));
        Files.writeString(home.resolve("conf/tables/default.properties"), "");
        nodeFile = home.resolve("conf/node.properties");
    }

    private ServerConfig load(String node) throws IOException {
        Files.writeString(nodeFile, MINIMAL_NODE + node, StandardCharsets.UTF_8);
        return ConfigLoader.load(home.resolve("conf"));
    }

    private String failure(String node) throws IOException {
        Files.writeString(nodeFile, MINIMAL_NODE + node, StandardCharsets.UTF_8);
        return assertThrows(ConfigException.class, () -> ConfigLoader.load(home.resolve("conf"))).getMessage();
    }

    private Path users() throws Exception {
        Path file = home.resolve("conf/users");
        CredentialsWriter.putUser(file, "alice", Set.of(Role.admin()), "pw".toCharArray(),
                PasswordHasher.MIN_ITERATIONS);
        return file;
    }

    @Test
    void withoutAFileTheApiIsOpen() throws IOException {
        HttpAuthSettings auth = load("").httpAuth();
        assertFalse(auth.enabled());
        assertEquals(HttpAuthSettings.OFF, auth);
        assertEquals(1024, auth.cacheSize());
        assertEquals(10_000, auth.reloadIntervalMillis());
        assertFalse(auth.allowPlaintext());
    }

    @Test
    void everyKeyIsReadAndTheFileResolvesAgainstTheHome() throws Exception {
        Path file = users();
        HttpAuthSettings auth = load("http.auth.file = conf/users\nhttp.auth.cache-size = 0\n"
                + "http.auth.reload-interval-ms = 0\nhttp.auth.allow-plaintext = true\n").httpAuth();
        assertTrue(auth.enabled());
        assertEquals(file.toAbsolutePath().normalize(), auth.file());
        assertEquals(0, auth.cacheSize());
        assertEquals(0, auth.reloadIntervalMillis());
        assertTrue(auth.allowPlaintext());
    }

    @Test
    void aBadLineNamesTheFileAndLineButNotItsContent() throws Exception {
        Path file = users();
        Files.writeString(file, "alice:hunter2\n", java.nio.file.StandardOpenOption.APPEND);
        String message = failure("http.auth.file = conf/users\n");
        assertTrue(message.startsWith(nodeFile + ": key 'http.auth.file' = 'conf/users': " + file.toAbsolutePath()
                .normalize() + ": line 3: expected name:roles:iterations:salt:hash"), message);
        assertFalse(message.contains("hunter2"), "a line may hold a password: " + message);
        assertTrue(message.contains("bin/dynamo users add"), message);
    }

    @Test
    void aMissingOrEmptyFileIsNamed() throws Exception {
        Path missing = home.resolve("conf/nobody").toAbsolutePath().normalize();
        assertTrue(failure("http.auth.file = conf/nobody\n").contains(missing + ": file does not exist"));
        Files.writeString(missing, "# no users yet\n");
        assertTrue(failure("http.auth.file = conf/nobody\n").contains(missing + ": holds no user"));
        assertEquals(nodeFile + ": key 'http.auth.file' = '': must be the path of the HTTP credentials file"
                + " (relative paths resolve against " + home.toAbsolutePath().normalize() + "); leave the key out for"
                + " an API without passwords", failure("http.auth.file =\n"));
    }

    @Test
    void badValuesNameKeyValueAndRange() throws Exception {
        users();
        assertEquals(nodeFile + ": key 'http.auth.cache-size' = '-1': must be an integer between 0 (no cache) and"
                + " 1000000 (successful password checks remembered)", failure("http.auth.cache-size = -1\n"));
        assertEquals(nodeFile + ": key 'http.auth.reload-interval-ms' = 'soon': must be an integer between 0"
                + " (never) and 86400000 (milliseconds between checks of the file)",
                failure("http.auth.reload-interval-ms = soon\n"));
        assertEquals(nodeFile + ": key 'http.auth.allow-plaintext' = 'yes': must be one of true, false",
                failure("http.auth.allow-plaintext = yes\n"));
        assertTrue(failure("http.auth.files = conf/users\n").startsWith(nodeFile + ": unknown key 'http.auth.files'"));
    }
}
