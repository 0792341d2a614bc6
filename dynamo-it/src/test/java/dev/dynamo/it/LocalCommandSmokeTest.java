package dev.dynamo.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
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
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import dev.dynamo.api.Context;
import dev.dynamo.api.DynamoException;
import dev.dynamo.client.DynamoClusterClient;
import dev.dynamo.security.tls.Pem;
import dev.dynamo.server.cli.Main;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The quick start, as a user runs it: {@code dynamo local} (the same {@code Main} that
 * {@code bin/dynamo} execs, here on the test class path, so that no build is triggered)
 * starts, a curl-like put and get work, its commands kill and start a node again, and
 * SIGTERM or {@code quit} stops every node, the logs kept; with {@code --secure}, the CA,
 * password file and client certificate it prints let in exactly who holds them.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class LocalCommandSmokeTest {
    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /** A running {@code dynamo local}: its stdin, and its output lines as they come. */
    private static final class Local implements AutoCloseable {
        final Process process;
        final OutputStream stdin;
        final List<String> lines = new ArrayList<>();

        Local(Path tmp, String... args) throws IOException {
            List<String> command = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Djava.io.tmpdir=" + tmp, "-cp", System.getProperty("java.class.path"),
                    "dev.dynamo.server.cli.Main", "local"));
            command.addAll(List.of(args));
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
            stdin = process.getOutputStream();
            Thread reader = new Thread(() -> {
                try (BufferedReader out = new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = out.readLine()) != null) {
                        synchronized (lines) {
                            lines.add(line);
                            lines.notifyAll();
                        }
                    }
                } catch (IOException e) {
                    // the process ended
                }
            }, "local-output");
            reader.setDaemon(true);
            reader.start();
        }

        /** Waits (bounded) for a line after {@code from} matching; returns its index. */
        int await(int from, Predicate<String> match, int seconds) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            synchronized (lines) {
                while (true) {
                    for (int i = from; i < lines.size(); i++) {
                        if (match.test(lines.get(i))) {
                            return i;
                        }
                    }
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        throw new AssertionError("no expected line within " + seconds + " s; the output:\n"
                                + String.join("\n", lines));
                    }
                    TimeUnit.NANOSECONDS.timedWait(lines, left);
                }
            }
        }

        int size() {
            synchronized (lines) {
                return lines.size();
            }
        }

        String output() {
            synchronized (lines) {
                return String.join("\n", lines);
            }
        }

        /** Types a command; returns the index its output starts at. */
        int type(String command) throws IOException {
            int from = size();
            stdin.write((command + "\n").getBytes(StandardCharsets.UTF_8));
            stdin.flush();
            return from;
        }

        /** Waits for the exit; kills everything left when it does not come. */
        int awaitExit(String why) throws InterruptedException {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                close();
                throw new AssertionError("dynamo local did not stop within 60 s of " + why + ":\n" + output());
            }
            return process.exitValue();
        }

        @Override
        public void close() {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
    }

    private static int basePort(int offset) {
        return 20_000 + offset + (int) (ProcessHandle.current().pid() % 10_000) * 2;
    }

    @Test
    void localClusterStartsServesAndStopsOnSigterm() throws Exception {
        int base = basePort(0);
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        try (Local local = new Local(tmp, "--base-port", Integer.toString(base))) {
            local.await(0, l -> l.contains("'quit' stops every node"), 150);
            assertTrue(local.output().contains("commands (type them here"), local.output());
            local.stdin.close(); // the end of the input does not stop the cluster
            Thread.sleep(500);
            assertTrue(local.process.isAlive(), local.output());
            assertEquals(204, put(base + 1, "smoke", "hello"));
            assertEquals("hello", get(base + 3, "smoke"));

            local.process.destroy(); // SIGTERM, as Ctrl-C or a service manager would
            local.awaitExit("SIGTERM"); // 143: the JVM ends by the signal, after the stop
            // (what the stop prints is checked by the 'quit' test: after SIGTERM, this harness does not
            // always get the child's last lines; the files below are what matters)
        }
        for (int i = 1; i <= 3; i++) {
            assertTrue(!listening(base + i), "node " + i + " stopped listening on HTTP");
            assertTrue(!listening(base - 1000 + i), "node " + i + " stopped listening on the binary port");
        }
        // the temporary directory's data went, the logs stayed
        try (var tmps = Files.list(tmp)) {
            Path cluster = tmps.filter(p -> p.getFileName().toString().startsWith("dynamo-local-")).findFirst()
                    .orElseThrow();
            for (int i = 1; i <= 3; i++) {
                assertTrue(Files.size(cluster.resolve("n" + i + "/node.log")) > 0, "log of n" + i);
                assertTrue(!Files.exists(cluster.resolve("n" + i + "/data")), "data of n" + i + " deleted");
            }
        }
    }

    @Test
    void killANodeKeepWritingBringItBackWatchTheHintsDrain() throws Exception {
        int base = basePort(0) + 4; // after the other test's ports (base+1..3)
        Path data = dir.resolve("data");
        // 4 nodes, n=3: a 4th node can stand in for the killed one and keep hints for it
        try (Local local = new Local(dir, "--nodes", "4", "--base-port", Integer.toString(base),
                "--data-dir", data.toString(),
                "--set", "hints.interval-ms=200")) {
            local.await(0, l -> l.contains("'quit' stops every node"), 150);

            int from = local.type("frobnicate");
            local.await(from, l -> l.equals("error: unknown command 'frobnicate'; try: help"), 10);
            from = local.type("kill n7");
            local.await(from, l -> l.startsWith("error: no node 'n7'"), 10);

            from = local.type("kill 2");
            local.await(from, l -> l.startsWith("killed n2 (pid "), 20);
            from = local.type("status");
            local.await(from, l -> l.startsWith("n2") && l.contains("down (stopped by a command"), 20);
            assertTrue(!listening(base + 2), "n2 is down");

            // keep writing: the keys n2 replicates go to a substitute, as hints for n2
            for (int k = 0; k < 20; k++) {
                assertEquals(204, put(base + 1, "while-down-" + k, "v" + k), "put " + k + ":\n" + local.output());
            }
            long pending = hintsPending(base, 1, 3, 4);
            assertTrue(pending > 0, "hints are kept for n2 while it is down");

            from = local.type("start n2");
            local.await(from, l -> l.startsWith("node n2 (pid ") && l.contains(" is up: "), 90);
            assertEquals("v3", get(base + 2, "while-down-3"));
            // the hints held for n2 drain (bounded)
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (hintsPending(base, 1, 3, 4) > 0 && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            assertEquals(0, hintsPending(base, 1, 3, 4), "hints drained (" + pending + " were pending)");
            System.out.println("hints pending while n2 was down: " + pending);
            assertTrue(Files.readString(data.resolve("n2/node.log")).contains("'dynamo local': starting n2 again"));

            from = local.type("quit");
            assertEquals(0, local.awaitExit("quit"), local.output());
            local.await(from, l -> l.startsWith("data kept in " + data), 5);
            local.await(from, l -> l.startsWith("logs kept in "), 5);
        }
        for (int i = 1; i <= 4; i++) {
            assertTrue(!listening(base + i), "node " + i + " stopped listening on HTTP");
            assertTrue(Files.size(data.resolve("n" + i + "/node.log")) > 0, "log of n" + i + " kept");
        }
    }

    @Test
    void secureLocalClusterLetsInOnlyWhoHoldsWhatItPrints() throws Exception {
        int base = basePort(0) + 9; // after the other tests' ports (base+1..8)
        Path data = dir.resolve("secure-data");
        try (Local local = new Local(dir, "--secure", "--base-port", Integer.toString(base),
                "--data-dir", data.toString())) {
            local.await(0, l -> l.contains("'quit' stops every node"), 150);
            String output = local.output();
            assertTrue(output.contains("secure: mutual TLS on the binary port"), output);
            String status = output.lines().filter(l -> l.contains("bin/dynamo status --http https://")).findFirst()
                    .orElseThrow(() -> new AssertionError("a status command over HTTPS:\n" + output)).trim();
            String putLine = output.lines().filter(l -> l.contains("bin/dynamo put ")).findFirst()
                    .orElseThrow(() -> new AssertionError("a put command:\n" + output));
            Path ca = Path.of(option(status, "--cacert"));
            Path passwordFile = Path.of(option(status, "--password-file"));
            Path clientCert = Path.of(option(putLine, "--tls-cert"));
            Path clientKey = Path.of(option(putLine, "--tls-key"));
            assertEquals(ca, Path.of(option(putLine, "--tls-ca")));
            assertTrue(ca.startsWith(data), "the material is under --data-dir: " + ca);

            // the password: in a file only its owner reads, never on the terminal
            assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(passwordFile));
            String password = Files.readAllLines(passwordFile, StandardCharsets.UTF_8).get(0);
            assertTrue(password.length() >= 20, "a generated password");
            assertTrue(!output.contains(password), "the password is not printed");

            // HTTPS with the printed CA: admin and its password get in, nobody else
            HttpClient https = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2))
                    .sslContext(trusting(ca)).build();
            String cluster = "https://127.0.0.1:" + (base + 1) + "/cluster";
            assertEquals(200, send(https, cluster, "admin", password).statusCode());
            HttpResponse<String> anonymous = send(https, cluster, null, null);
            assertEquals(401, anonymous.statusCode(), anonymous.body());
            assertTrue(anonymous.body().contains("\"error\":\"unauthenticated\""), anonymous.body());
            assertEquals(401, send(https, cluster, "admin", password + "-wrong").statusCode());
            assertTrue(plainStatus("http://127.0.0.1:" + (base + 1) + "/cluster") != 200, "plain HTTP is not served");

            // the printed status command works as printed (in-process, the same Main)
            StringWriter statusOut = new StringWriter();
            String[] statusArgs = status.substring(status.indexOf("status")).split(" ");
            int code = Main.run(new ByteArrayInputStream(new byte[0]), new PrintWriter(statusOut, true),
                    new PrintWriter(statusOut, true), statusArgs);
            assertEquals(0, code, statusOut.toString());
            assertTrue(statusOut.toString().contains("ring version"), statusOut.toString());

            // the binary port: a client without a certificate is refused, the printed client certificate works
            byte[] key = "secure-smoke".getBytes(StandardCharsets.UTF_8);
            String seed = "127.0.0.1:" + (base - 1000 + 1);
            try (DynamoClusterClient plaintext = DynamoClusterClient.builder().seeds(seed)
                    .requestTimeout(Duration.ofSeconds(2)).build()) {
                assertThrows(DynamoException.class, () -> plaintext.put("default", key, Context.EMPTY,
                        "intruder".getBytes(StandardCharsets.UTF_8)));
            }
            try (DynamoClusterClient client = DynamoClusterClient.builder().seeds(seed)
                    .tls(clientCert, clientKey, ca).build()) {
                client.put("default", key, Context.EMPTY, "hello".getBytes(StandardCharsets.UTF_8));
                assertEquals("hello", new String(client.get("default", key).value(), StandardCharsets.UTF_8));
            }

            // the local console asks /health over HTTPS too
            int from = local.type("status");
            local.await(from, l -> l.startsWith("n3") && l.contains("https://127.0.0.1:" + (base + 3))
                    && l.contains("up (healthy)"), 20);

            from = local.type("quit");
            assertEquals(0, local.awaitExit("quit"), local.output());
            local.await(from, l -> l.startsWith("certificates and the admin password kept in "), 5);
            for (int i = 1; i <= 3; i++) {
                String log = Files.readString(data.resolve("n" + i + "/node.log"));
                assertTrue(!log.contains(password), "n" + i + "'s log does not hold the password");
                assertTrue(!log.contains("is exposed to whoever"), "n" + i + " warns of nothing open");
            }
        }
        for (int i = 1; i <= 3; i++) {
            assertTrue(!listening(base + i), "node " + i + " stopped listening on HTTP");
        }
    }

    /** The word after {@code name} in a printed command. */
    private static String option(String line, String name) {
        Matcher m = Pattern.compile(Pattern.quote(name) + " (\\S+)").matcher(line);
        assertTrue(m.find(), name + " in: " + line);
        return m.group(1);
    }

    private static SSLContext trusting(Path ca) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setCertificateEntry("ca", Pem.readCertificates(ca).get(0));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }

    /** The status of a plain HTTP GET; -1 when the connection fails. */
    private int plainStatus(String url) throws InterruptedException {
        try {
            return send(http, url, null, null).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static HttpResponse<String> send(HttpClient client, String url, String user, String password)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(15));
        if (user != null) {
            b.header("Authorization", "Basic " + Base64.getEncoder().encodeToString((user + ":" + password)
                    .getBytes(StandardCharsets.UTF_8)));
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private int put(int port, String key, String value) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(
                "http://127.0.0.1:" + port + "/tables/default/keys/" + key)).timeout(Duration.ofSeconds(15))
                .PUT(HttpRequest.BodyPublishers.ofString(value)).build(), HttpResponse.BodyHandlers.ofString());
        return r.statusCode();
    }

    private String get(int port, String key) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(
                "http://127.0.0.1:" + port + "/tables/default/keys/" + key)).timeout(Duration.ofSeconds(15)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return r.body();
    }

    /** The hints nodes {@code indexes} hold, all targets. */
    private long hintsPending(int base, int... indexes) throws Exception {
        long total = 0;
        for (int i : indexes) {
            total += hintsPending(base + i);
        }
        return total;
    }

    private long hintsPending(int port) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/cluster"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        long total = 0;
        for (Iterator<JsonNode> it = new ObjectMapper().readTree(r.body()).path("hints_pending").elements();
                it.hasNext(); ) {
            total += it.next().asLong();
        }
        return total;
    }

    private static boolean listening(int port) {
        try (Socket s = new Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
