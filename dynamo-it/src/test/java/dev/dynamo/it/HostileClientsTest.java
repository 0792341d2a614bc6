package dev.dynamo.it;

import static dev.dynamo.it.ProcessCluster.body;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dynamo.api.Context;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile and buggy clients against three real node JVMs while an honest client keeps
 * writing: each attack must get its typed refusal (or its connection closed), and afterwards
 * every node is healthy and every write the honest client saw acknowledged is readable. What
 * a platform team would try before putting the store on a shared network, in CI on every run.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class HostileClientsTest {
    private static final int SOCKET_TIMEOUT_MS = 10_000;
    private static final int MAX_SIBLINGS = 20;
    private static final int MAX_CONNECTIONS = 64;
    /** Binary connections past MAX_CONNECTIONS kept for peer nodes; silent clients there are closed after 2 s. */
    private static final int PEER_RESERVE = 4;
    private static final int IDLE_MS = 1_000;
    /** Small caps, so that a test can go past them; the defaults are in docs/limits.md. */
    private static final String NODE_LIMITS = "http.max-connections = " + MAX_CONNECTIONS + "\n"
            + "transport.netty.max-connections = " + MAX_CONNECTIONS + "\n"
            + "transport.netty.peer-reserved-connections = " + PEER_RESERVE + "\n"
            + "http.idle-timeout-ms = " + IDLE_MS + "\n";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void attacksAreRefusedAndHonestWritesSurvive() throws Exception {
        try (ProcessCluster c = new ProcessCluster(dir, 3, Map.of(
                "default", "n = 3\nr = 2\nw = 2\nengine = mvstore\nreconciler = lww",
                "cart", "n = 3\nr = 2\nw = 2\nengine = mvstore\nreconciler = siblings\nmax-siblings = "
                        + MAX_SIBLINGS), NODE_LIMITS);
             HonestWriter honest = new HonestWriter(c, "default")) {
            c.startAll();
            honest.start();

            malformedHttpIsAnswered400AndClosed(c);
            binaryGarbageClosesOnlyThatConnection(c);
            aForgedContextLeavesTheKeyWritable(c);
            aSiblingFloodIsCappedAndTheWayOutWorks(c);
            anOversizedBodyWithoutExpectReadsIts413(c);
            slowlorisIsCutOff(c);
            connectionFloodsAreCappedAndPass(c);
            assertTrue(body(c.request(3, "GET", "/metrics", null, null)).contains("dynamo_limit_refusals_total"),
                    "refusals are counted in /metrics");

            honest.stopAndAwait();
            for (int i = 1; i <= 3; i++) {
                c.awaitHealthy(i);
            }
            assertTrue(honest.acknowledged().size() > 0, "the honest client got writes through during the attacks");
            for (Map.Entry<String, String> w : honest.acknowledged().entrySet()) {
                HttpResponse<byte[]> r = c.get(1 + Math.floorMod(w.getKey().hashCode(), 3), "default", w.getKey());
                assertEquals(200, r.statusCode(), "acknowledged write of " + w.getKey() + ": " + body(r));
                assertEquals(w.getValue(), body(r), w.getKey());
            }
        }
    }

    /** A well-formed context whose counter is near 2^63: refused typed, and the key takes writes afterwards. */
    private static void aForgedContextLeavesTheKeyWritable(ProcessCluster c) throws Exception {
        String forged = Context.EMPTY.with("n1", Long.MAX_VALUE - 1, 1).toBase64();
        HttpResponse<byte[]> r = c.put(1, "default", "forged", "x", forged);
        assertEquals(400, r.statusCode(), body(r));
        assertEquals("limit_exceeded", JSON.readTree(r.body()).get("error").asText(), body(r));
        assertEquals(204, c.put(1, "default", "forged", "blind").statusCode());
        HttpResponse<byte[]> read = c.get(2, "default", "forged");
        assertEquals(204, c.put(1, "default", "forged", "again", context(read)).statusCode());
        assertEquals("again", body(c.get(3, "default", "forged")));
    }

    /** Blind writes to one key of a siblings table: 409 past the cap, then read, merge and write back settles it. */
    private static void aSiblingFloodIsCappedAndTheWayOutWorks(ProcessCluster c) throws Exception {
        int refused = 0;
        for (int i = 0; i < MAX_SIBLINGS + 5; i++) {
            HttpResponse<byte[]> r = c.put(1 + i % 3, "cart", "flooded", "v" + i);
            if (r.statusCode() == 409) {
                assertEquals("too_many_siblings", JSON.readTree(r.body()).get("error").asText(), body(r));
                refused++;
            } else {
                assertEquals(204, r.statusCode(), body(r));
            }
        }
        assertTrue(refused > 0, "blind writes past max-siblings = " + MAX_SIBLINGS + " are refused");
        HttpResponse<byte[]> all = c.get(1, "cart", "flooded");
        assertEquals(300, all.statusCode(), "the siblings are all there to merge");
        assertEquals(204, c.put(1, "cart", "flooded", "merged", context(all)).statusCode());
        HttpResponse<byte[]> settled = c.get(2, "cart", "flooded");
        assertEquals(200, settled.statusCode(), body(settled));
        assertEquals("merged", body(settled));
    }

    /** 2 MiB without Expect: 100-continue, as urllib sends it: the client reads the 413, not a reset. */
    private static void anOversizedBodyWithoutExpectReadsIts413(ProcessCluster c) throws IOException {
        int size = 2 << 20;
        byte[] head = ("PUT /tables/default/keys/big HTTP/1.1\r\nHost: x\r\nContent-Length: " + size
                + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] request = new byte[head.length + size];
        System.arraycopy(head, 0, request, 0, head.length);
        for (int i = 0; i < 3; i++) {
            String answer = exchange(c.node(1 + i).httpPort, request);
            assertTrue(answer.startsWith("HTTP/1.1 413") && answer.contains("value_too_large"), answer);
        }
    }

    /** Headers trickling in slower than http.idle-timeout-ms allows: the connection is cut. */
    private static void slowlorisIsCutOff(ProcessCluster c) throws IOException {
        try (Socket s = connect(c.node(2).httpPort)) {
            OutputStream out = s.getOutputStream();
            out.write("GET /health HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
            s.setSoTimeout(100); // also the pace of the trickle: one header line per 100 ms
            boolean cut = false;
            for (int i = 0; i < 100 && !cut; i++) {
                try {
                    out.write(("X-Slow-" + i + ": 1\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    s.getInputStream().read();
                    cut = true; // answered or closed before the request was complete
                } catch (SocketTimeoutException e) {
                    // still open: keep trickling
                } catch (IOException e) {
                    cut = true;
                }
            }
            assertTrue(cut, "a request trickling in over 10 s is cut by http.idle-timeout-ms = " + IDLE_MS);
        }
        assertEquals(200, c.request(2, "GET", "/health", null, null).statusCode());
    }

    /**
     * More connections than either port of one node takes: the HTTP port answers the extra ones
     * {@code 503} and closes them, the binary port closes them (those past its peer reserve at
     * once); the node serves once they go.
     */
    private static void connectionFloodsAreCappedAndPass(ProcessCluster c) throws IOException {
        List<Socket> http = new ArrayList<>();
        List<Socket> binary = new ArrayList<>();
        try {
            for (int i = 0; i < MAX_CONNECTIONS + 20; i++) {
                http.add(connect(c.node(3).httpPort));
                binary.add(connect(c.node(3).binaryPort));
            }
            ProcessCluster.sleep(500);
            int httpRefused = 0;
            for (Socket s : http) {
                httpRefused += firstByte(s) == 'H' ? 1 : 0; // "HTTP/1.1 503": nothing else speaks unasked
            }
            int binaryRefused = 0;
            for (Socket s : binary) {
                binaryRefused += firstByte(s) == -1 ? 1 : 0;
            }
            assertTrue(httpRefused >= 15, httpRefused + " of " + http.size() + " HTTP connections refused over "
                    + MAX_CONNECTIONS);
            assertTrue(binaryRefused >= 15, binaryRefused + " of " + binary.size()
                    + " binary connections refused over " + MAX_CONNECTIONS + " + " + PEER_RESERVE);
        } finally {
            for (Socket s : http) {
                s.close();
            }
            for (Socket s : binary) {
                s.close();
            }
        }
        c.awaitHealthy(3);
        assertEquals(204, c.put(3, "default", "after-flood", "ok").statusCode());
    }

    /** The first byte the node sent: -1 when it closed the connection, -2 when it is open and silent. */
    private static int firstByte(Socket s) throws IOException {
        s.setSoTimeout(50);
        try {
            return s.getInputStream().read();
        } catch (SocketTimeoutException e) {
            return -2;
        } catch (IOException e) {
            return -1; // reset: closed
        }
    }

    private static String context(HttpResponse<byte[]> r) {
        return r.headers().firstValue("X-Dynamo-Context").orElseThrow(() -> new AssertionError("no context"));
    }

    /** Garbage instead of a request line, and a header block far over the limit: 400 or 431, then closed. */
    private static void malformedHttpIsAnswered400AndClosed(ProcessCluster c) throws IOException {
        String garbage = exchange(c.node(1).httpPort, "GARBAGE GARBAGE\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        assertTrue(garbage.startsWith("HTTP/1.1 400"), garbage);
        String hugeHeader = "GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(200_000) + "\r\n\r\n";
        String answer = exchange(c.node(2).httpPort, hugeHeader.getBytes(StandardCharsets.US_ASCII));
        assertTrue(answer.startsWith("HTTP/1.1 431") || answer.startsWith("HTTP/1.1 400") || answer.isEmpty(), answer);
        assertEquals(200, c.request(2, "GET", "/health", null, null).statusCode(), "node 2 serves after the attack");
    }

    /**
     * Frames no client would send: a length over any limit, a truncated frame, an unknown
     * version and an unknown kind. Each costs its sender the connection; nothing else.
     */
    private static void binaryGarbageClosesOnlyThatConnection(ProcessCluster c) throws IOException {
        int port = c.node(3).binaryPort;
        assertClosed(port, ByteBuffer.allocate(4).putInt(Integer.MAX_VALUE).array(), "length 2^31-1");
        assertClosed(port, frame(1, 0, 7, new byte[40], 100), "a frame announcing 100 bytes, then 50");
        assertClosed(port, frame(9, 0, 7, new byte[3], -1), "version 9");
        assertClosed(port, frame(1, 77, 7, new byte[3], -1), "kind 77");
        assertEquals(200, c.request(3, "GET", "/health", null, null).statusCode(), "node 3 serves after the attack");
    }

    /** A frame: length, version, kind, request id, payload; {@code length} -1 for the true length. */
    private static byte[] frame(int version, int kind, long id, byte[] payload, int length) {
        ByteBuffer b = ByteBuffer.allocate(14 + payload.length);
        b.putInt(length < 0 ? 10 + payload.length : length).put((byte) version).put((byte) kind).putLong(id).put(payload);
        return b.array();
    }

    private static void assertClosed(int port, byte[] bytes, String what) throws IOException {
        try (Socket s = connect(port)) {
            s.getOutputStream().write(bytes);
            s.getOutputStream().flush();
            s.shutdownOutput();
            InputStream in = s.getInputStream();
            try {
                while (in.read() >= 0) {
                    // whatever the server says before closing
                }
            } catch (SocketTimeoutException e) {
                throw new AssertionError("the node kept the connection open after " + what, e);
            } catch (IOException e) {
                // reset: closed, as it should be
            }
        }
    }

    /** Sends {@code request} on a fresh connection and reads until the server closes it. */
    private static String exchange(int port, byte[] request) throws IOException {
        try (Socket s = connect(port)) {
            OutputStream out = s.getOutputStream();
            try {
                out.write(request);
                out.flush();
            } catch (IOException e) {
                // the server may close before the whole request is written; read what it said
            }
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            try {
                s.getInputStream().transferTo(got);
            } catch (SocketTimeoutException e) {
                throw new AssertionError("the node kept the connection open; it said: " + got, e);
            } catch (IOException e) {
                // reset after the answer
            }
            return got.toString(StandardCharsets.ISO_8859_1);
        }
    }

    private static Socket connect(int port) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", port), SOCKET_TIMEOUT_MS);
        s.setSoTimeout(SOCKET_TIMEOUT_MS);
        return s;
    }
}
