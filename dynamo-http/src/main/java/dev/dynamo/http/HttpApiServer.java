package dev.dynamo.http;

import dev.dynamo.core.limits.LogLimiter;
import dev.dynamo.core.membership.Membership;
import dev.dynamo.core.node.DynamoNode;
import dev.dynamo.core.table.Table;
import dev.dynamo.core.time.Clock;
import dev.dynamo.http.metrics.NodeMetrics;
import io.micrometer.core.instrument.Gauge;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Collection;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP/JSON API of a node (docs/http-api.md): {@code GET/PUT/DELETE /tables/{table}/keys/{key}},
 * {@code GET /tables}, {@code GET /cluster}, {@code GET /health}, {@code GET /metrics}, on
 * Netty (epoll when available, NIO otherwise) with keep-alive and HTTP/1.1 pipelining.
 * Requests go to the node's asynchronous Java API on a small worker pool, so neither the
 * event loop nor a worker ever waits for replicas. See docs/http-api.md for the
 * wire contract, and {@link Options} (docs/limits.md, "HTTP port") for the limits on
 * connections, requests in flight, idle and slow connections, and request heads.
 * {@link HttpSecurity} adds HTTPS and HTTP Basic authentication with per-table roles
 * (docs/security.md).
 *
 * <pre>{@code
 * NodeMetrics metrics = new NodeMetrics("n1");
 * DynamoNode node = new DynamoNode(config, tables, cluster, transport, scheduler, metrics);
 * try (HttpApiServer http = HttpApiServer.start(node, "127.0.0.1", 8081, metrics)) {
 *     System.out.println("HTTP API on port " + http.port());
 *     ...
 * }   // stops accepting, lets requests in flight finish (bounded), closes connections
 * }</pre>
 *
 * <p>The server does not own the node or the metrics: close them after the server.
 */
public final class HttpApiServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HttpApiServer.class);

    /** Room above the largest table's {@code max-value-bytes} before the server refuses to read a body. */
    static final int BODY_SLACK_BYTES = 64 * 1024;
    /** Default longest request line: bounds the key (percent-encoded) and query. */
    static final int MAX_INITIAL_LINE_BYTES = 64 * 1024;
    /** Default largest header block: a context of many clock entries must fit. */
    static final int MAX_HEADER_BYTES = 64 * 1024;

    /** Password checks waiting for a hashing thread before more are answered 503 (docs/limits.md). */
    static final int MAX_PENDING_CHECKS = 64;
    /** The only TLS version of the HTTPS port. */
    static final String TLS_PROTOCOL = "TLSv1.3";
    static final String TLS_HANDLER = "tls";

    /** At most one log line per kind of refusal this often: clients choose how often they are refused. */
    private static final long LOG_INTERVAL_MILLIS = 10_000;

    /** Setting names of the limits, as errors, logs and {@code dynamo_limit_refusals_total{limit}} name them. */
    static final String MAX_CONNECTIONS = "http.max-connections";
    static final String MAX_IN_FLIGHT = "http.max-in-flight";
    static final String MAX_QUEUED_REQUESTS = "http.max-queued-requests";
    static final String IDLE_TIMEOUT = "http.idle-timeout-ms";
    static final String LINGER_BYTES = "http.linger-max-bytes";
    static final String LINGER_TIME = "http.linger-ms";
    static final String MAX_REQUEST_LINE = "http.max-request-line-bytes";
    static final String MAX_HEADERS = "http.max-header-bytes";

    /**
     * Tuning and limits of the server; {@link #DEFAULT} suits most nodes. docs/limits.md
     * ("HTTP port") describes each limit and what a client sees past it.
     *
     * <pre>{@code
     * HttpApiServer.start(node, host, port, metrics, HttpApiServer.Options.DEFAULT.withIoThreads(4)
     *         .withMaxConnections(10_000).withIdleTimeout(Duration.ofSeconds(30)));
     * }</pre>
     *
     * @param ioThreads           event loop threads (1..256)
     * @param workerThreads       threads that call into the node (1..1024)
     * @param maxQueuedRequests   requests waiting for a worker before new ones get 503 {@code overloaded}
     *                            (1..1_000_000; {@code http.max-queued-requests})
     * @param closeGrace          how long {@link #close()} waits for requests in flight, then for connections and threads
     * @param nativeTransport     use epoll when the platform has it; false forces NIO
     * @param maxConnections      open connections; one more is answered 503 {@code overloaded} and closed
     *                            (1..1_000_000; {@code http.max-connections})
     * @param maxInFlight         requests being served at once over all connections; one more is answered
     *                            503 {@code overloaded} (1..1_000_000; {@code http.max-in-flight})
     * @param idleTimeout         how long a connection may sit with nothing to do, and how long one request may
     *                            take to arrive from its first byte to its last, before the connection is closed
     *                            (10 ms..1 day; {@code http.idle-timeout-ms})
     * @param lingerBytes         after an answer that closes the connection, how many more bytes the server reads
     *                            and drops so that the client, still sending, reads the answer rather than a reset
     *                            (0..1 GiB; {@code http.linger-max-bytes})
     * @param lingerTime          how long it reads them at most (0..10 minutes; {@code http.linger-ms})
     * @param maxRequestLineBytes longest request line, which holds the key (1 KiB..16 MiB;
     *                            {@code http.max-request-line-bytes})
     * @param maxHeaderBytes      largest header block, which holds the context (1 KiB..16 MiB;
     *                            {@code http.max-header-bytes})
     */
    public record Options(int ioThreads, int workerThreads, int maxQueuedRequests, Duration closeGrace,
                          boolean nativeTransport, int maxConnections, int maxInFlight, Duration idleTimeout,
                          long lingerBytes, Duration lingerTime, int maxRequestLineBytes, int maxHeaderBytes) {
        public static final Options DEFAULT = new Options(
                Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors())),
                Math.max(2, Runtime.getRuntime().availableProcessors()), 4096, Duration.ofSeconds(5), true,
                1024, 512, Duration.ofSeconds(60), 8L << 20, Duration.ofSeconds(5), MAX_INITIAL_LINE_BYTES,
                MAX_HEADER_BYTES);

        /** Bounds of the settings, for validation here and in configuration files. */
        public static final long MAX_COUNT = 1_000_000;
        public static final long MIN_IDLE_TIMEOUT_MILLIS = 10;
        public static final long MAX_IDLE_TIMEOUT_MILLIS = 24L * 3600 * 1000;
        public static final long MAX_LINGER_BYTES = 1L << 30;
        public static final long MAX_LINGER_MILLIS = 600_000;
        public static final int MIN_HEAD_BYTES = 1024;
        public static final int MAX_HEAD_BYTES = 16 << 20;

        public Options {
            check("ioThreads", ioThreads, 1, 256);
            check("workerThreads", workerThreads, 1, 1024);
            check("maxQueuedRequests", maxQueuedRequests, 1, MAX_COUNT);
            check("maxConnections", maxConnections, 1, MAX_COUNT);
            check("maxInFlight", maxInFlight, 1, MAX_COUNT);
            check("lingerBytes", lingerBytes, 0, MAX_LINGER_BYTES);
            check("maxRequestLineBytes", maxRequestLineBytes, MIN_HEAD_BYTES, MAX_HEAD_BYTES);
            check("maxHeaderBytes", maxHeaderBytes, MIN_HEAD_BYTES, MAX_HEAD_BYTES);
            Objects.requireNonNull(closeGrace, "closeGrace");
            if (closeGrace.isNegative() || closeGrace.compareTo(Duration.ofMinutes(10)) > 0) {
                throw new IllegalArgumentException("closeGrace must be between 0 and 10 minutes, was " + closeGrace);
            }
            Objects.requireNonNull(idleTimeout, "idleTimeout");
            check("idleTimeout (ms)", idleTimeout.toMillis(), MIN_IDLE_TIMEOUT_MILLIS, MAX_IDLE_TIMEOUT_MILLIS);
            Objects.requireNonNull(lingerTime, "lingerTime");
            if (lingerTime.isNegative()) {
                throw new IllegalArgumentException("lingerTime must not be negative, was " + lingerTime);
            }
            check("lingerTime (ms)", lingerTime.toMillis(), 0, MAX_LINGER_MILLIS);
        }

        private static void check(String name, long value, long min, long max) {
            if (value < min || value > max) {
                throw new IllegalArgumentException(name + " must be between " + min + " and " + max + ", was "
                        + value);
            }
        }

        public Options withIoThreads(int n) {
            return new Options(n, workerThreads, maxQueuedRequests, closeGrace, nativeTransport, maxConnections,
                    maxInFlight, idleTimeout, lingerBytes, lingerTime, maxRequestLineBytes, maxHeaderBytes);
        }

        public Options withWorkerThreads(int n) {
            return new Options(ioThreads, n, maxQueuedRequests, closeGrace, nativeTransport, maxConnections,
                    maxInFlight, idleTimeout, lingerBytes, lingerTime, maxRequestLineBytes, maxHeaderBytes);
        }

        public Options withMaxQueuedRequests(int n) {
            return new Options(ioThreads, workerThreads, n, closeGrace, nativeTransport, maxConnections,
                    maxInFlight, idleTimeout, lingerBytes, lingerTime, maxRequestLineBytes, maxHeaderBytes);
        }

        public Options withCloseGrace(Duration d) {
            return new Options(ioThreads, workerThreads, maxQueuedRequests, d, nativeTransport, maxConnections,
                    maxInFlight, idleTimeout, lingerBytes, lingerTime, maxRequestLineBytes, maxHeaderBytes);
        }

        public Options withNativeTransport(boolean b) {
            return new Options(ioThreads, workerThreads, maxQueuedRequests, closeGrace, b, maxConnections,
                    maxInFlight, idleTimeout, lingerBytes, lingerTime, maxRequestLineBytes, maxHeaderBytes);
        }

        public Options withMaxConnections(int n) {
            return new Options(ioThreads, workerThreads, maxQueuedRequests, closeGrace, nativeTransport, n,
                    maxInFlight, idleTimeout, lingerBytes, lingerTime, maxRequestLineBytes, maxHeaderBytes);
        }

        public Options withMaxInFlight(int n) {
            return new Options(ioThreads, workerThreads, maxQueuedRequests, closeGrace, nativeTransport,
                    maxConnections, n, idleTimeout, lingerBytes, lingerTime, maxRequestLineBytes, maxHeaderBytes);
        }

        public Options withIdleTimeout(Duration d) {
            return new Options(ioThreads, workerThreads, maxQueuedRequests, closeGrace, nativeTransport,
                    maxConnections, maxInFlight, d, lingerBytes, lingerTime, maxRequestLineBytes, maxHeaderBytes);
        }

        /** Lingering close: read and drop at most {@code bytes} for at most {@code time}; 0 closes at once. */
        public Options withLinger(long bytes, Duration time) {
            return new Options(ioThreads, workerThreads, maxQueuedRequests, closeGrace, nativeTransport,
                    maxConnections, maxInFlight, idleTimeout, bytes, time, maxRequestLineBytes, maxHeaderBytes);
        }

        public Options withMaxRequestLineBytes(int n) {
            return new Options(ioThreads, workerThreads, maxQueuedRequests, closeGrace, nativeTransport,
                    maxConnections, maxInFlight, idleTimeout, lingerBytes, lingerTime, n, maxHeaderBytes);
        }

        public Options withMaxHeaderBytes(int n) {
            return new Options(ioThreads, workerThreads, maxQueuedRequests, closeGrace, nativeTransport,
                    maxConnections, maxInFlight, idleTimeout, lingerBytes, lingerTime, maxRequestLineBytes, n);
        }
    }

    private final DynamoNode node;
    private final NodeMetrics metrics;
    private final Options options;
    private final EventLoopGroup group;
    private final ThreadPoolExecutor workers;
    private final HttpApi api;
    private final ChannelGroup channels = new DefaultChannelGroup("dynamo-http", GlobalEventExecutor.INSTANCE);
    private final AtomicInteger inFlight = new AtomicInteger();
    /** Connections accepted under {@code http.max-connections} and still open (refused ones are not counted). */
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final int bodyLimit;
    private final String transportName;
    private volatile boolean closing;
    private final Channel serverChannel;
    private final Gauge inFlightGauge;
    private final Gauge connectionsGauge;
    private final Gauge queuedGauge;
    /** Null for plain HTTP. */
    private final SslContext tls;
    /** Runs password checks (PBKDF2) when the API authenticates; null otherwise. */
    private final ThreadPoolExecutor hashing;

    private HttpApiServer(DynamoNode node, String host, int port, NodeMetrics metrics, Options options,
                          HttpSecurity security) {
        this.node = Objects.requireNonNull(node, "node");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.options = Objects.requireNonNull(options, "options");
        Objects.requireNonNull(security, "security");
        Objects.requireNonNull(host, "host");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("HTTP port must be 0..65535, was " + port);
        }
        try {
            security.requireSafeTransport();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("node " + node.id() + ": " + e.getMessage(), e);
        }
        this.tls = security.tls() ? sslContext(node.id(), security) : null;
        this.bodyLimit = bodyLimit(node.tables());
        boolean epoll = options.nativeTransport() && Epoll.isAvailable();
        this.transportName = epoll ? "epoll" : "nio";
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        Class<? extends ServerChannel> channelType = epoll ? EpollServerSocketChannel.class
                : NioServerSocketChannel.class;
        this.group = new MultiThreadIoEventLoopGroup(options.ioThreads(),
                new DefaultThreadFactory("dynamo-http-io-" + node.id(), true), io);
        this.workers = newWorkers(node.id(), options);
        LogLimiter logLimiter = new LogLimiter(Clock.system(), LOG_INTERVAL_MILLIS);
        this.hashing = security.authenticates() ? newHashing(node.id()) : null;
        HttpAccessControl access = hashing == null ? null : new HttpAccessControl(node.id(), security.credentials(),
                hashing, MAX_PENDING_CHECKS, metrics, logLimiter);
        this.api = new HttpApi(node, metrics, workers, options.maxQueuedRequests(), access);
        HttpDecoderConfig decoder = new HttpDecoderConfig()
                .setMaxInitialLineLength(options.maxRequestLineBytes())
                .setMaxHeaderSize(options.maxHeaderBytes());
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channel(channelType)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        channels.add(ch);
                        int open = connections.incrementAndGet();
                        if (open > options.maxConnections()) {
                            connections.decrementAndGet();
                            refuse(ch, open, logLimiter);
                            return;
                        }
                        ch.closeFuture().addListener(f -> connections.decrementAndGet());
                        if (tls != null) {
                            ch.pipeline().addLast(HttpsOnly.NAME, new HttpsOnly(logLimiter));
                            ch.pipeline().addLast(TLS_HANDLER, tls.newHandler(ch.alloc()));
                        }
                        IdleGuard idle = new IdleGuard(options.idleTimeout().toMillis(), metrics, logLimiter);
                        ch.pipeline().addLast(IdleGuard.BYTES, idle.bytesIn());
                        ch.pipeline().addLast("http", new HttpServerCodec(decoder));
                        ch.pipeline().addLast(IdleGuard.MESSAGES, idle.messages());
                        ch.pipeline().addLast("aggregate", new BodyLimitAggregator(bodyLimit, api,
                                options.lingerBytes()));
                        ch.pipeline().addLast("api", new HttpApiHandler(api, inFlight, () -> closing, bodyLimit,
                                options, metrics));
                    }
                });
        ChannelFuture bound = bootstrap.bind(host, port).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            shutdownThreads();
            Throwable cause = bound.cause();
            String why = cause == null ? "unknown reason" : String.valueOf(cause.getMessage());
            IOException io2 = cause instanceof IOException ? (IOException) cause : new IOException(why, cause);
            throw new UncheckedIOException("node " + node.id() + ": the HTTP API cannot listen on " + host + ":"
                    + port + ": " + why, io2);
        }
        this.serverChannel = bound.channel();
        this.inFlightGauge = Gauge.builder("dynamo.http.inflight", inFlight, AtomicInteger::get)
                .description("HTTP requests being served").strongReference(true).register(metrics.registry());
        this.connectionsGauge = Gauge.builder("dynamo.http.connections", channels, ChannelGroup::size)
                .description("Open HTTP connections").strongReference(true).register(metrics.registry());
        this.queuedGauge = Gauge.builder("dynamo.http.queued", workers, w -> w.getQueue().size())
                .description("HTTP requests waiting for a worker thread").strongReference(true)
                .register(metrics.registry());
        LOG.info("node {}: HTTP API listening on {} ({}, {}, {}, body limit {} bytes, at most {} connections and {}"
                + " requests in flight, idle timeout {} ms)", node.id(), serverChannel.localAddress(), transportName,
                tls != null ? "HTTPS" : "plain HTTP",
                security.authenticates() ? "HTTP Basic authentication" : "no authentication", bodyLimit,
                options.maxConnections(), options.maxInFlight(), options.idleTimeout().toMillis());
    }

    /** A connection over {@code http.max-connections}: answered 503 and closed (counted, logged at a bounded rate). */
    private void refuse(SocketChannel ch, int open, LogLimiter logLimiter) {
        logLimiter.warn(LOG, "max-connections", "node {}: refused HTTP connection from {}: {} open, at most {} ({})",
                node.id(), ch.remoteAddress(), open - 1, options.maxConnections(), MAX_CONNECTIONS);
        if (tls != null) {
            ch.pipeline().addLast(TLS_HANDLER, tls.newHandler(ch.alloc()));
        }
        ch.pipeline().addLast("http", new HttpResponseEncoder());
        ch.pipeline().addLast("refuse", new RefusedConnection(api.overloaded(null, MAX_CONNECTIONS, open - 1,
                options.maxConnections())));
    }

    /**
     * Serves membership through this API from now on: {@code /cluster} shows gossip's view
     * and the ring change in progress, and {@code /membership/*} takes join, leave and remove.
     */
    public void setMembership(Membership membership) {
        api.setMembership(membership);
    }

    /**
     * Starts the HTTP API of {@code node} on {@code host:port} (0: any free port), with TLS and
     * authentication as {@code security} says.
     *
     * @throws UncheckedIOException     when the address cannot be bound, naming it and why
     * @throws IllegalArgumentException for a port outside 0..65535, authentication over plain HTTP
     *                                  without {@link HttpSecurity#allowPlaintext()}, or a TLS key
     *                                  manager the TLS implementation cannot use
     */
    public static HttpApiServer start(DynamoNode node, String host, int port, NodeMetrics metrics, Options options,
                                      HttpSecurity security) {
        return new HttpApiServer(node, host, port, metrics, options, security);
    }

    /** Starts the HTTP API of {@code node} on {@code host:port} (0: any free port) with default options. */
    public static HttpApiServer start(DynamoNode node, String host, int port, NodeMetrics metrics) {
        return start(node, host, port, metrics, Options.DEFAULT);
    }

    /**
     * Starts the HTTP API of {@code node} on {@code host:port} (0: any free port).
     *
     * @throws UncheckedIOException     when the address cannot be bound, naming it and why
     * @throws IllegalArgumentException for a port outside 0..65535
     */
    public static HttpApiServer start(DynamoNode node, String host, int port, NodeMetrics metrics, Options options) {
        return start(node, host, port, metrics, options, HttpSecurity.NONE);
    }

    /**
     * The server side of HTTPS: TLS 1.3 with the JDK's engine (which takes any key manager, so a
     * reloading one serves a rotated certificate to new connections); clients present none.
     */
    private static SslContext sslContext(String nodeId, HttpSecurity security) {
        try {
            return SslContextBuilder.forServer(security.tlsKeys()).sslProvider(SslProvider.JDK)
                    .protocols(TLS_PROTOCOL).clientAuth(ClientAuth.NONE).build();
        } catch (SSLException e) {
            throw new IllegalArgumentException("node " + nodeId + ": the HTTP API cannot use its TLS key and"
                    + " certificate: " + e.getMessage(), e);
        }
    }

    /**
     * The password-check pool: PBKDF2 is CPU work, so a few threads, and a short queue so that a
     * flood of guesses is refused (503) rather than queued for minutes.
     */
    private static ThreadPoolExecutor newHashing(String nodeId) {
        int threads = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors() / 2));
        AtomicInteger n = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(MAX_PENDING_CHECKS), r -> {
                    Thread t = new Thread(r, "dynamo-http-auth-" + nodeId + "-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    private static ThreadPoolExecutor newWorkers(String nodeId, Options options) {
        AtomicInteger n = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(options.workerThreads(), options.workerThreads(),
                60, TimeUnit.SECONDS, new ArrayBlockingQueue<>(options.maxQueuedRequests()), r -> {
                    Thread t = new Thread(r, "dynamo-http-worker-" + nodeId + "-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    /** Largest body accepted: the largest table's max-value-bytes plus slack, so most 413s name the exact size. */
    static int bodyLimit(Collection<Table> tables) {
        long max = 0;
        for (Table t : tables) {
            max = Math.max(max, t.config().maxValueBytes());
        }
        return (int) Math.min(Integer.MAX_VALUE - 8, max + BODY_SLACK_BYTES);
    }

    /** The port the server listens on (the chosen one when started with port 0). */
    public int port() {
        return address().getPort();
    }

    /** The address the server listens on. */
    public InetSocketAddress address() {
        return (InetSocketAddress) serverChannel.localAddress();
    }

    /** Whether the server speaks HTTPS. */
    public boolean tls() {
        return tls != null;
    }

    /** "epoll" or "nio": the socket transport in use. */
    public String transport() {
        return transportName;
    }

    /** Largest request body read before answering 413 {@code value_too_large}. */
    public int bodyLimit() {
        return bodyLimit;
    }

    /**
     * Stops accepting connections, answers requests that arrive meanwhile with 503
     * {@code shutting_down}, waits up to {@link Options#closeGrace()} for requests in flight,
     * then closes every connection and stops the threads. Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        closing = true;
        long graceMillis = options.closeGrace().toMillis();
        serverChannel.close().awaitUninterruptibly(graceMillis);
        long deadline = System.nanoTime() + options.closeGrace().toNanos();
        while (inFlight.get() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        int left = inFlight.get();
        if (left > 0) {
            LOG.warn("node {}: HTTP API closing with {} requests still in flight after {} ms", node.id(), left,
                    graceMillis);
        }
        channels.close().awaitUninterruptibly(graceMillis);
        shutdownThreads();
        metrics.registry().remove(inFlightGauge);
        metrics.registry().remove(connectionsGauge);
        metrics.registry().remove(queuedGauge);
        LOG.info("node {}: HTTP API on {} closed", node.id(), serverChannel.localAddress());
    }

    private void shutdownThreads() {
        long graceMillis = options.closeGrace().toMillis();
        group.shutdownGracefully(0, graceMillis, TimeUnit.MILLISECONDS).awaitUninterruptibly(graceMillis + 1_000);
        stop(workers, graceMillis);
        if (hashing != null) {
            stop(hashing, graceMillis);
        }
    }

    private static void stop(ThreadPoolExecutor pool, long graceMillis) {
        pool.shutdown();
        try {
            if (!pool.awaitTermination(graceMillis, TimeUnit.MILLISECONDS)) {
                pool.shutdownNow();
            }
        } catch (InterruptedException e) {
            pool.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
