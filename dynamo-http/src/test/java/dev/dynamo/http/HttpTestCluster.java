package dev.dynamo.http;

import dev.dynamo.core.cluster.ClusterState;
import dev.dynamo.core.coordination.RequestObserver;
import dev.dynamo.core.node.DynamoNode;
import dev.dynamo.core.node.NodeConfig;
import dev.dynamo.core.protocol.Message;
import dev.dynamo.core.ring.NodeInfo;
import dev.dynamo.core.ring.Ring;
import dev.dynamo.core.ring.RingPlanner;
import dev.dynamo.core.spi.MessageHandler;
import dev.dynamo.core.spi.Transport;
import dev.dynamo.core.table.TableConfig;
import dev.dynamo.core.time.SystemScheduler;
import dev.dynamo.core.transport.local.LocalNetwork;
import dev.dynamo.core.transport.local.LocalTransport;
import dev.dynamo.http.metrics.NodeMetrics;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * A real-time cluster for HTTP tests: nodes on the local transport under a
 * {@link SystemScheduler}, node n1 serving the HTTP API on 127.0.0.1 and an ephemeral port.
 *
 * <pre>{@code
 * try (HttpTestCluster c = HttpTestCluster.start(1, dir, TableConfig.of("default", 1, 1, 1, "memory", "lww"))) {
 *     HttpResponse<byte[]> r = c.send("GET", "/health", null);
 * }
 * }</pre>
 */
final class HttpTestCluster implements AutoCloseable {
    static final int Q = 16;

    private final SystemScheduler scheduler = new SystemScheduler("http-test", 2);
    private final LocalNetwork network;
    private final Map<String, DynamoNode> nodes = new LinkedHashMap<>();
    private final NodeMetrics metrics = new NodeMetrics("n1", false);
    private final HttpApiServer server;
    private final SystemScheduler extraScheduler;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private HttpTestCluster(int size, Path dir, HttpApiServer.Options options, List<TableConfig> tables) {
        network = new LocalNetwork(scheduler, 42);
        extraScheduler = null;
        List<NodeInfo> infos = new ArrayList<>();
        List<Message.NodeAddress> addresses = new ArrayList<>();
        for (int i = 1; i <= size; i++) {
            infos.add(NodeInfo.of("n" + i));
            addresses.add(new Message.NodeAddress("n" + i, "local:n" + i, "local:n" + i));
        }
        ClusterState state = ClusterState.of(new RingPlanner().initial(Q, infos), addresses);
        for (int i = 1; i <= size; i++) {
            String id = "n" + i;
            LocalTransport transport = network.transport(id);
            DynamoNode node = new DynamoNode(new NodeConfig(id, "127.0.0.1", 0, 0, dir.resolve(id), 1.0, 10), tables,
                    state, transport, scheduler, i == 1 ? metrics : RequestObserver.NONE);
            transport.start(node);
            nodes.put(id, node);
        }
        nodes.values().forEach(DynamoNode::startBackground); // hint delivery, anti-entropy, as on a server
        metrics.bindNode(nodes.get("n1"), nodes.keySet().stream().filter(id -> !id.equals("n1")).toList());
        server = HttpApiServer.start(nodes.get("n1"), "127.0.0.1", 0, metrics, options);
    }

    private HttpTestCluster(DynamoNode node, SystemScheduler extraScheduler, HttpApiServer.Options options) {
        network = null;
        this.extraScheduler = extraScheduler;
        nodes.put(node.id(), node);
        server = HttpApiServer.start(node, "127.0.0.1", 0, metrics, options);
    }

    static HttpTestCluster start(int size, Path dir, TableConfig... tables) {
        return new HttpTestCluster(size, dir, HttpApiServer.Options.DEFAULT, List.of(tables));
    }

    static HttpTestCluster start(int size, Path dir, HttpApiServer.Options options, TableConfig... tables) {
        return new HttpTestCluster(size, dir, options, List.of(tables));
    }

    /**
     * Node n1 alone, in a ring with a node n2 that never answers: every request that needs
     * n2 runs into the coordinator's deadline.
     */
    static HttpTestCluster withSilentPeer(Path dir, TableConfig... tables) {
        SystemScheduler s = new SystemScheduler("http-test-silent", 1);
        Ring ring = new RingPlanner().initial(Q, List.of(NodeInfo.of("n1"), NodeInfo.of("n2")));
        ClusterState state = ClusterState.of(ring, List.of(new Message.NodeAddress("n1", "local:n1", "local:n1"),
                new Message.NodeAddress("n2", "local:n2", "local:n2")));
        Transport silent = new Transport() {
            @Override
            public String localNode() {
                return "n1";
            }

            @Override
            public void start(MessageHandler handler) {
            }

            @Override
            public CompletableFuture<byte[]> send(String node, byte[] request, long timeoutMillis) {
                return new CompletableFuture<>(); // never answers, never fails
            }

            @Override
            public int inFlight() {
                return 0; // it never receives
            }

            @Override
            public void close() {
            }
        };
        DynamoNode node = new DynamoNode(new NodeConfig("n1", "127.0.0.1", 0, 0, dir.resolve("n1"), 1.0, 10),
                List.of(tables), state, silent, s, RequestObserver.NONE);
        return new HttpTestCluster(node, s, HttpApiServer.Options.DEFAULT);
    }

    HttpApiServer server() {
        return server;
    }

    NodeMetrics metrics() {
        return metrics;
    }

    LocalNetwork network() {
        return network;
    }

    DynamoNode node(String id) {
        return nodes.get(id);
    }

    URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + server.port() + pathAndQuery);
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
            } catch (java.net.SocketTimeoutException e) {
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
        nodes.values().forEach(DynamoNode::close);
        scheduler.close();
        if (extraScheduler != null) {
            extraScheduler.close();
        }
        metrics.close();
    }
}
