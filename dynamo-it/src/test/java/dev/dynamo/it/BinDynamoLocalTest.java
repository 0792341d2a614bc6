package dev.dynamo.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's first command through the script itself, as a user runs it: {@code bin/dynamo local}
 * (which execs the built jars, already there under {@code mvn verify}) starts, a curl-like
 * put and get work against node 1, and SIGTERM stops every node.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class BinDynamoLocalTest {
    @TempDir
    Path dir;

    @Test
    void localClusterStartsServesAndStopsOnSigterm() throws Exception {
        Path root = Path.of("").toAbsolutePath().getParent();
        Path script = root.resolve("bin/dynamo");
        assertTrue(Files.isExecutable(script), "bin/dynamo at " + script);
        int base = 42_000 + (int) (ProcessHandle.current().pid() % 20_000); // apart from LocalCommandSmokeTest's ports
        Process local = new ProcessBuilder("bash", script.toString(), "local", "--base-port", Integer.toString(base),
                "--data-dir", dir.resolve("data").toString())
                .redirectErrorStream(true).start();
        List<String> output = new ArrayList<>();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(local.getInputStream(), StandardCharsets.UTF_8));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(150);
            String line;
            boolean ready = false;
            while (System.nanoTime() < deadline && (line = out.readLine()) != null) {
                output.add(line);
                if (line.contains("curl")) {
                    ready = true;
                    break;
                }
            }
            assertTrue(ready, "bin/dynamo local printed a curl line:\n" + String.join("\n", output));
            HttpClient http = HttpClient.newHttpClient();
            String url = "http://127.0.0.1:" + (base + 1) + "/tables/default/keys/smoke";
            HttpResponse<String> put = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                    .PUT(HttpRequest.BodyPublishers.ofString("hello")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(204, put.statusCode(), put.body());
            HttpResponse<String> get = http.send(HttpRequest.newBuilder(URI.create(
                    "http://127.0.0.1:" + (base + 3) + "/tables/default/keys/smoke")).timeout(Duration.ofSeconds(10))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, get.statusCode());
            assertEquals("hello", get.body());
            new Thread(() -> drain(out), "local-output").start();
        } finally {
            local.destroy(); // SIGTERM, as Ctrl-C or a service manager would
            if (!local.waitFor(60, TimeUnit.SECONDS)) {
                local.descendants().forEach(ProcessHandle::destroyForcibly);
                local.destroyForcibly();
                throw new AssertionError("bin/dynamo local did not stop within 60 s of SIGTERM");
            }
        }
        for (int i = 1; i <= 3; i++) {
            assertTrue(!listening(base + i), "node " + i + " stopped listening on HTTP");
            assertTrue(!listening(base - 1000 + i), "node " + i + " stopped listening on the binary port");
        }
    }

    private static void drain(BufferedReader out) {
        try {
            while (out.readLine() != null) {
                // discard: keeps the pipe from filling while the cluster shuts down
            }
        } catch (IOException e) {
            // the process ended
        }
    }

    private static boolean listening(int port) {
        try (Socket s = new Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
