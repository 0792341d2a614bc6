package dev.dynamo.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynamo.api.Context;
import dev.dynamo.api.DynamoClient;
import dev.dynamo.api.GetResult;
import dev.dynamo.client.DynamoClusterClient;
import dev.dynamo.server.cli.Main;
import dev.dynamo.server.config.ConfigException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(120)
class DynamoServerTest {

    private static final byte[] KEY = "greeting".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path home;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** A one-node configuration on ports chosen at bind. */
    private Path oneNodeConf(String tableText) throws IOException {
        Path conf = home.resolve("conf");
        Files.createDirectories(conf.resolve("tables"));
        Files.writeString(conf.resolve("node.properties"), "node.id = solo\nbinary.port = 0\nhttp.port = 0\n");
        Files.writeString(conf.resolve("tables/default.properties"), tableText);
        return conf;
    }

    private HttpResponse<String> send(String method, String url, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static DynamoClient client(DynamoServer server) {
        return DynamoClusterClient.builder().seeds(server.binaryAddress()).build();
    }

    @Test
    void httpLimitsOfNodePropertiesApply() throws Exception {
        Path conf = oneNodeConf("n = 1\n");
        Files.writeString(conf.resolve("node.properties"), "http.max-connections = 1\n",
                java.nio.file.StandardOpenOption.APPEND);
        try (DynamoServer server = DynamoServer.start(conf)) {
            String request = "GET /health HTTP/1.1\r\nHost: x\r\n\r\n";
            try (java.net.Socket held = new java.net.Socket("127.0.0.1", server.httpPort())) {
                held.setSoTimeout(10_000);
                held.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
                // answered: accepted, so the next connection is the one over the cap
                assertEquals("HTTP/1.1 200", new String(held.getInputStream().readNBytes(12),
                        StandardCharsets.US_ASCII));
                try (java.net.Socket over = new java.net.Socket("127.0.0.1", server.httpPort())) {
                    over.setSoTimeout(10_000);
                    over.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
                    String refused = new String(over.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
                    assertTrue(refused.startsWith("HTTP/1.1 503 "), refused);
                    assertTrue(refused.contains("\"limit\":\"http.max-connections\""), refused);
                }
            }
            String url = "http://" + server.httpAddress();
            // the server notices the closed connections on its own event loop: retry (bounded) until it has room
            HttpResponse<String> put = null;
            for (int i = 0; i < 500 && (put == null || put.statusCode() == 503); i++) {
                put = send("PUT", url + "/tables/default/keys/after", "fine");
            }
            assertEquals(204, put.statusCode(), put.body());
            assertEquals("fine", send("GET", url + "/tables/default/keys/after", null).body());
            assertTrue(send("GET", url + "/metrics", null).body()
                    .contains("dynamo_limit_refusals_total{limit=\"http.max-connections\""));
        }
    }

    @Test
    void servesHttpAndBinaryAndKeepsDataAcrossARestart() throws Exception {
        Path conf = oneNodeConf("n = 1\n");
        String url;
        try (DynamoServer server = DynamoServer.start(conf)) {
            assertTrue(server.httpPort() > 0 && server.binaryPort() > 0, "ports were bound");
            url = "http://" + server.httpAddress();
            assertEquals(200, send("GET", url + "/health", null).statusCode());

            HttpResponse<String> put = send("PUT", url + "/tables/default/keys/greeting", "hello");
            assertEquals(204, put.statusCode());
            assertTrue(put.headers().firstValue("X-Dynamo-Context").isPresent());
            HttpResponse<String> get = send("GET", url + "/tables/default/keys/greeting", null);
            assertEquals(200, get.statusCode());
            assertEquals("hello", get.body());

            try (DynamoClient client = client(server)) {
                GetResult r = client.get("default", KEY);
                assertEquals("hello", new String(r.value(), StandardCharsets.UTF_8));
                client.put("default", "binary".getBytes(StandardCharsets.UTF_8), r.context(),
                        "via client".getBytes(StandardCharsets.UTF_8));
            }
            assertEquals("via client", send("GET", url + "/tables/default/keys/binary", null).body());

            String cluster = send("GET", url + "/cluster", null).body();
            assertTrue(cluster.contains(server.binaryAddress()), cluster);
            assertTrue(cluster.contains(server.httpAddress()), cluster);
            assertTrue(send("GET", url + "/metrics", null).body().contains("dynamo_requests_total"));
        }
        assertThrows(IOException.class, () -> send("GET", url + "/health", null), "closed servers stop listening");

        // same data dir: the mvstore files survive the graceful stop
        try (DynamoServer again = DynamoServer.start(conf)) {
            HttpResponse<String> get = send("GET", "http://" + again.httpAddress() + "/tables/default/keys/greeting",
                    null);
            assertEquals(200, get.statusCode());
            assertEquals("hello", get.body());
            try (DynamoClient client = client(again)) {
                assertEquals("via client", new String(client.get("default", "binary".getBytes(StandardCharsets.UTF_8))
                        .value(), StandardCharsets.UTF_8));
            }
        }
    }

    @Test
    void commandLineGetPutDelete() throws Exception {
        Path conf = oneNodeConf("n = 1\nmax-value-bytes = 100\n");
        try (DynamoServer server = DynamoServer.start(conf)) {
            String seed = server.binaryAddress();
            Cli put = Cli.run("", "put", "--table", "default", "--seed", seed, "k1", "v1");
            assertEquals(0, put.code, put.err);
            assertTrue(put.out.startsWith("context: "), put.out);

            Cli fromStdin = Cli.run("from stdin", "put", "--table", "default", "--seed", seed, "k2");
            assertEquals(0, fromStdin.code, fromStdin.err);

            Cli get = Cli.run("", "get", "--table", "default", "--seed", seed, "k1");
            assertEquals(0, get.code, get.err);
            assertEquals("v1\n", get.out);
            assertTrue(get.err.startsWith("context: "), get.err);
            String context = get.err.substring("context: ".length()).trim();
            assertEquals("from stdin\n", Cli.run("", "get", "-t", "default", "--seed", seed, "k2").out);

            Cli delete = Cli.run("", "delete", "--table", "default", "--seed", seed, "--context", context, "k1");
            assertEquals(0, delete.code, delete.err);
            Cli gone = Cli.run("", "get", "--table", "default", "--seed", seed, "k1");
            assertEquals(1, gone.code, "not found exits 1");
            assertTrue(gone.err.startsWith("not_found: no value for key 'k1' in table 'default'"), gone.err);

            Cli unknown = Cli.run("", "get", "--table", "nope", "--seed", seed, "k1");
            assertEquals(2, unknown.code);
            assertTrue(unknown.err.startsWith("error unknown_table: "), unknown.err);

            Cli tooLarge = Cli.run("", "put", "--table", "default", "--seed", seed, "k3", "x".repeat(2000));
            assertEquals(2, tooLarge.code);
            assertTrue(tooLarge.err.startsWith("error value_too_large: "), tooLarge.err);
        }
    }

    @Test
    void commandLineStatus() throws Exception {
        try (DynamoServer server = DynamoServer.start(oneNodeConf("n = 1\n"))) {
            Cli status = Cli.run("", "status", "--http", server.httpAddress());
            assertEquals(0, status.code, status.err);
            assertTrue(status.out.contains("cluster as seen by solo"), status.out);
            assertTrue(status.out.contains("NODE"), status.out);
            assertTrue(status.out.contains(server.binaryAddress()), status.out);
            assertTrue(status.out.contains("default"), status.out);
        }
        Cli down = Cli.run("", "status", "--http", "127.0.0.1:1", "--timeout-ms", "500");
        assertEquals(2, down.code);
        assertTrue(down.err.startsWith("error unreachable: cannot read the cluster from http://127.0.0.1:1"),
                down.err);
    }

    @Test
    void twoNodesShareOneRing() throws Exception {
        int[] ports = freePorts(4);
        String members = "a@127.0.0.1:" + ports[0] + ":" + ports[1] + ", b@127.0.0.1:" + ports[2] + ":" + ports[3];
        Path confA = twoNodeConf("a", members);
        Path confB = twoNodeConf("b", members);
        try (DynamoServer a = DynamoServer.start(confA); DynamoServer b = DynamoServer.start(confB)) {
            assertEquals(a.node().cluster().ring(), b.node().cluster().ring());
            String viaA = "http://" + a.httpAddress() + "/tables/pairs/keys/";
            String viaB = "http://" + b.httpAddress() + "/tables/pairs/keys/";
            for (int i = 0; i < 10; i++) {
                assertEquals(204, send("PUT", viaA + "k" + i, "v" + i).statusCode());
            }
            for (int i = 0; i < 10; i++) {
                HttpResponse<String> r = send("GET", viaB + "k" + i, null);
                assertEquals(200, r.statusCode(), r.body());
                assertEquals("v" + i, r.body());
            }
        }
    }

    private Path twoNodeConf(String id, String members) throws IOException {
        Path conf = home.resolve(id).resolve("conf");
        Files.createDirectories(conf.resolve("tables"));
        Files.writeString(conf.resolve("node.properties"), "node.id = " + id + "\ncluster.nodes = " + members
                + "\nq = 16\n");
        Files.writeString(conf.resolve("tables/pairs.properties"), "n = 2\nr = 2\nw = 2\n");
        return conf;
    }

    @Test
    void aFailedStartClosesWhatItOpened() throws Exception {
        int[] ports = freePorts(2);
        Path conf = home.resolve("conf");
        Files.createDirectories(conf.resolve("tables"));
        Files.writeString(conf.resolve("node.properties"), "node.id = n1\nbinary.port = " + ports[0]
                + "\nhttp.port = " + ports[1] + "\n");
        Path table = conf.resolve("tables/default.properties");
        Files.writeString(table, "n = 1\nengine.mvstore.no-such-setting = 1\n");

        ConfigException e = assertThrows(ConfigException.class, () -> DynamoServer.start(conf));
        assertEquals(table, e.file());
        assertTrue(e.getMessage().contains("no-such-setting"), e.getMessage());

        // the binary port was bound before the engines failed: it must be free again
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), ports[0]));
        }
        Files.writeString(table, "n = 1\n");
        try (DynamoServer server = DynamoServer.start(conf)) {
            assertEquals(ports[0], server.binaryPort());
            assertFalse(server.node().tables().isEmpty());
        }
    }

    @Test
    void badConfigurationFailsBeforeAnythingOpens() throws Exception {
        Path conf = oneNodeConf("r = abc\n");
        ConfigException e = assertThrows(ConfigException.class, () -> DynamoServer.start(conf));
        assertEquals(conf.resolve("tables/default.properties") + ": key 'r' = 'abc': must be an integer between 1"
                + " and n=3", e.getMessage());
        assertFalse(Files.exists(home.resolve("data")), "no data directory was created");

        Cli cli = Cli.run("", "server", "--conf", conf.toString());
        assertEquals(2, cli.code);
        assertEquals("error: bad configuration: " + e.getMessage() + "\n", cli.err);
    }

    @Test
    void aValueLimitOverTheFrameLimitFailsBeforeAnythingOpens() throws Exception {
        Path conf = oneNodeConf("n = 1\n");
        Files.writeString(conf.resolve("node.properties"), "node.id = solo\nbinary.port = 0\nhttp.port = 0\n"
                + "transport.netty.max-frame-bytes = 131072\n");
        ConfigException e = assertThrows(ConfigException.class, () -> DynamoServer.start(conf));
        assertEquals(conf.resolve("tables/default.properties"), e.file());
        assertTrue(e.getMessage().contains("key 'max-value-bytes' = '1048576'")
                && e.getMessage().contains("transport.netty.max-frame-bytes = 131072"), e.getMessage());
        assertFalse(Files.exists(home.resolve("data")), "no data directory was created");

        // a frame with room for the value and its envelope: the node starts and serves
        Files.writeString(conf.resolve("tables/default.properties"), "n = 1\nmax-value-bytes = 1000\n");
        try (DynamoServer server = DynamoServer.start(conf); DynamoClient client = client(server)) {
            client.put("default", KEY, Context.EMPTY, "fits".getBytes(StandardCharsets.UTF_8));
            assertEquals("fits", new String(client.get("default", KEY).value(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void contextsFromTheCommandLineAreTheApiContexts() throws Exception {
        try (DynamoServer server = DynamoServer.start(oneNodeConf("n = 1\n"))) {
            Cli put = Cli.run("", "put", "--table", "default", "--seed", server.binaryAddress(), "k", "v");
            Context c = Context.fromBase64(put.out.substring("context: ".length()).trim());
            assertFalse(c.isEmpty());
            Cli bad = Cli.run("", "put", "--table", "default", "--seed", server.binaryAddress(), "--context", "%%%",
                    "k", "v");
            assertEquals(2, bad.code);
            assertTrue(bad.err.startsWith("error bad_request: malformed context"), bad.err);
        }
    }

    private static int[] freePorts(int count) throws IOException {
        ServerSocket[] sockets = new ServerSocket[count];
        int[] ports = new int[count];
        try {
            for (int i = 0; i < count; i++) {
                sockets[i] = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
                ports[i] = sockets[i].getLocalPort();
            }
        } finally {
            for (ServerSocket s : sockets) {
                if (s != null) {
                    s.close();
                }
            }
        }
        return ports;
    }

    /** One command line run in-process. */
    private record Cli(int code, String out, String err) {
        static Cli run(String stdin, String... args) {
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            int code = Main.run(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                    new PrintWriter(out, true), new PrintWriter(err, true), args);
            return new Cli(code, out.toString(), err.toString());
        }
    }
}
