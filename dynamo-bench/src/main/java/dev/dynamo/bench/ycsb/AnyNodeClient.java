package dev.dynamo.bench.ycsb;

import dev.dynamo.api.BadRequestException;
import dev.dynamo.api.Context;
import dev.dynamo.api.DynamoClient;
import dev.dynamo.api.DynamoException;
import dev.dynamo.api.GetResult;
import dev.dynamo.api.InsufficientReplicasException;
import dev.dynamo.api.RequestOptions;
import dev.dynamo.core.protocol.Message;
import dev.dynamo.core.protocol.MessageCodec;
import dev.dynamo.core.protocol.Replies;
import dev.dynamo.security.tls.TlsFiles;
import dev.dynamo.transport.netty.BinaryClient;
import dev.dynamo.transport.netty.TransportTls;
import dev.dynamo.transport.netty.NettyConfig;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * Server-driven coordination for the paper's experiment (§6.4, table 2): a client that
 * knows no ring and sends each request to the next node of a fixed list in turn, as a
 * load balancer would. That node coordinates the get itself; a put it is not a replica of
 * it forwards to one (an extra hop). Compare with {@code DynamoClusterClient}, which sends
 * each request straight to the key's coordinator. No fallback: a node that cannot be
 * reached fails the request, which a benchmark should see.
 *
 * <pre>{@code
 * try (DynamoClient c = new AnyNodeClient(List.of("127.0.0.1:7081", "127.0.0.1:7082"), Duration.ofSeconds(5), Map.of())) {
 *     c.put("usertable", key, Context.EMPTY, value);
 * }
 * }</pre>
 */
public final class AnyNodeClient implements DynamoClient {
    private final List<String> nodes;
    private final long timeoutMillis;
    private final BinaryClient transport;
    private final AtomicLong next = new AtomicLong();

    /**
     * @param nodes      binary addresses (host:port) to spread requests over
     * @param timeout    wait for one answer
     * @param transport  connection settings (keys of {@link NettyConfig}, e.g. connections-per-peer)
     */
    public AnyNodeClient(List<String> nodes, Duration timeout, Map<String, String> transport) {
        this(nodes, timeout, transport, null);
    }

    /**
     * As {@link #AnyNodeClient(List, Duration, Map)}, speaking mutual TLS with {@code tls} (a
     * client certificate, its key and the cluster CA) unless it is null.
     *
     * @throws IllegalArgumentException naming the file when the TLS files cannot be used
     */
    public AnyNodeClient(List<String> nodes, Duration timeout, Map<String, String> transport, TlsFiles tls) {
        if (nodes.isEmpty()) {
            throw new IllegalArgumentException("nodes: give at least one host:port");
        }
        this.nodes = List.copyOf(nodes);
        this.timeoutMillis = timeout.toMillis();
        Map<String, String> p = new HashMap<>(transport);
        p.putIfAbsent(NettyConfig.IO_THREADS, String.valueOf(Math.min(4,
                Math.max(1, Runtime.getRuntime().availableProcessors()))));
        this.transport = BinaryClient.create(NettyConfig.fromProperties(p), tls == null ? null : TransportTls.load(tls));
    }

    @Override
    public CompletableFuture<GetResult> getAsync(String table, byte[] key, RequestOptions options) {
        byte[] request = MessageCodec.encode(new Message.Get(table, key, orZero(options.r()), millis(options)));
        return send(request, answer -> {
            Message.GetResult g = Replies.expect(answer, Message.GetResult.class);
            return new GetResult(g.versions(), Context.fromBytes(g.context()));
        });
    }

    @Override
    public CompletableFuture<Context> putAsync(String table, byte[] key, Context context, byte[] value,
                                               RequestOptions options) {
        return write(table, key, context, value, false, options);
    }

    @Override
    public CompletableFuture<Context> deleteAsync(String table, byte[] key, Context context, RequestOptions options) {
        return write(table, key, context, new byte[0], true, options);
    }

    private CompletableFuture<Context> write(String table, byte[] key, Context context, byte[] value,
                                             boolean tombstone, RequestOptions options) {
        byte[] request = MessageCodec.encode(new Message.Put(table, key, context.toBytes(), value, tombstone,
                orZero(options.w()), millis(options), false));
        return send(request, answer -> Context.fromBytes(Replies.expect(answer, Message.PutResult.class)
                .context()));
    }

    private <T> CompletableFuture<T> send(byte[] request, Function<byte[], T> decode) {
        String node = nodes.get((int) Math.floorMod(next.getAndIncrement(), (long) nodes.size()));
        CompletableFuture<byte[]> sent;
        try {
            sent = transport.send(node, request, timeoutMillis);
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(new BadRequestException(e.getMessage()));
        }
        return sent.handle((answer, error) -> {
            if (error != null) {
                Throwable cause = error instanceof CompletionException && error.getCause() != null
                        ? error.getCause() : error;
                throw cause instanceof DynamoException de ? de
                        : new InsufficientReplicasException("node at " + node + " failed: " + cause.getMessage(), 1, 0);
            }
            return decode.apply(answer);
        });
    }

    private static int orZero(Integer value) {
        return value == null ? 0 : value;
    }

    private static long millis(RequestOptions options) {
        return options.timeout() == null ? 0 : Math.max(1, options.timeout().toMillis());
    }

    @Override
    public void close() {
        transport.close();
    }

    @Override
    public String toString() {
        return "AnyNodeClient" + Objects.toString(nodes);
    }
}
