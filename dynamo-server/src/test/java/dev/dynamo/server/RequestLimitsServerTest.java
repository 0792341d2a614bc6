package dev.dynamo.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dynamo.api.Context;
import dev.dynamo.api.DynamoClient;
import dev.dynamo.api.GetResult;
import dev.dynamo.api.LimitExceededException;
import dev.dynamo.api.RequestOptions;
import dev.dynamo.api.TooManySiblingsException;
import dev.dynamo.api.VectorClock;
import dev.dynamo.client.DynamoClusterClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The request limits of node.properties (docs/limits.md, "Requests" and "Siblings") on a real
 * node: each refused over HTTP and the binary protocol with the setting, the value and the
 * maximum, counted in /metrics, and the node and the key still serving afterwards.
 */
@Timeout(120)
class RequestLimitsServerTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path home;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private Path conf(String nodeExtra, String tableText) throws IOException {
        Path conf = home.resolve("conf");
        Files.createDirectories(conf.resolve("tables"));
        Files.writeString(conf.resolve("node.properties"), "node.id = solo\nbinary.port = 0\nhttp.port = 0\n"
                + nodeExtra);
        Files.writeString(conf.resolve("tables/default.properties"), tableText);
        return conf;
    }

    private HttpResponse<String> send(DynamoServer server, String method, String path, String context, byte[] body)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://" + server.httpAddress() + path))
                .timeout(Duration.ofSeconds(30));
        if (context != null) {
            b.header("X-Dynamo-Context", context);
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode refusal(HttpResponse<String> r, int status, String error, String limit) throws IOException {
        assertEquals(status, r.statusCode(), r.body());
        JsonNode body = JSON.readTree(r.body());
        assertEquals(error, body.path("error").asText(), r.body());
        assertEquals(limit, body.path("limit").asText(), r.body());
        return body;
    }

    private long refusals(DynamoServer server, String limit) throws Exception {
        String prefix = "dynamo_limit_refusals_total{limit=\"" + limit + "\"";
        return send(server, "GET", "/metrics", null, null).body().lines().filter(l -> l.startsWith(prefix))
                .mapToLong(l -> (long) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static Context context(int entries, long counter) {
        List<VectorClock.Entry> list = new ArrayList<>();
        for (int i = 0; i < entries; i++) {
            list.add(new VectorClock.Entry("other" + i, counter, 1));
        }
        return Context.of(VectorClock.of(list));
    }

    @Test
    void requestLimitsOfNodePropertiesAreRefusedCountedAndTheNodeServes() throws Exception {
        Path conf = conf("max-key-bytes = 16\nrequest.max-timeout-ms = 2000\ncontext.max-entries = 4\n"
                + "context.max-counter = 4294967296\n", "n = 1\n");
        try (DynamoServer server = DynamoServer.start(conf);
             DynamoClient client = DynamoClusterClient.builder().seeds(server.binaryAddress()).build()) {
            // max-key-bytes: 17 bytes over HTTP and binary
            JsonNode key = refusal(send(server, "PUT", "/tables/default/keys/" + "k".repeat(17), null, bytes("v")),
                    400, "limit_exceeded", "max-key-bytes");
            assertEquals(17, key.path("value").asLong());
            assertEquals(16, key.path("max").asLong());
            LimitExceededException binaryKey = assertThrows(LimitExceededException.class,
                    () -> client.put("default", bytes("k".repeat(17)), Context.EMPTY, bytes("v")));
            assertEquals("max-key-bytes", binaryKey.limit());
            assertEquals(17, binaryKey.value());
            assertEquals(16, binaryKey.max());

            // request.max-timeout-ms
            JsonNode timeout = refusal(send(server, "GET", "/tables/default/keys/k?timeout_ms=2001", null, null),
                    400, "limit_exceeded", "request.max-timeout-ms");
            assertEquals(2001, timeout.path("value").asLong());
            assertEquals(2000, timeout.path("max").asLong(), "the table's timeout-ms (1000 by default) is shorter");
            LimitExceededException binaryTimeout = assertThrows(LimitExceededException.class, () -> client.get(
                    "default", bytes("k"), RequestOptions.DEFAULT.withTimeout(Duration.ofMillis(2001))));
            assertEquals("request.max-timeout-ms", binaryTimeout.limit());

            // context.max-entries and context.max-counter
            JsonNode entries = refusal(send(server, "PUT", "/tables/default/keys/k", context(5, 1).toBase64(),
                    bytes("v")), 400, "limit_exceeded", "context.max-entries");
            assertEquals(5, entries.path("value").asLong());
            assertEquals(4, entries.path("max").asLong());
            LimitExceededException binaryEntries = assertThrows(LimitExceededException.class,
                    () -> client.put("default", bytes("k"), context(5, 1), bytes("v")));
            assertEquals("context.max-entries", binaryEntries.limit());
            long forged = (1L << 32) + 1;
            JsonNode counter = refusal(send(server, "PUT", "/tables/default/keys/k", context(1, forged).toBase64(),
                    bytes("v")), 400, "limit_exceeded", "context.max-counter");
            assertEquals(forged, counter.path("value").asLong());
            LimitExceededException binaryCounter = assertThrows(LimitExceededException.class,
                    () -> client.put("default", bytes("k"), context(1, forged), bytes("v")));
            assertEquals("context.max-counter", binaryCounter.limit());

            // context.max-key-entries: half of context.max-entries unless set
            JsonNode grown = refusal(send(server, "PUT", "/tables/default/keys/k", context(3, 1).toBase64(),
                    bytes("v")), 400, "limit_exceeded", "context.max-key-entries");
            assertEquals(2, grown.path("max").asLong());
            LimitExceededException binaryGrown = assertThrows(LimitExceededException.class,
                    () -> client.put("default", bytes("k"), context(3, 1), bytes("v")));
            assertEquals("context.max-key-entries", binaryGrown.limit());

            assertEquals(2, refusals(server, "max-key-bytes"));
            assertEquals(2, refusals(server, "context.max-key-entries"));
            assertEquals(2, refusals(server, "request.max-timeout-ms"));
            assertEquals(2, refusals(server, "context.max-entries"));
            assertEquals(2, refusals(server, "context.max-counter"));

            // within every limit, the node and the key serve
            assertEquals(204, send(server, "PUT", "/tables/default/keys/" + "k".repeat(16) + "?timeout_ms=2000",
                    context(1, 1L << 32).toBase64(), bytes("fits")).statusCode());
            assertEquals("fits", send(server, "GET", "/tables/default/keys/" + "k".repeat(16), null, null).body());
            client.put("default", bytes("k"), Context.EMPTY, bytes("still"));
            assertArrayEquals(bytes("still"), client.get("default", bytes("k")).value());
        }
    }

    @Test
    void siblingsTooLargeForOneFrameAreRefusedAndTheKeyStaysReadableAndWritable() throws Exception {
        // frames of 128 KiB: three siblings of 40000 bytes fit in one, four would not
        Path conf = conf("transport.netty.max-frame-bytes = 131072\n",
                "n = 1\nreconciler = siblings\nmax-value-bytes = 60000\nmax-siblings = 100\n");
        byte[] key = bytes("crowded");
        try (DynamoServer server = DynamoServer.start(conf);
             DynamoClient client = DynamoClusterClient.builder().seeds(server.binaryAddress()).build()) {
            int accepted = 0;
            TooManySiblingsException refused = null;
            for (int i = 0; i < 10 && refused == null; i++) {
                byte[] value = new byte[40_000];
                Arrays.fill(value, (byte) ('a' + i));
                try {
                    client.put("default", key, Context.EMPTY, value); // blind: one sibling more each
                    accepted++;
                } catch (TooManySiblingsException e) {
                    refused = e;
                }
            }
            assertTrue(refused != null, "blind writes of 40000 bytes each were all accepted");
            assertEquals(3, accepted, "three siblings fit in a 128 KiB frame, four do not");
            assertEquals("transport.netty.max-frame-bytes", refused.limit());
            assertEquals("default", refused.table());
            assertTrue(refused.value() > refused.max() && refused.max() <= 131072, refused.getMessage());

            byte[] blind = new byte[40_000];
            JsonNode overHttp = refusal(send(server, "PUT", "/tables/default/keys/crowded", null, blind), 409,
                    "too_many_siblings", "transport.netty.max-frame-bytes");
            assertEquals(refused.max(), overHttp.path("max").asLong());
            assertEquals(2, refusals(server, "transport.netty.max-frame-bytes"));

            // the key stays readable in one frame, and the documented way out works
            GetResult all = client.get("default", key);
            assertEquals(3, all.siblings().size());
            assertEquals(300, send(server, "GET", "/tables/default/keys/crowded", null, null).statusCode());
            client.put("default", key, all.context(), bytes("merged"));
            GetResult merged = client.get("default", key);
            assertEquals(1, merged.siblings().size());
            assertArrayEquals(bytes("merged"), merged.value());
            client.put("default", key, Context.EMPTY, new byte[40_000]);
            assertEquals(2, client.get("default", key).siblings().size(), "blind writes fit again");
        }
    }

    /** A gauge of the node's /metrics; fails when absent. */
    private double gauge(DynamoServer server, String name) throws Exception {
        return send(server, "GET", "/metrics", null, null).body().lines().filter(l -> l.startsWith(name + " ")
                || l.startsWith(name + "{")).mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .findFirst().orElseThrow(() -> new AssertionError(name + " is not in /metrics"));
    }

    @Test
    void theLoadOfBothPortsIsInMetrics() throws Exception {
        try (DynamoServer server = DynamoServer.start(conf("", "n = 1\n"))) {
            assertEquals(0, gauge(server, "dynamo_binary_connections"), "a one-node cluster: nobody connected yet");
            assertEquals(0, gauge(server, "dynamo_binary_inflight"));
            assertEquals(0, gauge(server, "dynamo_binary_queued"));
            assertEquals(0, gauge(server, "dynamo_http_queued"));
            assertTrue(gauge(server, "dynamo_http_connections") >= 1, "the scrape's own connection");
            assertTrue(gauge(server, "dynamo_http_inflight") >= 1, "the scrape itself is being served");
            try (DynamoClient client = DynamoClusterClient.builder().seeds(server.binaryAddress()).build()) {
                client.put("default", bytes("k"), Context.EMPTY, bytes("v"));
                assertTrue(gauge(server, "dynamo_binary_connections") >= 1, "the client's connection");
            }
        }
    }
}
