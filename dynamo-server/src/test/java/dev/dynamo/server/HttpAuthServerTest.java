package dev.dynamo.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynamo.security.auth.CredentialsWriter;
import dev.dynamo.security.auth.PasswordHasher;
import dev.dynamo.security.auth.Role;
import dev.dynamo.server.cli.Main;
import dev.dynamo.server.config.ConfigException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node started with {@code http.auth.file}: it refuses passwords over plain HTTP unless told,
 * asks every route but /health for credentials, picks up an edited users file, and the operator
 * commands say clearly when their credentials are missing, wrong or lack the role.
 */
@Timeout(120)
class HttpAuthServerTest {

    @TempDir
    Path home;

    private Path conf;
    private Path users;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void conf() throws Exception {
        conf = home.resolve("conf");
        Files.createDirectories(conf.resolve("tables"));
        Files.writeString(conf.resolve("node.properties"), "node.id = solo\nbinary.port = 0\nhttp.port = 0\n"
                + "http.auth.file = conf/users\nhttp.auth.reload-interval-ms = 20\n");
        Files.writeString(conf.resolve("tables/default.properties"), "n = 1\n");
        users = conf.resolve("users");
        put("ops", "ops-pw", Role.admin());
        put("reader", "reader-pw", Role.read("default"));
    }

    private void put(String name, String password, Role... roles) throws Exception {
        CredentialsWriter.putUser(users, name, Set.of(roles), password.toCharArray(), PasswordHasher.MIN_ITERATIONS);
    }

    private void allowPlaintext() throws IOException {
        Files.writeString(conf.resolve("node.properties"), "http.auth.allow-plaintext = true\n",
                StandardOpenOption.APPEND);
    }

    private int status(DynamoServer server, String path, String user, String password) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://" + server.httpAddress() + path))
                .timeout(Duration.ofSeconds(10));
        if (user != null) {
            b.header("Authorization", "Basic " + Base64.getEncoder().encodeToString((user + ":" + password)
                    .getBytes(StandardCharsets.UTF_8)));
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Test
    void passwordsOverPlainHttpAreRefusedAtStartUnlessAllowed() {
        ConfigException e = assertThrows(ConfigException.class, () -> DynamoServer.start(conf));
        assertTrue(e.getMessage().startsWith(conf.resolve("node.properties") + ": key 'http.auth.file'"),
                e.getMessage());
        assertTrue(e.getMessage().contains("set http.auth.allow-plaintext = true"), e.getMessage());
    }

    @Test
    void everyRouteButHealthAsksForAUserAndAnEditedFileTakesEffect() throws Exception {
        allowPlaintext();
        try (DynamoServer server = DynamoServer.start(conf)) {
            assertEquals(200, status(server, "/health", null, null));
            assertEquals(401, status(server, "/cluster", null, null));
            assertEquals(401, status(server, "/cluster", "ops", "wrong"));
            assertEquals(200, status(server, "/cluster", "ops", "ops-pw"));
            assertEquals(403, status(server, "/cluster", "reader", "reader-pw"));
            assertEquals(404, status(server, "/tables/default/keys/k", "reader", "reader-pw"));

            put("ops", "new-pw", Role.admin());
            // the node checks the file every 20 ms: bounded wait for the change to show
            int before = 200;
            for (int i = 0; i < 500 && before == 200; i++) {
                before = status(server, "/cluster", "ops", "ops-pw");
                if (before == 200) {
                    Thread.sleep(20);
                }
            }
            assertEquals(401, before, "the old password stops working");
            assertEquals(200, status(server, "/cluster", "ops", "new-pw"));
        }
    }

    @Test
    void operatorCommandsSayWhatIsWrongWithTheirCredentials() throws Exception {
        allowPlaintext();
        try (DynamoServer server = DynamoServer.start(conf)) {
            String address = server.httpAddress();

            Cli none = Cli.run(Map.of(), "status", "--http", address);
            assertEquals(2, none.code);
            assertEquals("error unauthenticated: http://" + address + "/cluster asks for a user and password: give"
                    + " --user NAME and the password in the environment variable DYNAMO_PASSWORD or in"
                    + " --password-file FILE\n", none.err);

            Cli wrong = Cli.run(Map.of("DYNAMO_PASSWORD", "guess"), "status", "--http", address, "--user", "ops");
            assertEquals(2, wrong.code);
            assertEquals("error unauthenticated: user 'ops' was refused by http://" + address + "/cluster: unknown"
                    + " user or wrong password\n", wrong.err);
            assertFalse(wrong.err.contains("guess"));

            Cli noPassword = Cli.run(Map.of(), "status", "--http", address, "--user", "ops");
            assertEquals(2, noPassword.code);
            assertTrue(noPassword.err.startsWith("error bad_request: --user ops needs a password: set the environment"
                    + " variable DYNAMO_PASSWORD or give --password-file FILE"), noPassword.err);

            Cli forbidden = Cli.run(Map.of("DYNAMO_PASSWORD", "reader-pw"), "repair", "--http", address, "--user",
                    "reader", "--no-wait");
            assertEquals(2, forbidden.code);
            assertTrue(forbidden.err.startsWith("error forbidden: user 'reader' lacks the role for GET /cluster on "
                    + address + ": user 'reader' may not GET cluster (needs role admin)"), forbidden.err);

            Cli leave = Cli.run(Map.of("DYNAMO_PASSWORD", "nope"), "leave", "--http", address, "--user", "ops");
            assertEquals(2, leave.code);
            assertTrue(leave.err.startsWith("error unauthenticated: user 'ops' was refused"), leave.err);

            Path passwordFile = home.resolve("ops.pw");
            Files.writeString(passwordFile, "ops-pw\n");
            Cli ok = Cli.run(Map.of(), "status", "--http", address, "--user", "ops", "--password-file",
                    passwordFile.toString());
            assertEquals(0, ok.code, ok.err);
            assertTrue(ok.out.contains("cluster as seen by solo (http://" + address + ")"), ok.out);
            assertEquals("", ok.err, "loopback: no warning about plain HTTP");
        }
    }

    @Test
    void withHttpTlsTheNodeServesHttpsAndOperatorCommandsTalkItWithTheClusterCa() throws Exception {
        Path certs = home.resolve("certs");
        Cli made = Cli.run(Map.of(), "certs", "--dir", certs.toString(), "--node", "solo=127.0.0.1");
        assertEquals(0, made.code, made.err);
        Cli other = Cli.run(Map.of(), "certs", "--dir", home.resolve("other").toString(), "--node", "x=127.0.0.1");
        assertEquals(0, other.code, other.err);
        // passwords over HTTPS: no http.auth.allow-plaintext needed
        Files.writeString(conf.resolve("node.properties"), "tls.cert = ../certs/solo.pem\n"
                + "tls.key = ../certs/solo-key.pem\ntls.ca = ../certs/ca.pem\nhttp.tls = true\n",
                StandardOpenOption.APPEND);
        try (DynamoServer server = DynamoServer.start(conf)) {
            int port = server.config().node().httpPort();
            String url = "https://127.0.0.1:" + port;
            Map<String, String> env = Map.of("DYNAMO_PASSWORD", "ops-pw");

            Cli ok = Cli.run(env, "repair", "--http", url, "--cacert", certs.resolve("ca.pem").toString(), "--user",
                    "ops", "--node-only", "--no-wait");
            assertEquals(0, ok.code, ok.err);
            assertTrue(ok.out.startsWith(url + ": "), ok.out);
            Cli bare = Cli.run(env, "repair", "--http", "127.0.0.1:" + port, "--cacert",
                    certs.resolve("ca.pem").toString(), "--user", "ops", "--node-only", "--no-wait");
            assertEquals(0, bare.code, "--cacert makes an address without a scheme https: " + bare.err);

            Cli wrongCa = Cli.run(env, "repair", "--http", url, "--cacert",
                    home.resolve("other/ca.pem").toString(), "--user", "ops", "--node-only", "--no-wait");
            assertEquals(2, wrongCa.code);
            assertTrue(wrongCa.err.startsWith("error unreachable: TLS handshake with 127.0.0.1:" + port
                    + " failed"), wrongCa.err);
            assertTrue(wrongCa.err.contains("give the cluster's CA certificate with --cacert FILE"), wrongCa.err);

            Cli plain = Cli.run(env, "repair", "--http", "http://127.0.0.1:" + port, "--user", "ops",
                    "--node-only", "--no-wait");
            assertEquals(2, plain.code);
            assertTrue(plain.err.contains("HTTP 400 from /repair: this port speaks HTTPS only: use an https:// URL"),
                    plain.err);

            Cli badCa = Cli.run(env, "repair", "--http", url, "--cacert", home.resolve("nope.pem").toString(),
                    "--user", "ops", "--node-only", "--no-wait");
            assertEquals(2, badCa.code);
            assertTrue(badCa.err.startsWith("error bad_request: --cacert: "), badCa.err);
        }
    }

    /** One command line run in-process. */
    private record Cli(int code, String out, String err) {
        static Cli run(Map<String, String> env, String... args) {
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            int code = Main.run(new ByteArrayInputStream(new byte[0]), env, new PrintWriter(out, true),
                    new PrintWriter(err, true), args);
            return new Cli(code, out.toString(), err.toString());
        }
    }
}
