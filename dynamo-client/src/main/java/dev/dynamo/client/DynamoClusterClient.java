package dev.dynamo.client;

import dev.dynamo.api.BadRequestException;
import dev.dynamo.api.Context;
import dev.dynamo.api.DynamoClient;
import dev.dynamo.api.DynamoException;
import dev.dynamo.api.GetResult;
import dev.dynamo.api.InsufficientReplicasException;
import dev.dynamo.api.RequestOptions;
import dev.dynamo.api.UnknownTableException;
import dev.dynamo.core.protocol.Message;
import dev.dynamo.core.protocol.MessageCodec;
import dev.dynamo.core.protocol.Replies;
import dev.dynamo.core.ring.NodeInfo;
import dev.dynamo.core.spi.TransportException;
import dev.dynamo.core.time.Cancellable;
import dev.dynamo.core.time.SystemScheduler;
import dev.dynamo.security.tls.TlsFiles;
import dev.dynamo.transport.netty.BinaryClient;
import dev.dynamo.transport.netty.NettyConfig;
import dev.dynamo.transport.netty.TransportTls;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The partition-aware client of the paper (§4.5, client-driven coordination): it learns
 * the ring from the cluster and sends every request straight to the first node of the
 * key's preference list, saving the hop through a load balancer or a random node.
 *
 * <p><b>Ring.</b> At start and then every {@link Builder#ringRefreshInterval ring refresh
 * interval} the client asks one node (known members first, then the seeds) for the ring,
 * the nodes' binary addresses and the tables' placement (n, partitioner). A request that
 * cannot reach a node also triggers a refresh (at most one in flight, and not more often
 * than every {@value #MIN_FAILURE_REFRESH_GAP_MILLIS} ms). A node that answers with an older
 * ring than the one the client holds does not roll it back. {@link #refreshRing()} forces
 * a refresh.
 *
 * <p><b>Routing and fallback.</b> Gets and puts go to the first node of the key's
 * preference list (for a put, that node coordinates the write; for a get, any replica
 * could). When that node is unreachable, the connection closes, or it does not answer
 * within the request timeout, the request goes to the next node of the list. A node that
 * <em>answers</em> with an error ({@code insufficient_replicas}, {@code value_too_large},
 * {@code timeout}, ...) is not retried elsewhere: the error reaches the caller as the
 * matching typed {@link DynamoException}. Note that a put retried after a transport
 * timeout may have been applied by the first node too; the second write then carries the
 * same context and at worst becomes a sibling the reconciler merges, never a lost write.
 *
 * <p><b>Zones.</b> A client given its own {@link Builder#zone zone} tries the key's replicas
 * in that zone first (in preference-list order), then the others: a get is then coordinated
 * in the caller's zone, and so is a put whenever the key has a replica there, which is what
 * a table with {@code quorum = local} counts (docs/zones.md).
 *
 * <p><b>Errors.</b> Every failure is a {@link DynamoException}. When no node of the key's
 * preference list can be reached (or the ring cannot be learned from any seed), the
 * request fails with {@link InsufficientReplicasException} with {@code acknowledged() == 0}
 * and {@code required()} = the request's r (get) or w (put, delete) when given in
 * {@link RequestOptions}, else 1 (the ring does not carry tables' r and w); its message
 * says that no replica could be reached. A table the cluster does not have fails with
 * {@link UnknownTableException} without a round trip. Calls after {@link #close()} fail
 * with a {@link DynamoException} saying the client is closed.
 *
 * <p><b>Timeouts.</b> {@link RequestOptions#timeout()} is the coordinator's deadline (null:
 * the table's {@code timeout-ms}). The client waits for one node's answer for the
 * {@link Builder#requestTimeout request timeout}, or the request's own timeout plus
 * {@value #ANSWER_GRACE_MILLIS} ms when that is longer; keep the request timeout above the
 * tables' timeouts so that the coordinator's own {@code timeout} error reaches the caller
 * instead of a fallback.
 *
 * <p>Thread-safe; connections are pooled and requests pipelined by {@link BinaryClient}.
 * Futures complete on I/O threads: do not block in their callbacks.
 *
 * <pre>{@code
 * try (DynamoClusterClient client = DynamoClusterClient.builder()
 *         .seeds("127.0.0.1:7081", "127.0.0.1:7082")
 *         .requestTimeout(Duration.ofSeconds(5))
 *         .build()) {
 *     byte[] key = "cart-42".getBytes(StandardCharsets.UTF_8);
 *     Context c = client.put("carts", key, Context.EMPTY, value);
 *     GetResult r = client.get("carts", key);
 *     client.delete("carts", key, r.context());
 *     client.putAsync("carts", key, r.context(), value, RequestOptions.DEFAULT.withW(1))
 *           .thenAccept(ctx -> ...);
 * }
 * }</pre>
 */
public final class DynamoClusterClient implements DynamoClient {
    private static final Logger LOG = LoggerFactory.getLogger(DynamoClusterClient.class);

    /** Default wait for one node's answer: above the tables' default 2 s deadline. */
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(5);
    /** Default period of the background ring refresh. */
    public static final Duration DEFAULT_RING_REFRESH_INTERVAL = Duration.ofSeconds(30);
    /** Extra wait beyond a request's own timeout, for the coordinator's answer to travel back. */
    public static final long ANSWER_GRACE_MILLIS = 500;
    /** Failing requests trigger ring refreshes at most this often. */
    public static final long MIN_FAILURE_REFRESH_GAP_MILLIS = 500;

    private final List<String> seeds;
    /** The caller's zone, whose replicas are tried first; null: preference-list order. */
    private final String zone;
    private final long requestTimeoutMillis;
    private final long ringRefreshMillis;
    private final BinaryClient transport;
    private final SystemScheduler scheduler;

    private final Object lock = new Object();
    private volatile Topology topology;
    private volatile boolean closed;
    /** The refresh in flight, or null. Guarded by {@link #lock}. */
    private CompletableFuture<Topology> refreshing;
    /** When the last refresh ended, in System.nanoTime(). Guarded by {@link #lock}. */
    private long lastRefreshEnded;
    /** The next periodic refresh. Guarded by {@link #lock}. */
    private Cancellable periodic;

    private DynamoClusterClient(Builder b) {
        this.seeds = List.copyOf(b.seeds);
        this.zone = b.zone;
        this.requestTimeoutMillis = b.requestTimeout.toMillis();
        this.ringRefreshMillis = b.ringRefreshInterval.toMillis();
        this.transport = BinaryClient.create(b.transportConfig(), b.tls == null ? null : TransportTls.load(b.tls));
        this.scheduler = new SystemScheduler("dynamo-client-ring", 1);
        // as if a refresh had ended long enough ago (nanoTime differences only; no overflow)
        this.lastRefreshEnded = System.nanoTime() - MIN_FAILURE_REFRESH_GAP_MILLIS * 1_000_000L;
        // learn the ring in the background: the first request waits for it if needed
        refresh().whenComplete((t, e) -> schedulePeriodic());
    }

    /** A builder; {@link Builder#seeds(String...)} is required. */
    public static Builder builder() {
        return new Builder();
    }

    // ---------------------------------------------------------------- DynamoClient

    @Override
    public CompletableFuture<GetResult> getAsync(String table, byte[] key, RequestOptions options) {
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(options, "options");
        // encoded now: the request owns a copy of the key from here on
        byte[] request = MessageCodec.encode(new Message.Get(table, key, orZero(options.r()),
                timeoutMillis(options)));
        return execute("get", table, key.clone(), quorum(options.r()), request, attemptMillis(options),
                answer -> {
                    Message.GetResult g = Replies.expect(answer, Message.GetResult.class);
                    return new GetResult(g.versions(), Context.fromBytes(g.context()));
                });
    }

    @Override
    public CompletableFuture<Context> putAsync(String table, byte[] key, Context context, byte[] value,
                                               RequestOptions options) {
        Objects.requireNonNull(value, "value");
        return write("put", table, key, context, value, false, options);
    }

    @Override
    public CompletableFuture<Context> deleteAsync(String table, byte[] key, Context context, RequestOptions options) {
        return write("delete", table, key, context, new byte[0], true, options);
    }

    private CompletableFuture<Context> write(String op, String table, byte[] key, Context context, byte[] value,
                                             boolean tombstone, RequestOptions options) {
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(context, "context");
        Objects.requireNonNull(options, "options");
        byte[] request = MessageCodec.encode(new Message.Put(table, key, context.toBytes(), value, tombstone,
                orZero(options.w()), timeoutMillis(options), false));
        return execute(op, table, key.clone(), quorum(options.w()), request, attemptMillis(options),
                answer -> Context.fromBytes(Replies.expect(answer, Message.PutResult.class).context()));
    }

    private static int orZero(Integer value) {
        return value == null ? 0 : value;
    }

    private static int quorum(Integer requested) {
        return requested == null ? 1 : requested;
    }

    private static long timeoutMillis(RequestOptions options) {
        return options.timeout() == null ? 0 : Math.max(1, options.timeout().toMillis());
    }

    private long attemptMillis(RequestOptions options) {
        if (options.timeout() == null) {
            return requestTimeoutMillis;
        }
        return Math.max(requestTimeoutMillis, options.timeout().toMillis() + ANSWER_GRACE_MILLIS);
    }

    // ---------------------------------------------------------------- routing

    private <T> CompletableFuture<T> execute(String op, String table, byte[] key, int quorum, byte[] request,
                                             long attemptMillis, Function<byte[], T> decode) {
        if (closed) {
            return CompletableFuture.failedFuture(closedException());
        }
        Topology known = topology;
        CompletableFuture<Topology> ready = known != null ? CompletableFuture.completedFuture(known) : refresh();
        return ready.exceptionallyCompose(e -> CompletableFuture.failedFuture(closed ? closedException()
                        : new InsufficientReplicasException("could not learn the ring: " + unwrap(e).getMessage()
                                + "; check that the seeds are up", quorum, 0)))
                .thenCompose(t -> {
                    Topology.Placement placement = t.tables().get(table);
                    if (placement == null) {
                        return CompletableFuture.failedFuture(new UnknownTableException(table));
                    }
                    if (placement.partitioner() == null) {
                        return CompletableFuture.failedFuture(new DynamoException(placement.problem()));
                    }
                    List<String> replicas = t.preferenceList(placement, key);
                    if (zone != null) {
                        replicas = t.sameZoneFirst(replicas, zone);
                    }
                    return attempt(op, table, t, replicas, 0, quorum, request, attemptMillis, decode,
                            new ArrayList<>());
                });
    }

    /** Sends to {@code replicas[index]}, moving down the list while nodes cannot be reached. */
    private <T> CompletableFuture<T> attempt(String op, String table, Topology t, List<String> replicas, int index,
                                             int quorum, byte[] request, long attemptMillis,
                                             Function<byte[], T> decode, List<String> failures) {
        if (closed) {
            return CompletableFuture.failedFuture(closedException());
        }
        if (index >= replicas.size()) {
            requestRefresh();
            return CompletableFuture.failedFuture(new InsufficientReplicasException(op + " on table '" + table
                    + "': no replica of the key could be reached (" + String.join("; ", failures)
                    + "); the nodes may be down or partitioned from this client", quorum, 0));
        }
        String node = replicas.get(index);
        String address = t.addressOf(node);
        if (address == null) {
            failures.add(node + ": no binary address known");
            return attempt(op, table, t, replicas, index + 1, quorum, request, attemptMillis, decode, failures);
        }
        CompletableFuture<byte[]> sent;
        try {
            sent = transport.sendToNode(address, node, request, attemptMillis);
        } catch (RuntimeException e) {
            sent = CompletableFuture.failedFuture(e);
        }
        return sent.handle((answer, error) -> {
            if (error == null) {
                try {
                    return CompletableFuture.completedFuture(decodeAnswer(node, answer, decode));
                } catch (DynamoException e) {
                    return CompletableFuture.<T>failedFuture(e);
                }
            }
            Throwable cause = unwrap(error);
            if (cause instanceof TransportException te && fallsBack(te)) {
                LOG.debug("{} on table '{}': node {} at {} failed ({}), trying the next replica",
                        op, table, node, address, te.kind());
                failures.add(node + " at " + address + ": " + te.getMessage());
                requestRefresh();
                return attempt(op, table, t, replicas, index + 1, quorum, request, attemptMillis, decode,
                        failures);
            }
            return CompletableFuture.<T>failedFuture(toDynamo(node, cause));
        }).thenCompose(Function.identity());
    }

    private boolean fallsBack(TransportException e) {
        if (closed) {
            return false;
        }
        TransportException.Kind kind = e.kind();
        return kind == TransportException.Kind.UNREACHABLE || kind == TransportException.Kind.TIMEOUT
                || kind == TransportException.Kind.CLOSED;
    }

    /** The decoded answer, the node's error as its typed exception, or a DynamoException for garbage. */
    private static <T> T decodeAnswer(String node, byte[] answer, Function<byte[], T> decode) {
        try {
            return decode.apply(answer);
        } catch (DynamoException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new DynamoException("node " + node + " sent a malformed answer: " + e.getMessage(), e);
        }
    }

    private DynamoException toDynamo(String node, Throwable cause) {
        if (cause instanceof DynamoException de) {
            return de;
        }
        if (closed) {
            return closedException();
        }
        if (cause instanceof IllegalArgumentException) {
            // the transport refuses a request over its frame limit before sending it
            return new BadRequestException(cause.getMessage());
        }
        return new DynamoException("node " + node + " failed the request: " + cause.getMessage(), cause);
    }

    private static DynamoException closedException() {
        return new DynamoException("the client is closed");
    }

    private static Throwable unwrap(Throwable e) {
        Throwable t = e;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    // ---------------------------------------------------------------- ring

    /**
     * Asks the cluster for the ring now and waits for the answer.
     *
     * @return the version of the ring the client holds afterwards
     * @throws DynamoException when no node answered (the client keeps the ring it had)
     */
    public long refreshRing() {
        return DynamoClient.await(refreshRingAsync());
    }

    /** {@link #refreshRing()} without waiting. */
    public CompletableFuture<Long> refreshRingAsync() {
        return refresh().thenApply(t -> t.ring().version());
    }

    /** The version of the ring the client holds, or empty before it learned one. */
    public Optional<Long> ringVersion() {
        Topology t = topology;
        return t == null ? Optional.empty() : Optional.of(t.ring().version());
    }

    /**
     * The preference list of {@code key} in {@code table} as the client sees it now: the
     * node a request goes to first, then its fallbacks. Waits for the ring if the client
     * has not learned it yet.
     *
     * @throws UnknownTableException when the cluster has no such table
     */
    public List<String> preferenceList(String table, byte[] key) {
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(key, "key");
        Topology t = topology;
        if (t == null) {
            t = DynamoClient.await(refresh());
        }
        Topology.Placement placement = t.tables().get(table);
        if (placement == null) {
            throw new UnknownTableException(table);
        }
        if (placement.partitioner() == null) {
            throw new DynamoException(placement.problem());
        }
        return t.preferenceList(placement, key);
    }

    /** Starts a refresh unless one is in flight; requests share it. */
    private CompletableFuture<Topology> refresh() {
        CompletableFuture<Topology> f;
        synchronized (lock) {
            if (closed) {
                return CompletableFuture.failedFuture(closedException());
            }
            if (refreshing != null) {
                return refreshing;
            }
            f = new CompletableFuture<>();
            refreshing = f;
        }
        fetch(candidates(), 0, new ArrayList<>()).whenComplete((fetched, error) -> {
            Topology result = error == null ? adopt(fetched) : null;
            synchronized (lock) {
                refreshing = null;
                lastRefreshEnded = System.nanoTime();
            }
            if (error == null) {
                f.complete(result);
            } else {
                f.completeExceptionally(unwrap(error));
            }
        });
        return f;
    }

    /** A refresh after a failure, unless one is running or has just ended. */
    private void requestRefresh() {
        synchronized (lock) {
            if (closed || refreshing != null || System.nanoTime() - lastRefreshEnded
                    < MIN_FAILURE_REFRESH_GAP_MILLIS * 1_000_000L) {
                return;
            }
        }
        refresh().whenComplete((t, e) -> {
            if (e != null) {
                LOG.debug("ring refresh after a failed request failed: {}", e.toString());
            }
        });
    }

    private void schedulePeriodic() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            periodic = scheduler.schedule(() -> refresh().whenComplete((t, e) -> {
                if (e != null && !closed) {
                    LOG.warn("periodic ring refresh failed; keeping ring version {}: {}",
                            ringVersion().map(String::valueOf).orElse("(none)"), unwrap(e).getMessage());
                }
                schedulePeriodic();
            }), ringRefreshMillis);
        }
    }

    /** Known members first (they are the live cluster), then the configured seeds. */
    private List<String> candidates() {
        Set<String> all = new LinkedHashSet<>();
        Topology t = topology;
        if (t != null) {
            for (var node : t.ring().nodes()) {
                String address = t.addressOf(node.id());
                if (address != null) {
                    all.add(address);
                }
            }
        }
        all.addAll(seeds);
        return new ArrayList<>(all);
    }

    private CompletableFuture<Topology> fetch(List<String> candidates, int index, List<String> failures) {
        if (closed) {
            return CompletableFuture.failedFuture(closedException());
        }
        if (index >= candidates.size()) {
            return CompletableFuture.failedFuture(new DynamoException("no node answered a ring request ("
                    + String.join("; ", failures) + ")"));
        }
        String address = candidates.get(index);
        CompletableFuture<byte[]> sent;
        try {
            sent = transport.send(address, MessageCodec.encode(new Message.RingRequest()), requestTimeoutMillis);
        } catch (RuntimeException e) {
            sent = CompletableFuture.failedFuture(e);
        }
        return sent.thenApply(answer -> Topology.from(Replies.expect(answer, Message.RingResult.class)))
                .exceptionallyCompose(e -> {
                    Throwable cause = unwrap(e);
                    LOG.debug("ring request to {} failed: {}", address, cause.toString());
                    failures.add(address + ": " + cause.getMessage());
                    return fetch(candidates, index + 1, failures);
                });
    }

    /** Keeps the newer of the held and the fetched ring, so a lagging node cannot roll it back. */
    private Topology adopt(Topology fetched) {
        synchronized (lock) {
            Topology held = topology;
            if (held == null || fetched.ring().version() >= held.ring().version()) {
                if (held == null || held.ring().version() != fetched.ring().version()) {
                    LOG.info("cluster ring version {} learned: {} nodes, tables {}", fetched.ring().version(),
                            fetched.ring().nodes().size(), fetched.tables().keySet());
                }
                topology = fetched;
                return fetched;
            }
            return held;
        }
    }

    // ---------------------------------------------------------------- lifecycle

    /** Fails pending requests, closes the connections and stops the ring refresh. Idempotent. */
    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            if (periodic != null) {
                periodic.cancel();
            }
        }
        try {
            transport.close();
        } finally {
            scheduler.close();
        }
    }

    @Override
    public String toString() {
        return "DynamoClusterClient" + seeds + ringVersion().map(v -> " ring v" + v).orElse("");
    }

    /**
     * Settings of a {@link DynamoClusterClient}.
     *
     * <pre>{@code
     * DynamoClusterClient client = DynamoClusterClient.builder()
     *         .seeds("10.0.0.1:7081", "10.0.0.2:7081")
     *         .requestTimeout(Duration.ofSeconds(3))
     *         .ringRefreshInterval(Duration.ofSeconds(10))
     *         .zone("dc1")                                  // coordinate in this client's data center
     *         .tls(Path.of("billing.pem"), Path.of("billing-key.pem"), Path.of("ca.pem"))   // a TLS cluster
     *         .build();
     * }</pre>
     */
    public static final class Builder {
        private List<String> seeds = List.of();
        private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
        private Duration ringRefreshInterval = DEFAULT_RING_REFRESH_INTERVAL;
        private Map<String, String> transportProperties = Map.of();
        private TlsFiles tls;
        private String zone;

        private Builder() {
        }

        /** Binary protocol addresses ("host:port") of nodes to learn the ring from; at least one. */
        public Builder seeds(String... seeds) {
            return seeds(Arrays.asList(Objects.requireNonNull(seeds, "seeds")));
        }

        /** Binary protocol addresses ("host:port") of nodes to learn the ring from; at least one. */
        public Builder seeds(List<String> seeds) {
            Objects.requireNonNull(seeds, "seeds");
            List<String> checked = new ArrayList<>();
            for (String seed : seeds) {
                checked.add(checkAddress(seed));
            }
            this.seeds = List.copyOf(new LinkedHashSet<>(checked));
            return this;
        }

        /** How long to wait for one node's answer before trying the next replica; default 5 s. */
        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = positive("request timeout", timeout);
            return this;
        }

        /**
         * The zone (data center or rack) this client runs in: requests go to the key's
         * replicas in that zone first, so they are coordinated there (docs/zones.md). Default:
         * none, the preference list's order.
         *
         * @throws IllegalArgumentException when {@code zone} is not 1 to 64 letters, digits, '-' or '_'
         */
        public Builder zone(String zone) {
            if (!NodeInfo.isValidZone(zone)) {
                throw new IllegalArgumentException("zone must be " + NodeInfo.ZONE_RULE + ", was '" + zone + "'");
            }
            this.zone = zone;
            return this;
        }

        /** How often to re-learn the ring in the background; default 30 s. */
        public Builder ringRefreshInterval(Duration interval) {
            this.ringRefreshInterval = positive("ring refresh interval", interval);
            return this;
        }

        /**
         * Settings of the connections, with the keys of a node's {@code transport.netty.*}
         * (prefix removed; see {@link NettyConfig}), e.g. {@code connections-per-peer},
         * {@code io-threads} (default here: up to 4), {@code connect-timeout-millis},
         * {@code max-frame-bytes}.
         *
         * @throws IllegalArgumentException naming the key when a setting is unknown or invalid
         */
        public Builder transportProperties(Map<String, String> properties) {
            Map<String, String> copy = Map.copyOf(Objects.requireNonNull(properties, "properties"));
            if (copy.containsKey(NettyConfig.BIND)) {
                throw new IllegalArgumentException("transport.netty." + NettyConfig.BIND
                        + ": a client does not listen; remove the setting");
            }
            NettyConfig.fromProperties(copy);
            this.transportProperties = copy;
            return this;
        }

        /**
         * Speaks mutual TLS 1.3 to a cluster whose nodes set {@code tls.cert}, {@code tls.key}
         * and {@code tls.ca}: this client presents {@code certificate} (an application's,
         * {@code CN=<name>, OU=client}, issued by the cluster CA; it may get, put and delete)
         * with its {@code privateKey} (PEM, PKCS#8), and trusts only the CA certificate(s) of
         * {@code ca}. Every node it reaches must present a node certificate listing the host
         * the client dialed, and the one of the node the ring names there. The files are read
         * once, by {@link #build()} (docs/security.md, docs/java-client.md).
         */
        public Builder tls(Path certificate, Path privateKey, Path ca) {
            this.tls = new TlsFiles(Objects.requireNonNull(certificate, "certificate"),
                    Objects.requireNonNull(privateKey, "privateKey"), Objects.requireNonNull(ca, "ca"));
            return this;
        }

        NettyConfig transportConfig() {
            Map<String, String> p = new HashMap<>(transportProperties);
            // a client needs far fewer event loops than a server; one per core is overkill
            p.putIfAbsent(NettyConfig.IO_THREADS,
                    String.valueOf(Math.min(4, Math.max(1, Runtime.getRuntime().availableProcessors()))));
            return NettyConfig.fromProperties(p);
        }

        /**
         * A client that starts learning the ring right away; requests made before it is
         * known wait for it.
         *
         * @throws IllegalArgumentException when no seed was given, or when the TLS files cannot be
         *                                  used (the message names the file and the problem:
         *                                  missing, not PEM, a key not of the certificate, expired,
         *                                  not signed by the CA)
         */
        public DynamoClusterClient build() {
            if (seeds.isEmpty()) {
                throw new IllegalArgumentException("at least one seed (\"host:port\" of a node's binary protocol)"
                        + " is required");
            }
            return new DynamoClusterClient(this);
        }

        private static Duration positive(String what, Duration d) {
            Objects.requireNonNull(d, what);
            if (d.isNegative() || d.isZero() || d.toMillis() < 1) {
                throw new IllegalArgumentException(what + " must be at least 1 ms, was " + d);
            }
            return d;
        }

        private static String checkAddress(String seed) {
            if (seed == null) {
                throw new IllegalArgumentException("seed must be \"host:port\", was null");
            }
            String s = seed.trim();
            int colon = s.lastIndexOf(':');
            if (colon <= 0 || colon == s.length() - 1) {
                throw new IllegalArgumentException("seed must be \"host:port\", was '" + seed + "'");
            }
            int port;
            try {
                port = Integer.parseInt(s.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("seed '" + seed + "': port must be a number 1..65535", e);
            }
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("seed '" + seed + "': port must be 1..65535, was " + port);
            }
            return s;
        }
    }
}
