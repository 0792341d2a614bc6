package dev.dynamo.it;

import static dev.dynamo.it.ProcessCluster.body;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

    @TempDir
    Path dir;

    @Test
    void attacksAreRefusedAndHonestWritesSurvive() throws Exception {
        try (ProcessCluster c = new ProcessCluster(dir, 3, Map.of(
                "default", "n = 3\nr = 2\nw = 2\nengine = mvstore\nreconciler = lww"));
             HonestWriter honest = new HonestWriter(c, "default")) {
            c.startAll();
            honest.start();

            malformedHttpIsAnswered400AndClosed(c);
            binaryGarbageClosesOnlyThatConnection(c);

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
