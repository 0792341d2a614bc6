package dev.dynamo.it;

import dev.dynamo.security.ClusterCredentials;
import dev.dynamo.security.NodeSpec;
import dev.dynamo.security.tls.TlsFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Real nodes, each its own JVM ({@code Main server --conf DIR}) on 127.0.0.1 with free
 * ports, for tests that kill, pause and restart processes. Every process it starts, it
 * stops in {@link #close()}.
 *
 * <pre>{@code
 * try (ProcessCluster c = new ProcessCluster(dir, 3, Map.of("default", "n=3\nr=2\nw=2\nreconciler=lww"))) {
 *     c.startAll();
 *     c.put(1, "default", "k", "v");
 *     c.kill9(2);
 * }
 * }</pre>
 */
final class ProcessCluster implements AutoCloseable {
    private static final Duration HTTP_TIMEOUT = Duration.ofSeconds(10);

    /** One node: its ports, directories and (while running) its process. */
    static final class Node {
        final int index;
        final String id;
        final int httpPort;
        final int binaryPort;
        final Path home;
        Process process;

        Node(int index, int httpPort, int binaryPort, Path home) {
            this.index = index;
            this.id = "n" + index;
            this.httpPort = httpPort;
            this.binaryPort = binaryPort;
            this.home = home;
        }

        String http() {
            return "http://127.0.0.1:" + httpPort;
        }

        String binary() {
            return "127.0.0.1:" + binaryPort;
        }
    }

    private final List<Node> nodes = new ArrayList<>();
    private final Map<String, String> tables;
    private final String extraNodeProperties;
    private final ClusterCredentials certificates;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    ProcessCluster(Path dir, int size, Map<String, String> tables) {
        this(dir, size, tables, "");
    }

    ProcessCluster(Path dir, int size, Map<String, String> tables, String extraNodeProperties) {
        this(dir, size, tables, extraNodeProperties, false);
    }

    /**
     * @param tls mutual TLS between the nodes: a cluster CA and one certificate per node in
     *            {@code dir/certs}, named by each node's {@code tls.*} settings (the HTTP API
     *            stays plain HTTP, so clients of these tests are unchanged)
     */
    ProcessCluster(Path dir, int size, Map<String, String> tables, String extraNodeProperties, boolean tls) {
        this.tables = new LinkedHashMap<>(tables);
        this.extraNodeProperties = extraNodeProperties;
        for (int i = 1; i <= size; i++) {
            nodes.add(new Node(i, freePort(), freePort(), dir.resolve("n" + i)));
        }
        this.certificates = tls ? issueCertificates(dir.resolve("certs")) : null;
        writeConfigs();
    }

    private ClusterCredentials issueCertificates(Path certs) {
        try {
            return ClusterCredentials.create(certs, nodes.stream().map(n -> new NodeSpec(n.id, List.of("127.0.0.1")))
                    .toList(), List.of(), Duration.ofDays(1));
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("cannot issue the test cluster's certificates in " + certs, e);
        }
    }

    /** The node's {@code tls.*} settings, empty without TLS. */
    private String tlsProperties(Node n) {
        if (certificates == null) {
            return "";
        }
        TlsFiles files = certificates.node(n.id);
        return "tls.cert = " + files.certificate() + "\ntls.key = " + files.privateKey() + "\ntls.ca = "
                + files.ca() + "\n";
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void writeConfigs() {
        StringBuilder members = new StringBuilder();
        for (Node n : nodes) {
            if (members.length() > 0) {
                members.append(", ");
            }
            members.append(n.id).append("@127.0.0.1:").append(n.binaryPort).append(':').append(n.httpPort);
        }
        try {
            for (Node n : nodes) {
                Path conf = n.home.resolve("conf");
                Files.createDirectories(conf.resolve("tables"));
                Files.writeString(conf.resolve("node.properties"), "node.id = " + n.id + "\n"
                        + "cluster.nodes = " + members + "\n"
                        + "data.dir = " + n.home.resolve("data").toAbsolutePath() + "\n"
                        + "q = 32\n" + extraNodeProperties + tlsProperties(n));
                for (Map.Entry<String, String> t : tables.entrySet()) {
                    Files.writeString(conf.resolve("tables").resolve(t.getKey() + ".properties"), t.getValue() + "\n");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Adds a node outside {@code cluster.nodes}, configured with node 1 as its seed: it
     * starts outside the ring and becomes a member with {@code bin/dynamo join}. Returns
     * its index; start it with {@link #start}.
     */
    int addJoiner() {
        if (certificates != null) {
            throw new IllegalStateException("this harness issues certificates for the initial nodes only");
        }
        int index = nodes.size() + 1;
        Node n = new Node(index, freePort(), freePort(), nodes.get(0).home.resolveSibling("n" + index));
        nodes.add(n);
        try {
            Path conf = n.home.resolve("conf");
            Files.createDirectories(conf.resolve("tables"));
            Files.writeString(conf.resolve("node.properties"), "node.id = " + n.id + "\n"
                    + "host = 127.0.0.1\nbinary.port = " + n.binaryPort + "\nhttp.port = " + n.httpPort + "\n"
                    + "seeds = " + nodes.get(0).binary() + "\n"
                    + "data.dir = " + n.home.resolve("data").toAbsolutePath() + "\n"
                    + "q = 32\n" + extraNodeProperties);
            for (Map.Entry<String, String> t : tables.entrySet()) {
                Files.writeString(conf.resolve("tables").resolve(t.getKey() + ".properties"), t.getValue() + "\n");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return index;
    }

    Node node(int index) {
        return nodes.get(index - 1);
    }

    List<Node> nodes() {
        return List.copyOf(nodes);
    }

    void startAll() {
        for (Node n : nodes) {
            start(n.index);
        }
        for (Node n : nodes) {
            awaitHealthy(n.index);
        }
    }

    /** Starts node {@code index} as its own JVM with this JVM's class path. */
    void start(int index) {
        Node n = node(index);
        if (n.process != null && n.process.isAlive()) {
            throw new IllegalStateException(n.id + " is already running");
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = List.of(java, "-Xmx256m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                "dev.dynamo.server.cli.Main", "server", "--conf", n.home.resolve("conf").toString());
        try {
            n.process = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(n.home.resolve("node.log").toFile())).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + n.id, e);
        }
    }

    /** Waits (bounded) until the node's /health answers 200. */
    void awaitHealthy(int index) {
        Node n = node(index);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            if (n.process == null || !n.process.isAlive()) {
                throw new IllegalStateException(n.id + " exited; its log:\n" + log(index));
            }
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(n.http() + "/health"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            sleep(200);
        }
        throw new IllegalStateException(n.id + " did not become healthy in 90 s; its log:\n" + log(index));
    }

    String log(int index) {
        try {
            Path log = node(index).home.resolve("node.log");
            return Files.exists(log) ? Files.readString(log) : "(no log)";
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    /** SIGKILL: no shutdown hook, no flush. */
    void kill9(int index) {
        Node n = node(index);
        n.process.destroyForcibly();
        waitExit(n);
    }

    /** SIGTERM: graceful shutdown. */
    void stop(int index) {
        Node n = node(index);
        if (n.process != null && n.process.isAlive()) {
            n.process.destroy();
            waitExit(n);
        }
    }

    void pause(int index) {
        signal(index, "STOP");
    }

    void resume(int index) {
        signal(index, "CONT");
    }

    private void signal(int index, String sig) {
        try {
            Process p = new ProcessBuilder("kill", "-" + sig, Long.toString(node(index).process.pid())).start();
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("kill -" + sig + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void waitExit(Node n) {
        try {
            if (!n.process.waitFor(30, TimeUnit.SECONDS)) {
                n.process.destroyForcibly();
                n.process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ------------------------------------------------------------------ HTTP helpers

    static String path(String table, String key) {
        return "/tables/" + table + "/keys/" + URLEncoder.encode(key, StandardCharsets.UTF_8).replace("+", "%20");
    }

    HttpResponse<byte[]> request(int index, String method, String pathAndQuery, byte[] body, String context) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(node(index).http() + pathAndQuery))
                .timeout(HTTP_TIMEOUT)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        if (context != null && !context.isEmpty()) {
            b.header("X-Dynamo-Context", context);
        }
        try {
            return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(node(index).id + " " + method + " " + pathAndQuery + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    HttpResponse<byte[]> put(int index, String table, String key, String value) {
        return request(index, "PUT", path(table, key), value.getBytes(StandardCharsets.UTF_8), null);
    }

    HttpResponse<byte[]> put(int index, String table, String key, String value, String context) {
        return request(index, "PUT", path(table, key), value.getBytes(StandardCharsets.UTF_8), context);
    }

    HttpResponse<byte[]> get(int index, String table, String key) {
        return request(index, "GET", path(table, key), null, null);
    }

    HttpResponse<byte[]> get(int index, String table, String key, String query) {
        return request(index, "GET", path(table, key) + "?" + query, null, null);
    }

    static String body(HttpResponse<byte[]> r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        for (Node n : nodes) {
            if (n.process != null && n.process.isAlive()) {
                n.process.destroy();
            }
        }
        for (Node n : nodes) {
            if (n.process != null) {
                waitExit(n);
            }
        }
    }
}
