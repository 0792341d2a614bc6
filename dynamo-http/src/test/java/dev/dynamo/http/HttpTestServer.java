package dev.dynamo.http;

import dev.dynamo.core.coordination.RequestObserver;
import dev.dynamo.core.node.NodeOptions;
import dev.dynamo.core.table.TableConfig;
import dev.dynamo.http.metrics.NodeMetrics;
import dev.dynamo.testing.TestCluster;
import dev.dynamo.testing.TimeKind;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import javax.net.ssl.SSLContext;

/**
 * The HTTP API of node n1 of a {@link TestCluster} (local network, real time) on 127.0.0.1
 * and an ephemeral port, with a client for it. The cluster is the builder's; this class
 * adds only the HTTP server, n1's metrics and the client.
 *
 * <pre>{@code
 * try (HttpTestServer c = HttpTestServer.start(1, dir, TableConfig.of("default", 1, 1, 1, "memory", "lww"))) {
 *     HttpResponse<byte[]> r = c.send("GET", "/health", null);
 *     c.cluster().network().crash("n2");
 * }
 * }</pre>
 */
final class HttpTestServer implements AutoCloseable {
    static final int Q = 16;

    private final TestCluster cluster;
    private final NodeMetrics metrics;
    private final HttpApiServer server;
    private final HttpClient client;

    private HttpTestServer(TestCluster cluster, NodeMetrics metrics, HttpApiServer server, SSLContext clientTls) {
        this.cluster = cluster;
        this.metrics = metrics;
        this.server = server;
        HttpClient.Builder b = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5));
        if (clientTls != null) {
            b.sslContext(clientTls);
        }
        this.client = b.build();
    }

    static HttpTestServer start(int size, Path dir, TableConfig... tables) {
        return start(size, dir, HttpApiServer.Options.DEFAULT, tables);
    }

    static HttpTestServer start(int size, Path dir, HttpApiServer.Options options, TableConfig... tables) {
        return start(cluster(size, dir, tables), options);
    }

    /**
     * With TLS and authentication as {@code security} says; the client trusts what
     * {@code clientTls} trusts (null: the JDK's defaults, for plain HTTP).
     */
    static HttpTestServer start(int size, Path dir, HttpSecurity security, SSLContext clientTls,
                                TableConfig... tables) {
        return start(cluster(size, dir, tables), HttpApiServer.Options.DEFAULT, security, clientTls);
    }

    /**
     * Node n1 in a ring with a node n2 that n1 never hears back from (n1's sends are neither
     * answered nor fail): every request that needs n2 runs into the coordinator's deadline.
     */
    static HttpTestServer withSilentPeer(Path dir, TableConfig... tables) {
        return withSilentPeer(dir, HttpApiServer.Options.DEFAULT, tables);
    }

    /** {@link #withSilentPeer(Path, TableConfig...)} with the server's {@code options}. */
    static HttpTestServer withSilentPeer(Path dir, HttpApiServer.Options options, TableConfig... tables) {
        return start(cluster(2, dir, tables).wrapTransports((id, t) -> id.equals("n1") ? new SilentTransport(t) : t),
                options);
    }

    /** As a server runs: default options (hint delivery, anti-entropy) but system tables in memory. */
    private static TestCluster.Builder cluster(int size, Path dir, TableConfig... tables) {
        return TestCluster.builder().nodes(size).partitions(Q).seed(42).time(TimeKind.REAL).dataDir(dir)
                .nodeOptions(NodeOptions.DEFAULTS.withSystemEngine("memory")).table(tables);
    }

    private static HttpTestServer start(TestCluster.Builder builder, HttpApiServer.Options options) {
        return start(builder, options, HttpSecurity.NONE, null);
    }

    private static HttpTestServer start(TestCluster.Builder builder, HttpApiServer.Options options,
                                        HttpSecurity security, SSLContext clientTls) {
        NodeMetrics metrics = new NodeMetrics("n1", false);
        TestCluster cluster = null;
        try {
            cluster = builder.observers(id -> id.equals("n1") ? metrics : RequestObserver.NONE).build();
            metrics.bindNode(cluster.node("n1"), cluster.nodeIds().stream().filter(id -> !id.equals("n1")).toList());
            HttpApiServer server = HttpApiServer.start(cluster.node("n1"), "127.0.0.1", 0, metrics, options,
                    security);
            return new HttpTestServer(cluster, metrics, server, clientTls);
        } catch (RuntimeException | Error e) {
            if (cluster != null) {
                cluster.close();
            }
            metrics.close();
            throw e;
        }
    }

    TestCluster cluster() {
        return cluster;
    }

    HttpApiServer server() {
        return server;
    }

    NodeMetrics metrics() {
        return metrics;
    }

    URI uri(String pathAndQuery) {
        return URI.create((server.tls() ? "https" : "http") + "://127.0.0.1:" + server.port() + pathAndQuery);
    }

    /** One request; {@code headers} alternate name, value. */
    HttpResponse<byte[]> send(String method, String pathAndQuery, byte[] body, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(pathAndQuery)).timeout(Duration.ofSeconds(10))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        for (int i = 0; i + 1 < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        try {
            return client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    HttpResponse<byte[]> get(String pathAndQuery, String... headers) {
        return send("GET", pathAndQuery, null, headers);
    }

    HttpResponse<byte[]> put(String pathAndQuery, String value, String... headers) {
        return send("PUT", pathAndQuery, value.getBytes(StandardCharsets.UTF_8), headers);
    }

    /**
     * Writes {@code raw} on a fresh socket, half-closes nothing, and reads until the server
     * closes the connection or {@code timeoutMillis} pass; returns what was read (ISO-8859-1).
     */
    String raw(String raw, long timeoutMillis) {
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout((int) timeoutMillis);
            OutputStream out = s.getOutputStream();
            out.write(raw.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            StringBuilder sb = new StringBuilder();
            byte[] buf = new byte[8192];
            try {
                for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                    sb.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
                }
            } catch (SocketTimeoutException e) {
                // a kept-alive connection: what arrived so far is the answer
            }
            return sb.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        server.close();
        cluster.close();
        metrics.close();
    }
}
