package dev.dynamo.http;

import static dev.dynamo.http.HttpApiServerTest.assertError;
import static dev.dynamo.http.HttpApiServerTest.body;
import static dev.dynamo.http.HttpApiServerTest.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dynamo.core.table.TableConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The limits of the HTTP port (docs/limits.md, "HTTP port"), each driven past on a real
 * server over raw sockets, after which the node still serves a put and a get.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HttpLimitsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TableConfig TABLE = TableConfig.of("default", 1, 1, 1, "memory", "lww");
    /** A small send buffer makes a client still be writing its body when the server answers. */
    private static final int SMALL_SEND_BUFFER = 64 * 1024;

    @TempDir
    Path dir;

    // ------------------------------------------------------------------ lingering close after 413

    @Test
    void anOversizedBodySentWithoutWaitingIsAnswered413EveryTime() throws IOException {
        try (HttpTestServer c = HttpTestServer.start(1, dir, TABLE)) {
            byte[] body = new byte[2 << 20];
            String[] connection = {"close", "keep-alive"};
            for (int i = 0; i < 20; i++) {
                try (Socket s = socket(c)) {
                    s.setSendBufferSize(SMALL_SEND_BUFFER);
                    OutputStream out = s.getOutputStream();
                    out.write(("PUT /tables/default/keys/big HTTP/1.1\r\nHost: x\r\nContent-Length: " + body.length
                            + "\r\nConnection: " + connection[i % 2] + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(body); // no Expect: 100-continue, as Python's urllib and many libraries send
                    out.flush();
                    String response = readResponse(s.getInputStream());
                    assertTrue(response.startsWith("HTTP/1.1 413 "), i + ": " + response);
                    JsonNode error = JSON.readTree(bodyOf(response));
                    assertEquals("value_too_large", error.path("error").asText(), response);
                    assertEquals(body.length, error.path("size").asLong(), response);
                }
            }
            assertServes(c);
        }
    }

    @Test
    void aBodyFarOverTheLingerCapIsCutOffWithoutHangingAndCounted() throws IOException {
        HttpApiServer.Options options = HttpApiServer.Options.DEFAULT.withLinger(256 * 1024, Duration.ofSeconds(30));
        try (HttpTestServer c = HttpTestServer.start(1, dir, options, TABLE)) {
            long length = 64L << 20;
            for (String connection : new String[] {"close", "keep-alive"}) {
                try (Socket s = socket(c)) {
                    s.setSendBufferSize(SMALL_SEND_BUFFER);
                    OutputStream out = s.getOutputStream();
                    byte[] chunk = new byte[64 * 1024];
                    long sent = 0;
                    IOException cut = null;
                    try {
                        out.write(("PUT /tables/default/keys/big HTTP/1.1\r\nHost: x\r\nContent-Length: " + length
                                + "\r\nConnection: " + connection + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                        while (sent < length) { // bounded: 1024 chunks
                            out.write(chunk);
                            sent += chunk.length;
                        }
                    } catch (IOException e) {
                        cut = e;
                    }
                    assertTrue(cut != null, connection + ": the server stopped reading long before " + length
                            + " bytes, yet all were sent");
                }
            }
            assertTrue(refusals(c, "http.linger-max-bytes") >= 2, "each cut is counted");
            assertServes(c);
        }
    }

    // ------------------------------------------------------------------ connections

    @Test
    void aConnectionOverTheCapIsAnswered503AndClosed() throws Exception {
        HttpApiServer.Options options = HttpApiServer.Options.DEFAULT.withMaxConnections(2);
        try (HttpTestServer c = HttpTestServer.start(1, dir, options, TABLE)) {
            try (Socket first = socket(c); Socket second = socket(c)) {
                // each answers, so each was accepted under the cap before the next one opens
                assertTrue(exchange(first, "GET /health HTTP/1.1\r\nHost: x\r\n\r\n").startsWith("HTTP/1.1 200 "));
                assertTrue(exchange(second, "GET /health HTTP/1.1\r\nHost: x\r\n\r\n").startsWith("HTTP/1.1 200 "));
                try (Socket third = socket(c)) {
                    String response = exchange(third, "GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
                    assertTrue(response.startsWith("HTTP/1.1 503 "), response);
                    JsonNode error = JSON.readTree(bodyOf(response));
                    assertEquals("overloaded", error.path("error").asText(), response);
                    assertEquals("http.max-connections", error.path("limit").asText(), response);
                    assertEquals(2, error.path("value").asLong(), response);
                    assertEquals(2, error.path("max").asLong(), response);
                    assertTrue(response.toLowerCase(Locale.ROOT).contains("connection: close"), response);
                    assertEquals(-1, third.getInputStream().read(), "then the server closes it");
                }
                assertEquals(1.0, refusals(c, "http.max-connections"));
                // the connections under the cap carry on
                assertTrue(exchange(first, "GET /health HTTP/1.1\r\nHost: x\r\n\r\n").startsWith("HTTP/1.1 200 "));
            }
            awaitConnections(c, 0);
            assertServes(c);
        }
    }

    @Test
    void anIdleKeepAliveConnectionIsClosedAtTheIdleTimeout() throws IOException {
        HttpApiServer.Options options = HttpApiServer.Options.DEFAULT.withIdleTimeout(Duration.ofMillis(300));
        try (HttpTestServer c = HttpTestServer.start(1, dir, options, TABLE)) {
            try (Socket s = socket(c)) {
                assertTrue(exchange(s, "GET /health HTTP/1.1\r\nHost: x\r\n\r\n").startsWith("HTTP/1.1 200 "));
                s.setSoTimeout(20_000); // far above the idle timeout: a guard against a hang, not a measure
                assertEquals(-1, s.getInputStream().read(), "the server closed the idle connection");
            }
            assertEquals(0.0, refusals(c, "http.idle-timeout-ms"), "closing an idle connection is not a refusal");
            assertServes(c);
        }
    }

    @Test
    void aRequestWhoseHeadersTrickleInIsCutOffAtTheIdleTimeout() throws IOException {
        HttpApiServer.Options options = HttpApiServer.Options.DEFAULT.withIdleTimeout(Duration.ofMillis(500));
        try (HttpTestServer c = HttpTestServer.start(1, dir, options, TABLE)) {
            boolean closed = false;
            int sent = 0;
            try (Socket s = socket(c)) {
                OutputStream out = s.getOutputStream();
                out.write("GET /health HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII));
                s.setSoTimeout(50); // one header line every 50 ms: each gap alone is far below the timeout
                for (int i = 0; i < 1_000 && !closed; i++) {
                    try {
                        out.write(("X-Slow-" + i + ": a\r\n").getBytes(StandardCharsets.US_ASCII));
                        sent++;
                        closed = s.getInputStream().read() == -1;
                    } catch (SocketTimeoutException e) {
                        // nothing from the server yet: still open
                    } catch (IOException e) {
                        closed = true; // reset: the server is gone
                    }
                }
            }
            assertTrue(closed, "the server closed the connection of a request that never ends (" + sent
                    + " header lines sent)");
            assertTrue(sent > 1, "several lines went in before the cut");
            assertEquals(1.0, refusals(c, "http.idle-timeout-ms"));
            assertServes(c);
        }
    }

    // ------------------------------------------------------------------ requests in flight and queued

    @Test
    void aRequestOverTheInFlightCapIsAnswered503() throws Exception {
        TableConfig slow = TableConfig.of("slow", 2, 2, 2, "memory", "lww").withTimeoutMillis(3_000);
        TableConfig quick = TableConfig.of("quick", 2, 1, 1, "memory", "lww");
        HttpApiServer.Options options = HttpApiServer.Options.DEFAULT.withMaxInFlight(1);
        try (HttpTestServer c = HttpTestServer.withSilentPeer(dir, options, slow, quick)) {
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            CompletableFuture<HttpResponse<String>> waiting = client.sendAsync(
                    HttpRequest.newBuilder(c.uri("/tables/slow/keys/k")).build(), HttpResponse.BodyHandlers.ofString());
            Gauge inFlight = c.metrics().registry().find("dynamo.http.inflight").gauge();
            for (int i = 0; i < 1_000 && inFlight.value() < 1; i++) {
                Thread.sleep(10);
            }
            assertEquals(1.0, inFlight.value(), "the get waiting for the silent peer is in flight");

            HttpResponse<byte[]> refused = c.get("/tables/quick/keys/k");
            assertError(refused, 503, "overloaded");
            assertEquals("http.max-in-flight", json(refused).path("limit").asText(), body(refused));
            assertEquals(1, json(refused).path("value").asLong());
            assertEquals(1, json(refused).path("max").asLong());
            assertEquals(1.0, refusals(c, "http.max-in-flight"));

            assertEquals(504, waiting.get(30, TimeUnit.SECONDS).statusCode(), "the request in flight was served");
            for (int i = 0; i < 1_000 && inFlight.value() > 0; i++) {
                Thread.sleep(10);
            }
            assertEquals(204, c.put("/tables/quick/keys/k", "v").statusCode());
            assertEquals("v", body(c.get("/tables/quick/keys/k")));
        }
    }

    @Test
    void aFullWorkerQueueIsAnswered503NamingItsSize() throws Exception {
        try (HttpTestServer c = HttpTestServer.start(1, dir, TABLE)) {
            ThreadPoolExecutor workers = new ThreadPoolExecutor(1, 1, 1, TimeUnit.MINUTES,
                    new ArrayBlockingQueue<>(3));
            CountDownLatch release = new CountDownLatch(1);
            try {
                HttpApi api = new HttpApi(c.cluster().node("n1"), c.metrics(), workers, 3);
                for (int i = 0; i < 4; i++) { // one runs and blocks, three fill the queue
                    workers.execute(() -> {
                        try {
                            release.await(30, TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    });
                }
                Reply refused = api.handle("GET", "/tables/default/keys/k", null, new byte[0]).get(10,
                        TimeUnit.SECONDS);
                assertEquals(503, refused.status());
                JsonNode error = JSON.readTree(refused.body());
                assertEquals("overloaded", error.path("error").asText());
                assertEquals("http.max-queued-requests", error.path("limit").asText());
                assertEquals(3, error.path("max").asLong(), "the real queue size, not -1");
                assertEquals(1.0, refusals(c, "http.max-queued-requests"));

                release.countDown();
                for (int i = 0; i < 1_000 && !workers.getQueue().isEmpty(); i++) {
                    Thread.sleep(10);
                }
                Reply served = api.handle("GET", "/tables/default/keys/k", null, new byte[0]).get(10,
                        TimeUnit.SECONDS);
                assertEquals(404, served.status(), "the queue drained: the request is served (key absent)");
            } finally {
                release.countDown();
                workers.shutdownNow();
            }
            assertServes(c);
        }
    }

    // ------------------------------------------------------------------ request line and headers

    @Test
    void aRequestLineOrHeaderBlockOverItsLimitIs400LimitExceeded() throws IOException {
        HttpApiServer.Options options = HttpApiServer.Options.DEFAULT.withMaxRequestLineBytes(1024)
                .withMaxHeaderBytes(2048);
        try (HttpTestServer c = HttpTestServer.start(1, dir, options, TABLE)) {
            String longLine = c.raw("GET /tables/default/keys/" + "k".repeat(2_000) + " HTTP/1.1\r\nHost: x\r\n\r\n",
                    5_000);
            assertTrue(longLine.startsWith("HTTP/1.1 400 "), longLine);
            JsonNode line = JSON.readTree(bodyOf(longLine));
            assertEquals("limit_exceeded", line.path("error").asText(), longLine);
            assertEquals("http.max-request-line-bytes", line.path("limit").asText(), longLine);
            assertEquals(1024, line.path("max").asLong(), longLine);

            String bigHeaders = c.raw("GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + "h".repeat(3_000)
                    + "\r\n\r\n", 5_000);
            assertTrue(bigHeaders.startsWith("HTTP/1.1 400 "), bigHeaders);
            JsonNode headers = JSON.readTree(bodyOf(bigHeaders));
            assertEquals("limit_exceeded", headers.path("error").asText(), bigHeaders);
            assertEquals("http.max-header-bytes", headers.path("limit").asText(), bigHeaders);
            assertEquals(2048, headers.path("max").asLong(), bigHeaders);

            assertEquals(1.0, refusals(c, "http.max-request-line-bytes"));
            assertEquals(1.0, refusals(c, "http.max-header-bytes"));
            assertServes(c);
        }
    }

    @Test
    void aKeyOverTheStoresLimitIs400LimitExceededAndTheLongestKeyIsServed() {
        // a request line long enough to carry such keys: the store's limit is the one that speaks
        HttpApiServer.Options options = HttpApiServer.Options.DEFAULT.withMaxRequestLineBytes(256 * 1024);
        try (HttpTestServer c = HttpTestServer.start(1, dir, options, TABLE)) {
            int max = dev.dynamo.core.coordination.RequestLimits.MAX_KEY_BYTES;
            String tooLong = "/tables/default/keys/" + "k".repeat(max + 1);
            for (HttpResponse<byte[]> r : java.util.List.of(c.put(tooLong, "v"), c.get(tooLong))) {
                assertError(r, 400, "limit_exceeded");
                assertEquals("max-key-bytes", json(r).path("limit").asText(), body(r));
                assertEquals(max + 1, json(r).path("value").asLong(), body(r));
                assertEquals(max, json(r).path("max").asLong(), body(r));
            }
            assertEquals(2.0, refusals(c, "max-key-bytes"));
            String longest = "/tables/default/keys/" + "k".repeat(max);
            assertEquals(204, c.put(longest, "v").statusCode());
            assertEquals("v", body(c.get(longest)));
        }
    }

    @Test
    void limitOptionsAreValidated() {
        HttpApiServer.Options d = HttpApiServer.Options.DEFAULT;
        for (Runnable bad : new Runnable[] {() -> d.withMaxConnections(0), () -> d.withMaxInFlight(0),
                () -> d.withIdleTimeout(Duration.ofMillis(1)), () -> d.withLinger(-1, Duration.ZERO),
                () -> d.withLinger(0, Duration.ofMillis(-1)), () -> d.withMaxRequestLineBytes(10),
                () -> d.withMaxHeaderBytes(Integer.MAX_VALUE), () -> d.withMaxQueuedRequests(0)}) {
            assertThrows(IllegalArgumentException.class, bad::run);
        }
    }

    // ------------------------------------------------------------------ helpers

    private static Socket socket(HttpTestServer c) throws IOException {
        Socket s = new Socket("127.0.0.1", c.server().port());
        s.setSoTimeout(20_000);
        return s;
    }

    /** Writes {@code request} on {@code s} and reads one response. */
    private static String exchange(Socket s, String request) throws IOException {
        s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
        return readResponse(s.getInputStream());
    }

    /** One response (status line, headers, Content-Length body) read off {@code in}, as ISO-8859-1 text. */
    static String readResponse(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        String end = "\r\n\r\n";
        int matched = 0;
        while (matched < end.length()) { // bounded by the socket's timeout and the server's header size
            int b = in.read();
            if (b < 0) {
                throw new EOFException("connection closed after " + head.toString(StandardCharsets.ISO_8859_1));
            }
            head.write(b);
            matched = b == end.charAt(matched) ? matched + 1 : b == '\r' ? 1 : 0;
        }
        String text = head.toString(StandardCharsets.ISO_8859_1);
        int length = 0;
        for (String line : text.split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(line.substring("content-length:".length()).trim());
            }
        }
        return text + new String(in.readNBytes(length), StandardCharsets.ISO_8859_1);
    }

    private static String bodyOf(String response) {
        return response.substring(response.indexOf("\r\n\r\n") + 4);
    }

    private static double refusals(HttpTestServer c, String limit) {
        Counter counter = c.metrics().registry().find("dynamo.limit.refusals").tag("limit", limit).counter();
        return counter == null ? 0 : counter.count();
    }

    /** Waits (bounded) until the server counts {@code n} open connections. */
    private static void awaitConnections(HttpTestServer c, int n) throws InterruptedException {
        Gauge open = c.metrics().registry().find("dynamo.http.connections").gauge();
        for (int i = 0; i < 1_000 && open.value() > n; i++) {
            Thread.sleep(10);
        }
        assertEquals(n, open.value(), "open connections");
    }

    /** The node still takes a put and serves it back. */
    private static void assertServes(HttpTestServer c) {
        assertEquals(204, c.put("/tables/default/keys/after", "fine").statusCode());
        assertEquals("fine", body(c.get("/tables/default/keys/after")));
    }
}
