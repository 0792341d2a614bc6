package dev.dynamo.http;

import static dev.dynamo.http.HttpApiServerTest.assertError;
import static dev.dynamo.http.HttpApiServerTest.body;
import static dev.dynamo.http.HttpApiServerTest.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dynamo.core.table.TableConfig;
import dev.dynamo.security.auth.Credentials;
import dev.dynamo.security.auth.CredentialsWriter;
import dev.dynamo.security.auth.PasswordHasher;
import dev.dynamo.security.auth.Role;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTP Basic authentication and per-table roles on a real server (plain HTTP with
 * {@code allow-plaintext}, as loopback tests may): what a client sees without credentials,
 * with wrong ones, and with a user lacking the role.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HttpAuthTest {
    /** The fewest iterations a file may state: keeps the password checks fast. */
    private static final int FAST = PasswordHasher.MIN_ITERATIONS;

    @TempDir
    Path dir;

    private HttpTestServer c;
    private Credentials users;

    @BeforeEach
    void start() throws Exception {
        Path file = dir.resolve("users");
        CredentialsWriter.putUser(file, "root", Set.of(Role.admin()), "root-pw".toCharArray(), FAST);
        CredentialsWriter.putUser(file, "ops", Set.of(Role.admin(), Role.read("*")), "ops-pw".toCharArray(), FAST);
        CredentialsWriter.putUser(file, "reader", Set.of(Role.read("orders")), "reader-pw".toCharArray(), FAST);
        CredentialsWriter.putUser(file, "writer", Set.of(Role.write("orders")), "writer-pw".toCharArray(), FAST);
        users = Credentials.load(file);
        c = HttpTestServer.start(1, dir.resolve("data"), HttpSecurity.NONE.withCredentials(users)
                .withPlaintextAllowed(true), null, TableConfig.of("orders", 1, 1, 1, "memory", "lww"),
                TableConfig.of("users", 1, 1, 1, "memory", "lww"));
    }

    @AfterEach
    void stop() {
        c.close();
    }

    static String[] basic(String user, String password) {
        String token = Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        return new String[] {"Authorization", "Basic " + token};
    }

    private static void assertUnauthenticated(HttpResponse<byte[]> r) {
        assertError(r, 401, "unauthenticated");
        assertEquals("Basic realm=\"dynamo\", charset=\"UTF-8\"", r.headers().firstValue("WWW-Authenticate")
                .orElse(""), "a 401 tells the client how to authenticate");
    }

    @Test
    void everyRouteButHealthNeedsCredentials() {
        assertUnauthenticated(c.get("/tables/orders/keys/k"));
        assertUnauthenticated(c.put("/tables/orders/keys/k", "v"));
        assertUnauthenticated(c.send("DELETE", "/tables/orders/keys/k", null));
        for (String path : List.of("/tables", "/cluster", "/metrics", "/repair", "/membership")) {
            assertUnauthenticated(c.get(path));
        }
        assertUnauthenticated(c.send("POST", "/repair", null));
        assertUnauthenticated(c.send("POST", "/membership/leave", null));
        // nothing about routes or paths is told to a stranger
        assertUnauthenticated(c.get("/no/such/route"));
        assertUnauthenticated(c.get("/tables/orders/keys/"));

        HttpResponse<byte[]> health = c.get("/health");
        assertEquals(200, health.statusCode(), () -> body(health));
        assertEquals("up", json(health).path("status").asText());
    }

    @Test
    void wrongPasswordUnknownUserAndMalformedHeadersAre401AndCounted() {
        assertUnauthenticated(c.get("/tables/orders/keys/k", basic("reader", "wrong")));
        assertUnauthenticated(c.get("/tables/orders/keys/k", basic("reader", "writer-pw")));
        assertUnauthenticated(c.get("/tables/orders/keys/k", basic("mallory", "reader-pw")));
        assertUnauthenticated(c.get("/tables/orders/keys/k", "Authorization", "Bearer abc"));
        assertUnauthenticated(c.get("/tables/orders/keys/k", "Authorization", "Basic not*base64"));
        String noColon = Base64.getEncoder().encodeToString("reader".getBytes(StandardCharsets.UTF_8));
        assertUnauthenticated(c.get("/tables/orders/keys/k", "Authorization", "Basic " + noColon));
        assertUnauthenticated(c.get("/tables/orders/keys/k"));

        String scrape = c.metrics().scrape();
        assertTrue(scrape.contains("dynamo_http_auth_failures_total{node=\"n1\",reason=\"invalid\"} 3.0"), scrape);
        assertTrue(scrape.contains("dynamo_http_auth_failures_total{node=\"n1\",reason=\"malformed\"} 3.0"), scrape);
        assertTrue(scrape.contains("dynamo_http_auth_failures_total{node=\"n1\",reason=\"missing\"} 1.0"), scrape);
    }

    @Test
    void theRightPasswordServesWhatTheRoleAllows() {
        HttpResponse<byte[]> put = c.put("/tables/orders/keys/k", "v1", basic("writer", "writer-pw"));
        assertEquals(204, put.statusCode(), () -> body(put));
        HttpResponse<byte[]> read = c.get("/tables/orders/keys/k", basic("reader", "reader-pw"));
        assertEquals(200, read.statusCode(), () -> body(read));
        assertEquals("v1", body(read));
        assertEquals(200, c.get("/tables/orders/keys/k", basic("writer", "writer-pw")).statusCode(),
                "write implies read");
        assertEquals(200, c.get("/tables/orders/keys/k", basic("ops", "ops-pw")).statusCode(), "read:*");
        HttpResponse<byte[]> delete = c.send("DELETE", "/tables/orders/keys/k", null, basic("writer", "writer-pw"));
        assertEquals(204, delete.statusCode(), () -> body(delete));

        for (String path : List.of("/cluster", "/metrics", "/repair")) {
            HttpResponse<byte[]> r = c.get(path, basic("root", "root-pw"));
            assertEquals(200, r.statusCode(), () -> path + ": " + body(r));
        }
        HttpResponse<byte[]> repair = c.send("POST", "/repair", null, basic("root", "root-pw"));
        assertTrue(repair.statusCode() == 202 || repair.statusCode() == 200, () -> body(repair));
        // an admin reaches the membership routes; this test node runs without membership, hence 404, not 403
        assertError(c.get("/membership", basic("root", "root-pw")), 404, "no_route");

        // authenticated: the API's own answers come back
        assertError(c.get("/no/such/route", basic("root", "root-pw")), 404, "no_route");
        assertError(c.send("POST", "/tables/orders/keys/k", null, basic("writer", "writer-pw")), 405,
                "method_not_allowed");
        assertError(c.get("/tables/orders/keys/", basic("reader", "reader-pw")), 400, "bad_request");
        assertError(c.get("/tables/nope/keys/k", basic("ops", "ops-pw")), 404, "unknown_table");
    }

    @Test
    void aUserWithoutTheRoleIs403AndCounted() {
        assertError(c.put("/tables/orders/keys/k", "v", basic("reader", "reader-pw")), 403, "forbidden");
        assertError(c.send("DELETE", "/tables/orders/keys/k", null, basic("reader", "reader-pw")), 403, "forbidden");
        assertError(c.get("/tables/users/keys/k", basic("reader", "reader-pw")), 403, "forbidden");
        assertError(c.put("/tables/users/keys/k", "v", basic("writer", "writer-pw")), 403, "forbidden");
        // a role on one table says nothing about a table that does not exist
        assertError(c.get("/tables/nope/keys/k", basic("reader", "reader-pw")), 403, "forbidden");
        // admin is not data
        assertError(c.get("/tables/orders/keys/k", basic("root", "root-pw")), 403, "forbidden");
        assertError(c.put("/tables/orders/keys/k", "v", basic("ops", "ops-pw")), 403, "forbidden");
        int forbidden = 7;

        for (String path : List.of("/cluster", "/metrics", "/repair", "/membership")) {
            assertError(c.get(path, basic("writer", "writer-pw")), 403, "forbidden");
            forbidden++;
        }
        for (String path : List.of("/repair", "/repair?table=orders", "/membership/join", "/membership/leave",
                "/membership/remove?node=n2")) {
            assertError(c.send("POST", path, null, basic("reader", "reader-pw")), 403, "forbidden");
            forbidden++;
        }
        HttpResponse<byte[]> r = c.put("/tables/users/keys/k", "v", basic("writer", "writer-pw"));
        String message = json(r).path("message").asText();
        assertTrue(message.contains("user 'writer' may not write table 'users'"), message);
        assertTrue(message.contains("write:users"), message);
        forbidden++;

        String scrape = c.metrics().scrape();
        assertTrue(scrape.contains("dynamo_http_auth_failures_total{node=\"n1\",reason=\"forbidden\"} " + forbidden
                + ".0"), scrape);
    }

    @Test
    void tablesListsWhatTheUserMayRead() {
        assertEquals(List.of("orders"), tableNames(c.get("/tables", basic("reader", "reader-pw"))));
        assertEquals(List.of("orders"), tableNames(c.get("/tables", basic("writer", "writer-pw"))));
        assertEquals(List.of("orders", "users"), tableNames(c.get("/tables", basic("ops", "ops-pw"))));
        assertEquals(List.of("orders", "users"), tableNames(c.get("/tables", basic("root", "root-pw"))));
    }

    @Test
    void aClientSendingTheSamePasswordPaysPbkdf2Once() {
        for (int i = 0; i < 5; i++) {
            assertEquals(404, c.get("/tables/orders/keys/absent", basic("reader", "reader-pw")).statusCode());
        }
        assertEquals(1, users.hashComputations(), "later requests were answered from the cache");
        for (int i = 0; i < 3; i++) {
            assertUnauthenticated(c.get("/tables/orders/keys/absent", basic("reader", "guess")));
        }
        assertEquals(4, users.hashComputations(), "a wrong password is checked every time");
    }

    @Test
    void authenticationOverPlainHttpIsRefusedUnlessAllowed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HttpTestServer.start(1,
                dir.resolve("other"), HttpSecurity.NONE.withCredentials(users), null,
                TableConfig.of("orders", 1, 1, 1, "memory", "lww")));
        assertTrue(e.getMessage().contains("http.auth.allow-plaintext"), e.getMessage());
        assertTrue(e.getMessage().contains("password in clear"), e.getMessage());
    }

    private static List<String> tableNames(HttpResponse<byte[]> r) {
        assertEquals(200, r.statusCode(), () -> body(r));
        List<String> names = new ArrayList<>();
        for (JsonNode t : json(r)) {
            names.add(t.path("name").asText());
        }
        assertFalse(names.isEmpty(), body(r));
        return names;
    }
}
