package dev.dynamo.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
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
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The release archive as an operator uses it: unpacked into an empty directory, run with a
 * {@code PATH} that holds java and a shell but no Maven and no source tree,
 * {@code bin/dynamo server --conf conf} serves writes and reads through {@code bin/dynamo put/get},
 * keeps its data inside the release, and {@code bin/dynamo local} starts and stops.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class ReleaseArchiveTest {
    @TempDir
    Path dir;

    private Path release;
    private Path pathDir;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @BeforeEach
    void unpack() throws Exception {
        Path archive = Path.of(System.getProperty("dynamo.release.archive", "missing"));
        assertTrue(Files.isRegularFile(archive), "mvn package builds the archive first: " + archive);
        Path unpacked = Files.createDirectories(dir.resolve("opt"));
        Process tar = new ProcessBuilder("tar", "-xzf", archive.toString(), "-C", unpacked.toString())
                .redirectErrorStream(true).start();
        assertTrue(tar.waitFor(120, TimeUnit.SECONDS), "tar finished");
        assertEquals(0, tar.exitValue(), new String(tar.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        try (Stream<Path> top = Files.list(unpacked)) {
            release = top.findFirst().orElseThrow();
        }
        assertTrue(release.getFileName().toString().startsWith("dynamo-"), release.toString());
        for (String expected : List.of("bin/dynamo", "conf/node.properties", "conf/tables/default.properties",
                "conf/systemd/dynamo.service", "licenses/BUNDLED.txt", "RELEASE.md")) {
            assertTrue(Files.exists(release.resolve(expected)), expected + " is in the archive");
        }
        assertFalse(Files.exists(release.resolve("pom.xml")), "no build files in a release");

        // only what a machine with a Java runtime has: a shell, two file utilities, java
        pathDir = Files.createDirectories(dir.resolve("path"));
        for (String tool : List.of("bash", "dirname", "readlink")) {
            Files.createSymbolicLink(pathDir.resolve(tool), which(tool));
        }
        Files.createSymbolicLink(pathDir.resolve("java"), Path.of(System.getProperty("java.home"), "bin", "java"));
    }

    @Test
    void aNodeStartsFromTheArchiveAndServesWithoutMaven() throws Exception {
        int binary = freePort();
        int web = freePort();
        // the example is node n1 of three; make it a one-node cluster on free ports
        Path node = release.resolve("conf/node.properties");
        String example = Files.readString(node);
        assertTrue(example.contains("data.dir = data/n1"), "the example keeps data inside the release");
        Files.writeString(node, example.replaceFirst("(?m)^cluster\\.nodes = .*$",
                "cluster.nodes = n1@127.0.0.1:" + binary + ":" + web));
        Path table = release.resolve("conf/tables/default.properties");
        Files.writeString(table, Files.readString(table).replaceFirst("(?m)^n = 3$", "n = 1")
                .replaceFirst("(?m)^r = 2$", "r = 1").replaceFirst("(?m)^w = 2$", "w = 1"));

        Path log = dir.resolve("server.log");
        // started from another directory: bin/dynamo finds its lib/ from its own location
        Process server = command(List.of("server", "--conf", release.resolve("conf").toString()))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            awaitHealth(web, server, log);
            String seed = "127.0.0.1:" + binary;
            Result put = run("put", "--table", "default", "--seed", seed, "greeting", "from the archive");
            assertEquals(0, put.code, put.output);
            Result get = run("get", "--table", "default", "--seed", seed, "greeting");
            assertEquals(0, get.code, get.output);
            assertTrue(get.output.contains("from the archive"), get.output);
            assertTrue(Files.isDirectory(release.resolve("data/n1")), "data in the release's data/n1");
        } finally {
            server.destroy();
            if (!server.waitFor(60, TimeUnit.SECONDS)) {
                server.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                throw new AssertionError("SIGTERM did not stop the node within 60 s: " + Files.readString(log));
            }
        }
    }

    @Test
    void localRunsFromTheArchive() throws Exception {
        int base = freePort();
        Path log = dir.resolve("local.log");
        Process local = command(List.of("local", "--nodes", "1", "--base-port", Integer.toString(base),
                "--engine", "memory")).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (!Files.readString(log).contains("'quit' stops every node")) {
                assertTrue(local.isAlive(), "dynamo local exited: " + Files.readString(log));
                assertTrue(System.nanoTime() < deadline, "dynamo local not ready in 120 s: " + Files.readString(log));
                Thread.sleep(200);
            }
            HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + (base + 1) + "/health")).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, health.statusCode(), health.body());
            local.getOutputStream().write("quit\n".getBytes(StandardCharsets.UTF_8));
            local.getOutputStream().flush();
            assertTrue(local.waitFor(60, TimeUnit.SECONDS), "quit stops it: " + Files.readString(log));
            assertEquals(0, local.exitValue(), Files.readString(log));
        } finally {
            local.descendants().forEach(ProcessHandle::destroyForcibly);
            local.destroyForcibly();
        }
    }

    private ProcessBuilder command(List<String> args) {
        List<String> command = new ArrayList<>(List.of(release.resolve("bin/dynamo").toString()));
        command.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
        Map<String, String> env = pb.environment();
        env.clear();
        env.put("PATH", pathDir.toString());
        env.put("HOME", dir.toString());
        env.put("DYNAMO_JAVA_OPTS", "-Xmx256m -Djava.io.tmpdir=" + dir);
        env.put("DYNAMO_NODE_JAVA_OPTS", "-Xmx256m");
        return pb;
    }

    private record Result(int code, String output) {
    }

    private Result run(String... args) throws Exception {
        Process p = command(List.of(args)).redirectErrorStream(true).start();
        p.getOutputStream().close();
        boolean done = p.waitFor(60, TimeUnit.SECONDS);
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!done) {
            p.destroyForcibly();
            throw new AssertionError("bin/dynamo " + String.join(" ", args) + " did not finish: " + output);
        }
        return new Result(p.exitValue(), output);
    }

    private void awaitHealth(int port, Process server, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (true) {
            assertTrue(server.isAlive(), "the node exited: " + Files.readString(log));
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                        + "/health")).timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            assertTrue(System.nanoTime() < deadline, "no /health within 90 s: " + Files.readString(log));
            Thread.sleep(200);
        }
    }

    private static Path which(String tool) {
        for (String d : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            Path p = Path.of(d, tool);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        throw new AssertionError(tool + " not found on PATH");
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
