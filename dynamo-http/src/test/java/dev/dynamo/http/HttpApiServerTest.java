package dev.dynamo.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dynamo.api.Context;
import dev.dynamo.api.GetResult;
import dev.dynamo.api.RequestOptions;
import dev.dynamo.core.table.TableConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The HTTP API of docs/http-api.md over real HTTP against a one-node cluster (other tests start their own). */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HttpApiServerTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private HttpTestServer c;

    @BeforeAll
    void start(@TempDir Path dir) {
        c = HttpTestServer.start(1, dir,
                TableConfig.of("default", 1, 1, 1, "memory", "lww"),
                TableConfig.of("sib", 1, 1, 1, "memory", "siblings"),
                TableConfig.of("small", 1, 1, 1, "memory", "lww").withMaxValueBytes(16));
    }

    @AfterAll
    void stop() {
        c.close();
    }

    static String body(HttpResponse<byte[]> r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    static JsonNode json(HttpResponse<byte[]> r) {
        try {
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String context(HttpResponse<byte[]> r) {
        return r.headers().firstValue("X-Dynamo-Context").orElse(null);
    }

    static void assertError(HttpResponse<byte[]> r, int status, String code) {
        assertEquals(status, r.statusCode(), () -> body(r));
        assertEquals("application/json", r.headers().firstValue("Content-Type").orElse(""));
        JsonNode j = json(r);
        assertEquals(code, j.path("error").asText(), body(r));
        assertFalse(j.path("message").asText().isEmpty(), "an error has a message: " + body(r));
    }

    // ------------------------------------------------------------------ key route

    @Test
    void putThenGetReturnsTheValueAndAContext() {
        HttpResponse<byte[]> put = c.put("/tables/default/keys/greeting", "hello");
        assertEquals(204, put.statusCode());
        assertEquals(0, put.body().length);
        String written = context(put);
        assertTrue(written != null && !written.isEmpty(), "PUT returns the context of the new version");
        Context.fromBase64(written); // decodes

        HttpResponse<byte[]> get = c.get("/tables/default/keys/greeting");
        assertEquals(200, get.statusCode());
        assertEquals("hello", body(get));
        assertEquals("application/octet-stream", get.headers().firstValue("Content-Type").orElse(""));
        assertEquals(Context.fromBase64(written), Context.fromBase64(context(get)));
    }

    @Test
    void valuesAreRawBytes() {
        byte[] value = new byte[256];
        for (int i = 0; i < value.length; i++) {
            value[i] = (byte) i;
        }
        assertEquals(204, c.send("PUT", "/tables/default/keys/bytes", value).statusCode());
        assertArrayEquals(value, c.get("/tables/default/keys/bytes").body());
        assertEquals(204, c.send("PUT", "/tables/default/keys/empty", new byte[0]).statusCode());
        HttpResponse<byte[]> empty = c.get("/tables/default/keys/empty");
        assertEquals(200, empty.statusCode());
        assertEquals(0, empty.body().length);
    }

    @Test
    void absentKeyIs404NotFoundWithoutContext() {
        HttpResponse<byte[]> r = c.get("/tables/default/keys/never-written");
        assertError(r, 404, "not_found");
        assertTrue(r.headers().firstValue("X-Dynamo-Context").isEmpty());
    }

    @Test
    void deleteIs204AndTheTombstoneReadsAs404WithContext() {
        String ctx = context(c.put("/tables/default/keys/doomed", "x"));
        HttpResponse<byte[]> del = c.send("DELETE", "/tables/default/keys/doomed", null, "X-Dynamo-Context", ctx);
        assertEquals(204, del.statusCode());
        String deleted = context(del);
        assertTrue(deleted != null && !deleted.isEmpty(), "DELETE returns the tombstone's context (extension)");

        HttpResponse<byte[]> get = c.get("/tables/default/keys/doomed");
        assertError(get, 404, "not_found");
        assertEquals(Context.fromBase64(deleted), Context.fromBase64(context(get)),
                "a tombstone read gives its context, so a later write supersedes the delete");
    }

    @Test
    void writeWithTheContextOfAReadSupersedesIt() {
        c.put("/tables/sib/keys/doc", "v1");
        String ctx = context(c.get("/tables/sib/keys/doc"));
        assertEquals(204, c.put("/tables/sib/keys/doc", "v2", "X-Dynamo-Context", ctx).statusCode());
        HttpResponse<byte[]> get = c.get("/tables/sib/keys/doc");
        assertEquals(200, get.statusCode(), "no sibling: v2 superseded v1");
        assertEquals("v2", body(get));
    }

    @Test
    void concurrentWritesOnASiblingsTableGive300WithBothAndTheirContextResolvesThem() {
        assertEquals(204, c.put("/tables/sib/keys/cart", "apple").statusCode());
        assertEquals(204, c.put("/tables/sib/keys/cart", "pear").statusCode()); // blind: concurrent

        HttpResponse<byte[]> r = c.get("/tables/sib/keys/cart");
        assertEquals(300, r.statusCode(), () -> body(r));
        assertEquals("application/json", r.headers().firstValue("Content-Type").orElse(""));
        JsonNode j = json(r);
        String ctx = j.path("context").asText();
        assertFalse(ctx.isEmpty());
        assertEquals(ctx, context(r), "the header repeats the body's context");
        Set<String> values = new HashSet<>();
        for (JsonNode s : j.path("siblings")) {
            values.add(new String(Base64.getDecoder().decode(s.path("value").asText()), StandardCharsets.UTF_8));
            assertTrue(s.path("timestamp").isIntegralNumber() && s.path("timestamp").asLong() > 1_600_000_000_000L,
                    "timestamp is wall-clock milliseconds: " + s);
        }
        assertEquals(Set.of("apple", "pear"), values);

        assertEquals(204, c.put("/tables/sib/keys/cart", "apple,pear", "X-Dynamo-Context", ctx).statusCode());
        HttpResponse<byte[]> merged = c.get("/tables/sib/keys/cart");
        assertEquals(200, merged.statusCode());
        assertEquals("apple,pear", body(merged));
    }

    @Test
    void concurrentWritesOnAnLwwTableGiveOneValue() {
        c.put("/tables/default/keys/lww", "first");
        c.put("/tables/default/keys/lww", "second");
        HttpResponse<byte[]> r = c.get("/tables/default/keys/lww");
        assertEquals(200, r.statusCode());
        assertTrue(Set.of("first", "second").contains(body(r)));
    }

    @Test
    void malformedContextIs400() {
        assertError(c.put("/tables/default/keys/k", "v", "X-Dynamo-Context", "not base64!"), 400, "bad_request");
        // base64 of bytes that are not a context
        assertError(c.put("/tables/default/keys/k", "v", "X-Dynamo-Context", "_w"), 400, "bad_request");
        assertError(c.send("DELETE", "/tables/default/keys/k", null, "X-Dynamo-Context", "AQ"), 400, "bad_request");
        HttpResponse<byte[]> r = c.put("/tables/default/keys/k", "v", "X-Dynamo-Context", "not base64!");
        assertTrue(json(r).path("message").asText().contains("X-Dynamo-Context"), body(r));
    }

    @Test
    void quorumParametersAreChecked() {
        c.put("/tables/default/keys/q", "v");
        assertEquals(200, c.get("/tables/default/keys/q?r=1").statusCode());
        assertEquals(204, c.put("/tables/default/keys/q?w=1", "v").statusCode());
        for (String bad : List.of("r=0", "r=2", "r=abc", "w=0", "w=2", "w=abc", "r=", "r=-1", "r=1.5",
                "r=99999999999999999999")) {
            String name = bad.substring(0, 1);
            String value = bad.substring(2);
            HttpResponse<byte[]> r = bad.startsWith("r") ? c.get("/tables/default/keys/q?" + bad)
                    : c.put("/tables/default/keys/q?" + bad, "v");
            assertError(r, 400, "bad_request");
            String message = json(r).path("message").asText();
            assertTrue(message.contains(name + "=" + value) || message.contains(name + "='" + value + "'"),
                    "names the parameter and value: " + message);
            assertTrue(message.contains("1 <= " + name + " <= n=1"), "gives the range: " + message);
        }
    }

    @Test
    void unknownOrRepeatedQueryParametersAre400() {
        assertError(c.get("/tables/default/keys/q?x=1"), 400, "bad_request");
        assertError(c.get("/tables/default/keys/q?r=1&r=1"), 400, "bad_request");
        assertError(c.get("/tables/default/keys/q?timeout_ms=0"), 400, "bad_request");
        c.put("/tables/default/keys/t", "v");
        assertEquals(200, c.get("/tables/default/keys/t?timeout_ms=5000").statusCode());
    }

    @Test
    void unknownTableIs404UnknownTable() {
        assertError(c.get("/tables/nope/keys/k"), 404, "unknown_table");
        assertError(c.put("/tables/nope/keys/k", "v"), 404, "unknown_table");
        assertError(c.send("DELETE", "/tables/nope/keys/k", null), 404, "unknown_table");
        assertTrue(json(c.get("/tables/nope/keys/k")).path("message").asText().contains("nope"));
    }

    @Test
    void valueOverMaxValueBytesIs413() {
        assertEquals(204, c.put("/tables/small/keys/k", "0123456789abcdef").statusCode()); // exactly 16
        HttpResponse<byte[]> r = c.put("/tables/small/keys/k", "0123456789abcdefg");
        assertError(r, 413, "value_too_large");
        assertEquals(17, json(r).path("size").asLong());
        assertEquals(16, json(r).path("max").asLong());
        assertEquals("0123456789abcdef", body(c.get("/tables/small/keys/k")), "nothing was written");
    }

    @Test
    void bodyOverTheServerLimitIs413WithoutReadingItAndTheConnectionKeepsWorking() {
        byte[] huge = new byte[c.server().bodyLimit() + 1];
        HttpResponse<byte[]> r = c.send("PUT", "/tables/default/keys/huge", huge);
        assertError(r, 413, "value_too_large");
        assertEquals(huge.length, json(r).path("size").asLong());
        assertEquals(TableConfig.DEFAULT_MAX_VALUE_BYTES, json(r).path("max").asLong());
        assertEquals(200, c.get("/health").statusCode());
    }

    @Test
    void oversizedBodyWithExpectContinueIsRefusedBeforeItIsSent() {
        int length = c.server().bodyLimit() + 10;
        String response = c.raw("PUT /tables/default/keys/huge HTTP/1.1\r\nHost: x\r\nContent-Length: " + length
                + "\r\nExpect: 100-continue\r\n\r\n", 2_000);
        assertTrue(response.startsWith("HTTP/1.1 413 "), response);
        assertTrue(response.contains("\"error\":\"value_too_large\""), response);
    }

    @Test
    void keysArePercentEncodedUtf8() {
        List<String> keys = List.of("a b", "a/b", "ключ ✓", "100%", "a+b", "?&=#", "é/ü", "日本語");
        for (String key : keys) {
            String path = "/tables/default/keys/" + PercentEncoding.encode(key);
            assertEquals(204, c.put(path, "value of " + key).statusCode(), key);
            HttpResponse<byte[]> r = c.get(path);
            assertEquals(200, r.statusCode(), key);
            assertEquals("value of " + key, body(r));
            // the key is the UTF-8 bytes: the Java API sees the same key
            GetResult direct = c.cluster().node("n1").get("default", key.getBytes(StandardCharsets.UTF_8),
                    RequestOptions.DEFAULT).join();
            assertEquals("value of " + key, new String(direct.value(), StandardCharsets.UTF_8), key);
        }
    }

    @Test
    void aRawSlashInTheKeyIsPartOfTheKey() {
        c.put("/tables/default/keys/users/42", "alice");
        assertEquals("alice", body(c.get("/tables/default/keys/users%2F42")));
    }

    @Test
    void malformedPercentEncodingIs400() {
        for (String key : List.of("a%zz", "a%2", "a%", "%G0", "%%")) {
            String response = c.raw("GET /tables/default/keys/" + key + " HTTP/1.1\r\nHost: x\r\nConnection: close"
                    + "\r\n\r\n", 5_000);
            assertTrue(response.startsWith("HTTP/1.1 400 "), key + ": " + response);
            assertTrue(response.contains("\"error\":\"bad_request\""), response);
            assertTrue(response.contains("percent-encoding"), response);
        }
        String badTable = c.raw("GET /tables/%FF/keys/k HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 5_000);
        assertTrue(badTable.startsWith("HTTP/1.1 400 "), badTable);
    }

    @Test
    void emptyKeyIs400() {
        assertError(c.get("/tables/default/keys/"), 400, "bad_request");
    }

    // ------------------------------------------------------------------ other routes

    @Test
    void tablesListsEveryTable() {
        HttpResponse<byte[]> r = c.get("/tables");
        assertEquals(200, r.statusCode());
        JsonNode j = json(r);
        assertTrue(j.isArray());
        List<String> names = new ArrayList<>();
        j.forEach(t -> names.add(t.path("name").asText()));
        assertEquals(List.of("default", "sib", "small"), names);
        JsonNode sib = j.get(1);
        assertEquals(1, sib.path("n").asInt());
        assertEquals(1, sib.path("r").asInt());
        assertEquals(1, sib.path("w").asInt());
        assertEquals("memory", sib.path("engine").asText());
        assertEquals("siblings", sib.path("reconciler").asText());
        assertEquals("all", sib.path("quorum").asText());
        assertEquals(16, j.get(2).path("max_value_bytes").asInt());
    }

    @Test
    void clusterDescribesTheRing() {
        JsonNode j = json(c.get("/cluster"));
        assertEquals("n1", j.path("node").asText());
        assertEquals(HttpTestServer.Q, j.path("q").asInt());
        assertTrue(j.path("ring_version").isIntegralNumber());
        JsonNode n1 = j.path("nodes").get(0);
        assertEquals("n1", n1.path("id").asText());
        assertEquals("up", n1.path("status").asText());
        assertEquals("local:n1", n1.path("address").asText());
        assertEquals(HttpTestServer.Q, n1.path("partitions").asInt());
        assertEquals("default", n1.path("zone").asText(), "a node without a zone is in the default zone");
        assertEquals("[\"default\"]", j.path("zones").toString());
    }

    @Test
    void healthIs200() {
        HttpResponse<byte[]> r = c.get("/health");
        assertEquals(200, r.statusCode());
        assertEquals("up", json(r).path("status").asText());
    }

    @Test
    void metricsCountRequests() {
        c.put("/tables/default/keys/m", "v");
        c.get("/tables/default/keys/m");
        c.get("/tables/nope/keys/m");
        HttpResponse<byte[]> r = c.get("/metrics");
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"));
        String text = body(r);
        assertTrue(text.contains("dynamo_requests_total{"), text);
        assertTrue(text.lines().anyMatch(l -> l.startsWith("dynamo_requests_total{") && l.contains("op=\"put\"")
                && l.contains("table=\"default\"") && l.contains("outcome=\"ok\"")), text);
        assertTrue(text.lines().anyMatch(l -> l.startsWith("dynamo_http_responses_total{")
                && l.contains("route=\"key\"") && l.contains("status=\"404\"")), text);
        assertTrue(text.contains("dynamo_request_latency_seconds_bucket{"), "latency histogram");
        assertTrue(text.lines().anyMatch(l -> l.startsWith("dynamo_http_responses_total{")
                && l.contains("route=\"key\"") && l.contains("status=\"204\"")), text);
        assertTrue(text.contains("dynamo_http_inflight"), "the server's own gauge");
    }

    @Test
    void wrongMethodIs405WithAllow() {
        HttpResponse<byte[]> r = c.send("POST", "/tables/default/keys/k", new byte[1]);
        assertError(r, 405, "method_not_allowed");
        assertEquals("GET, PUT, DELETE", r.headers().firstValue("Allow").orElse(""));
        HttpResponse<byte[]> h = c.send("DELETE", "/health", null);
        assertError(h, 405, "method_not_allowed");
        assertEquals("GET", h.headers().firstValue("Allow").orElse(""));
        assertError(c.send("PUT", "/tables", new byte[0]), 405, "method_not_allowed");
    }

    @Test
    void unknownPathIs404NoRoute() {
        for (String p : List.of("/", "/nope", "/tables/default", "/tables/default/keys", "/tables//keys/k",
                "/health/")) {
            assertError(c.get(p), 404, "no_route");
        }
    }

    // ------------------------------------------------------------------ connections

    @Test
    void keepsServingAfterBadRequests() {
        String garbage = c.raw("THIS IS NOT HTTP\r\n\r\n", 5_000);
        assertTrue(garbage.startsWith("HTTP/1.1 400 "), garbage);
        assertTrue(garbage.contains("\"error\":\"bad_request\""), garbage);
        c.raw("GET /tables/default/keys/%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 5_000);
        c.put("/tables/default/keys/k", "v", "X-Dynamo-Context", "!!");
        c.send("PUT", "/tables/default/keys/huge", new byte[c.server().bodyLimit() + 1]);
        c.get("/tables/default/keys/q?r=abc");
        String longLine = c.raw("GET /" + "a".repeat(HttpApiServer.MAX_INITIAL_LINE_BYTES + 10)
                + " HTTP/1.1\r\nHost: x\r\n\r\n", 5_000);
        assertTrue(longLine.startsWith("HTTP/1.1 400 "), longLine);
        assertEquals(204, c.put("/tables/default/keys/after", "fine").statusCode());
        assertEquals("fine", body(c.get("/tables/default/keys/after")));
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrder() {
        StringBuilder requests = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            requests.append("PUT /tables/default/keys/pipe").append(i).append(" HTTP/1.1\r\nHost: x\r\n")
                    .append("Content-Length: ").append(String.valueOf(i).length()).append("\r\n\r\n").append(i);
            requests.append("GET /tables/default/keys/pipe").append(i).append(" HTTP/1.1\r\nHost: x\r\n\r\n");
        }
        requests.append("GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        String response = c.raw(requests.toString(), 10_000);
        int from = 0;
        for (int i = 0; i < 20; i++) {
            int put = response.indexOf("HTTP/1.1 204 ", from);
            int get = response.indexOf("HTTP/1.1 200 ", put);
            assertTrue(put >= 0 && get > put, "response " + i + " in order: " + response);
            int bodyStart = response.indexOf("\r\n\r\n", get) + 4;
            assertEquals(String.valueOf(i), response.substring(bodyStart, bodyStart + String.valueOf(i).length()));
            from = bodyStart;
        }
        assertTrue(response.indexOf("\"status\":\"up\"", from) > 0, "the last answer is the health check");
    }

    @Test
    void http10WithoutKeepAliveIsClosedAfterTheAnswer() {
        String response = c.raw("GET /health HTTP/1.0\r\n\r\n", 5_000);
        assertTrue(response.startsWith("HTTP/1.1 200 "), response);
        assertTrue(response.toLowerCase().contains("connection: close"), response);
    }

    @Test
    void http10KeepAliveIsHonoured() {
        String response = c.raw("GET /health HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"
                + "GET /health HTTP/1.0\r\n\r\n", 5_000);
        assertEquals(2, response.split("HTTP/1.1 200 ", -1).length - 1, response);
        assertTrue(response.toLowerCase().contains("connection: keep-alive"), response);
    }

    @Test
    void aSocketThatDisappearsMidRequestDoesNotHurt() throws IOException {
        try (Socket s = new Socket("127.0.0.1", c.server().port())) {
            s.getOutputStream().write("PUT /tables/default/keys/x HTTP/1.1\r\nContent-Length: 100\r\n\r\nab"
                    .getBytes(StandardCharsets.ISO_8859_1));
        }
        assertEquals(200, c.get("/health").statusCode());
    }

    @Test
    void portIsTheBoundOne() {
        assertTrue(c.server().port() > 0);
        assertEquals(c.server().port(), c.server().address().getPort());
        assertTrue(Set.of("epoll", "nio").contains(c.server().transport()));
    }

    @Test
    void optionsAreValidated() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> HttpApiServer.Options.DEFAULT.withWorkerThreads(0));
        assertTrue(e.getMessage().contains("workerThreads"), e.getMessage());
    }
}
