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
import io.micrometer.core.instrument.Gauge;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Replica failures, deadlines, several nodes and shutdown, over real HTTP. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HttpApiFailureTest {

    @TempDir
    Path dir;

    @Test
    void threeNodesServeAndDescribeTheCluster() {
        try (HttpTestServer c = HttpTestServer.start(3, dir, TableConfig.of("t", 3, 2, 2, "memory", "lww"))) {
            assertEquals(204, c.put("/tables/t/keys/k", "v").statusCode());
            assertEquals("v", body(c.get("/tables/t/keys/k?r=3")));

            JsonNode cluster = json(c.get("/cluster"));
            assertEquals(3, cluster.path("nodes").size());
            int partitions = 0;
            Set<String> ids = new HashSet<>();
            for (JsonNode n : cluster.path("nodes")) {
                ids.add(n.path("id").asText());
                assertEquals("up", n.path("status").asText());
                assertEquals("local:" + n.path("id").asText(), n.path("address").asText());
                partitions += n.path("partitions").asInt();
            }
            assertEquals(Set.of("n1", "n2", "n3"), ids);
            assertEquals(HttpTestServer.Q, partitions, "every partition has one owner");
            assertError(c.get("/tables/t/keys/k?r=4"), 400, "bad_request");
        }
    }

    @Test
    void tooFewReplicasIs503WithRequiredAndAcknowledged() {
        // a long deadline: on a starved machine the replicas' failures must still arrive before it
        TableConfig t = TableConfig.of("t", 3, 2, 2, "memory", "lww").withTimeoutMillis(15_000);
        try (HttpTestServer c = HttpTestServer.start(3, dir, t)) {
            assertEquals(204, c.put("/tables/t/keys/k", "v").statusCode());
            c.cluster().network().crash("n2");
            c.cluster().network().crash("n3");

            HttpResponse<byte[]> put = c.put("/tables/t/keys/k", "w");
            assertError(put, 503, "insufficient_replicas");
            assertEquals(2, json(put).path("required").asInt());
            assertEquals(1, json(put).path("acknowledged").asInt());

            HttpResponse<byte[]> get = c.get("/tables/t/keys/k");
            assertError(get, 503, "insufficient_replicas");
            assertEquals(2, json(get).path("required").asInt());
            assertEquals(1, json(get).path("acknowledged").asInt());

            // r=1 and w=1 lower the bar for one request
            assertEquals(200, c.get("/tables/t/keys/k?r=1").statusCode());
            assertEquals(204, c.put("/tables/t/keys/k?w=1", "w").statusCode());

            HttpResponse<byte[]> del = c.send("DELETE", "/tables/t/keys/k?w=3", null);
            assertError(del, 503, "insufficient_replicas");
            assertEquals(3, json(del).path("required").asInt());
            assertTrue(body(c.get("/metrics")).lines().anyMatch(l -> l.startsWith("dynamo_requests_total{")
                    && l.contains("outcome=\"insufficient_replicas\"")));
        }
    }

    @Test
    void aDeadlineThatPassesIs504() {
        TableConfig t = TableConfig.of("t", 2, 2, 2, "memory", "lww").withTimeoutMillis(200);
        try (HttpTestServer c = HttpTestServer.withSilentPeer(dir, t)) {
            assertError(c.get("/tables/t/keys/k"), 504, "timeout");
            assertError(c.put("/tables/t/keys/k", "v"), 504, "timeout");
            assertError(c.get("/tables/t/keys/k?timeout_ms=50"), 504, "timeout");
            // r=1 does not wait for the silent peer; the timed-out put was stored on n1 all the same
            HttpResponse<byte[]> one = c.get("/tables/t/keys/k?r=1");
            assertEquals(200, one.statusCode(), () -> body(one));
            assertEquals("v", body(one));
        }
    }

    @Test
    void closeLetsARequestInFlightFinishAndRefusesNewOnes() throws Exception {
        TableConfig t = TableConfig.of("t", 2, 2, 2, "memory", "lww").withTimeoutMillis(3_000);
        try (HttpTestServer c = HttpTestServer.withSilentPeer(dir, t)) {
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            int port = c.server().port();
            try (Socket idle = new Socket("127.0.0.1", port)) {
                CompletableFuture<HttpResponse<String>> slow = client.sendAsync(
                        HttpRequest.newBuilder(c.uri("/tables/t/keys/k")).build(),
                        HttpResponse.BodyHandlers.ofString());
                Gauge inFlight = c.metrics().registry().find("dynamo.http.inflight").gauge();
                for (int i = 0; i < 500 && inFlight.value() < 1; i++) {
                    Thread.sleep(10);
                }
                assertEquals(1.0, inFlight.value(), "the slow get is in flight");

                Thread closer = new Thread(c.server()::close, "closer");
                closer.start();
                // the listening socket goes first, while the slow get still runs
                boolean refused = false;
                for (int i = 0; i < 500 && !refused; i++) {
                    try {
                        new Socket("127.0.0.1", port).close();
                        Thread.sleep(2);
                    } catch (ConnectException e) {
                        refused = true;
                    }
                }
                assertTrue(refused, "no new connections while closing");
                idle.setSoTimeout(5_000);
                idle.getOutputStream().write("GET /health HTTP/1.1\r\nHost: x\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                String answer = new String(idle.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
                assertTrue(answer.startsWith("HTTP/1.1 503 "), answer);
                assertTrue(answer.contains("\"error\":\"shutting_down\""), answer);

                HttpResponse<String> r = slow.get(10, TimeUnit.SECONDS);
                assertEquals(504, r.statusCode(), "the request in flight was answered, not cut: " + r.body());
                closer.join(10_000);
                assertFalse(closer.isAlive());
            }
        }
    }

    @Test
    void theNioTransportWorksToo() {
        HttpApiServer.Options nio = HttpApiServer.Options.DEFAULT.withNativeTransport(false).withIoThreads(1)
                .withWorkerThreads(1);
        try (HttpTestServer c = HttpTestServer.start(1, dir, nio, TableConfig.of("t", 1, 1, 1, "memory", "lww"))) {
            assertEquals("nio", c.server().transport());
            assertEquals(204, c.put("/tables/t/keys/k", "v").statusCode());
            assertEquals("v", body(c.get("/tables/t/keys/k")));
        }
    }

    @Test
    void closeStopsAcceptingAndIsIdempotent() {
        int port;
        try (HttpTestServer c = HttpTestServer.start(1, dir, TableConfig.of("t", 1, 1, 1, "memory", "lww"))) {
            port = c.server().port();
            assertEquals(200, c.get("/health").statusCode());
            c.server().close();
            c.server().close();
            assertThrows(UncheckedIOException.class, () -> c.get("/health"));
        }
        assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", port).close());
    }

    @Test
    void aTakenPortFailsWithTheAddress() throws IOException {
        try (HttpTestServer c = HttpTestServer.start(1, dir, TableConfig.of("t", 1, 1, 1, "memory", "lww"))) {
            UncheckedIOException e = assertThrows(UncheckedIOException.class,
                    () -> HttpApiServer.start(c.cluster().node("n1"), "127.0.0.1", c.server().port(), c.metrics()));
            assertTrue(e.getMessage().contains("127.0.0.1:" + c.server().port()), e.getMessage());
        }
    }
}
