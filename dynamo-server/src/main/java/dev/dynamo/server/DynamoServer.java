package dev.dynamo.server;

import dev.dynamo.core.cluster.ClusterState;
import dev.dynamo.core.coordination.RequestLimits;
import dev.dynamo.core.limits.LimitObserver;
import dev.dynamo.core.membership.Membership;
import dev.dynamo.core.membership.PhiAccrualFailureDetector;
import dev.dynamo.core.node.DynamoNode;
import dev.dynamo.core.node.NodeOptions;
import dev.dynamo.core.spi.Extensions;
import dev.dynamo.core.spi.MessageHandler;
import dev.dynamo.core.spi.Plugins;
import dev.dynamo.core.spi.Transport;
import dev.dynamo.core.spi.TransportContext;
import dev.dynamo.core.table.TableConfig;
import dev.dynamo.core.time.Periodic;
import dev.dynamo.core.time.SystemScheduler;
import dev.dynamo.http.HttpApiServer;
import dev.dynamo.http.HttpSecurity;
import dev.dynamo.http.metrics.NodeMetrics;
import dev.dynamo.security.auth.CredentialsException;
import dev.dynamo.security.tls.TlsMaterialException;
import dev.dynamo.security.tls.TlsReloader;
import dev.dynamo.server.config.ClusterMember;
import dev.dynamo.server.config.ConfigException;
import dev.dynamo.server.config.ConfigLoader;
import dev.dynamo.server.config.HttpAuthSettings;
import dev.dynamo.server.config.ServerConfig;
import dev.dynamo.server.config.TlsSettings;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running node: the wiring of a {@link DynamoNode} to the binary protocol (the
 * configured transport, {@code netty} by default), the HTTP/JSON API and the metrics,
 * started from a configuration directory.
 *
 * <pre>{@code
 * try (DynamoServer server = DynamoServer.start(Path.of("conf"))) {
 *     System.out.println("HTTP API on " + server.httpAddress());
 *     server.awaitClosed();       // until another thread (a shutdown hook) closes it
 * }
 * }</pre>
 *
 * <p>{@link #close()} is graceful: the HTTP API stops accepting and finishes its requests
 * in flight, the binary protocol gets a bounded wait for its requests in flight before it
 * closes, then the node flushes and closes its engines. A failure while starting closes
 * whatever was already opened. The server installs no shutdown hook: the command line
 * ({@code dev.dynamo.server.cli.Main}) does.
 */
public final class DynamoServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DynamoServer.class);

    /** How long {@link #close()} waits for binary requests in flight before closing the transport. */
    static final long BINARY_DRAIN_MILLIS = 5_000;

    private final ServerConfig config;
    private final SystemScheduler scheduler;
    private final NodeMetrics metrics;
    private final Transport transport;
    private final DynamoNode node;
    private final Membership membership;
    private final HttpApiServer http;
    /** Null when the HTTP API asks for no password. */
    private final HttpUsers httpUsers;
    private final CountDownLatch closed = new CountDownLatch(1);
    private final Object closeLock = new Object();
    private boolean closing;

    private DynamoServer(ServerConfig config, SystemScheduler scheduler, NodeMetrics metrics, Transport transport,
                         DynamoNode node, Membership membership, HttpApiServer http, HttpUsers httpUsers) {
        this.config = config;
        this.scheduler = scheduler;
        this.metrics = metrics;
        this.transport = transport;
        this.node = node;
        this.membership = membership;
        this.http = http;
        this.httpUsers = httpUsers;
    }

    /**
     * Parses {@code confDir} and starts the node.
     *
     * @throws ConfigException       for an invalid configuration, naming the file and key
     * @throws IllegalStateException or another runtime exception when a port cannot be
     *                               bound or an engine cannot open its data
     */
    public static DynamoServer start(Path confDir) {
        return start(ServerConfig.load(confDir));
    }

    /** Starts the node of {@code config}; see {@link #start(Path)}. */
    public static DynamoServer start(ServerConfig config) {
        String id = config.node().id();
        ConfigLoader.checkValuesFitMessages(config);
        ConfigLoader.checkTls(config);
        warnAboutSmallCluster(config);
        HttpUsers httpUsers = httpUsers(config);
        TlsReloader httpTls = httpTls(config);
        HttpSecurity httpSecurity = httpSecurity(config, httpUsers, httpTls);
        // closed in reverse order if a later step fails
        Deque<AutoCloseable> opened = new ArrayDeque<>();
        try {
            SystemScheduler scheduler = new SystemScheduler("dynamo-" + id + "-timer",
                    Math.max(2, Runtime.getRuntime().availableProcessors()));
            opened.push(scheduler);
            if (httpUsers != null) {
                opened.push(httpUsers.start(scheduler));
            }
            if (httpTls != null) {
                opened.push(Periodic.start(scheduler, config.tls().reloadIntervalMillis(),
                        "checking the HTTP API's TLS files for a rotation", httpTls::reloadIfChanged));
            }
            NodeMetrics metrics = new NodeMetrics(id);
            opened.push(metrics);

            // The transport must listen before the node exists when its port is chosen at
            // bind (port 0); until the node is set, requests fail as "starting".
            NodeHolder holder = new NodeHolder(id, config);
            Transport transport = Plugins.transport(config.transport()).create(new TransportContext(id,
                    holder::binaryAddress, transportProperties(config), scheduler,
                    Extensions.NONE.with(LimitObserver.class, metrics)));
            opened.push(transport);
            transport.start(holder);
            metrics.bindTransport(transport);
            ServerConfig bound = config;
            if (config.node().binaryPort() == 0) {
                int port = transport.boundAddress().map(InetSocketAddress::getPort).orElseThrow(() ->
                        new ConfigException(config.confDir().resolve("node.properties"), "key 'binary.port' = '0':"
                                + " transport '" + config.transport() + "' listens on no socket, so it cannot pick"
                                + " a free port; set a fixed port or use transport 'netty'"));
                bound = bound.withBoundPorts(port, config.node().httpPort());
            }

            DynamoNode node = openNode(bound, transport, scheduler, metrics);
            opened.push(node);
            holder.node = node;

            HttpApiServer http = HttpApiServer.start(node, bound.node().host(), bound.node().httpPort(), metrics,
                    bound.http(), httpSecurity);
            opened.push(http);
            if (bound.node().httpPort() == 0) {
                bound = bound.withBoundPorts(bound.node().binaryPort(), http.port());
                node.updateCluster(bound.clusterState());
            }
            metrics.bindNode(node, bound.members().stream().map(ClusterMember::id)
                    .filter(m -> !m.equals(id)).toList());
            node.startBackground();

            Membership membership = new Membership(bound.self().nodeAddress(), bound.seeds(), bound.membership(),
                    transport, scheduler, node);
            opened.push(membership);
            RingFile ringFile = new RingFile(bound.node().dataDir());
            membership.onRingChange(ring -> ringFile.save(node.cluster()));
            membership.start();
            http.setMembership(membership);
            metrics.bindMembership(membership);

            DynamoServer server = new DynamoServer(bound, scheduler, metrics, transport, node, membership, http,
                    httpUsers);
            LOG.info("node {} is up: binary protocol on {}{}, HTTP API on {}://{}, data in {}, cluster {}, q={}",
                    id, bound.node().binaryAddress(), bound.tls().enabled() ? " (mutual TLS)" : "",
                    httpTls == null ? "http" : "https", bound.node().httpAddress(), bound.node().dataDir(),
                    bound.members(), bound.q());
            // once, at start: what the configuration leaves open (nothing when TLS and passwords are on)
            Exposure.of(bound).warning(id, bound.node().binaryAddress(), bound.node().httpAddress())
                    .ifPresent(LOG::warn);
            for (TableConfig t : bound.tables()) {
                LOG.info("node {}: table '{}' n={} r={} w={} engine={} reconciler={} partitioner={} durability={}",
                        id, t.name(), t.n(), t.r(), t.w(), t.engine(), t.reconciler(), t.partitioner(),
                        t.durability().name().toLowerCase(java.util.Locale.ROOT));
            }
            return server;
        } catch (RuntimeException | Error e) {
            while (!opened.isEmpty()) {
                closeQuietly(opened.pop());
            }
            throw e;
        }
    }

    // ---------------------------------------------------------------- HTTP authentication (http.auth.*)

    /** The users of {@code http.auth.file}, read now; null when the key is absent. */
    private static HttpUsers httpUsers(ServerConfig config) {
        if (!config.httpAuth().enabled()) {
            return null;
        }
        try {
            return HttpUsers.load(config.httpAuth());
        } catch (CredentialsException e) {
            // the file changed since the configuration was read
            throw new ConfigException(config.confDir().resolve(ConfigLoader.NODE_FILE), "key '"
                    + HttpAuthSettings.FILE + "': " + e.getMessage(), e);
        }
    }

    /**
     * The HTTP API's certificate and key ({@code http.tls = true}: the node's {@code tls.*} files),
     * loaded now; null for plain HTTP.
     */
    private static TlsReloader httpTls(ServerConfig config) {
        if (!config.tls().http()) {
            return null;
        }
        try {
            return new TlsReloader(config.tls().files(), java.time.Clock.systemUTC());
        } catch (TlsMaterialException e) {
            // the files changed since the configuration was checked
            throw new ConfigException(config.confDir().resolve(ConfigLoader.NODE_FILE), "key '" + TlsSettings.HTTP
                    + "': " + e.getMessage(), e);
        }
    }

    /**
     * How the HTTP API is secured; refuses, before anything opens, passwords over plain HTTP
     * unless {@code http.auth.allow-plaintext} says so.
     */
    private static HttpSecurity httpSecurity(ServerConfig config, HttpUsers users, TlsReloader tls) {
        HttpSecurity security = tls == null ? HttpSecurity.NONE : HttpSecurity.NONE.withTls(tls.keyManager());
        if (users != null) {
            security = security.withCredentials(users).withPlaintextAllowed(config.httpAuth().allowPlaintext());
        }
        try {
            security.requireSafeTransport();
        } catch (IllegalArgumentException e) {
            throw new ConfigException(config.confDir().resolve(ConfigLoader.NODE_FILE), "key '"
                    + HttpAuthSettings.FILE + "' = '" + config.httpAuth().file() + "': " + e.getMessage(), e);
        }
        return security;
    }

    private static DynamoNode openNode(ServerConfig config, Transport transport, SystemScheduler scheduler,
                                       NodeMetrics metrics) {
        ClusterState cluster = config.node().httpPort() == 0
                // the HTTP port is known only once bound; a placeholder until then (see updateCluster)
                ? config.withBoundPorts(config.node().binaryPort(), 1).clusterState()
                : config.clusterState();
        cluster = newerSaved(config, cluster);
        try {
            // writes that would make a key's versions too large for one message are refused (docs/limits.md)
            RequestLimits limits = config.options().requestLimits();
            NodeOptions options = config.options().withRequestLimits(limits.withMessageLimit(
                    ConfigLoader.messageLimit(config).orElse(RequestLimits.UNBOUNDED)));
            return new DynamoNode(config.node(), config.tables(), cluster, transport, scheduler, metrics,
                    options, PhiAccrualFailureDetector.of(scheduler.clock(), config.membership(), metrics));
        } catch (IllegalArgumentException e) {
            // an engine refusing its engine.<name>.* properties names its table: point at that file
            for (TableConfig t : config.tables()) {
                if (String.valueOf(e.getMessage()).contains("table '" + t.name() + "'")) {
                    throw new ConfigException(config.tableFile(t.name()), e.getMessage(), e);
                }
            }
            throw e;
        }
    }

    /**
     * The ring this node last routed with, when newer than the configured one (joins,
     * leaves and removals happened since {@code cluster.nodes} was written); the configured
     * addresses win for the nodes they name.
     */
    private static ClusterState newerSaved(ServerConfig config, ClusterState configured) {
        RingFile file = new RingFile(config.node().dataDir());
        java.util.Optional<ClusterState> saved = file.load();
        if (saved.isEmpty() || saved.get().ring().version() <= configured.ring().version()) {
            return configured;
        }
        Map<String, dev.dynamo.core.protocol.Message.NodeAddress> addresses = new HashMap<>(saved.get().addresses());
        addresses.putAll(configured.addresses());
        LOG.info("node {}: routing with the saved ring version {} from {} (configured: version {})",
                config.node().id(), saved.get().ring().version(), file.path(), configured.ring().version());
        String zone = config.node().zone();
        saved.get().ring().zoneOf(config.node().id()).filter(z -> !z.equals(zone)).ifPresent(z -> LOG.warn(
                "node {}: configured in zone '{}' but the saved ring places it in zone '{}', which stays in force;"
                        + " a node changes zone by leaving and joining again (docs/zones.md)",
                config.node().id(), zone, z));
        return ClusterState.of(saved.get().ring(), new java.util.ArrayList<>(addresses.values()));
    }

    /**
     * The netty transport listens on this node's address; with port 0 it needs to be told to pick
     * one. The {@code tls.*} settings of node.properties reach it as its properties of the same names.
     */
    private static Map<String, String> transportProperties(ServerConfig config) {
        Map<String, String> props = new HashMap<>(config.transportProperties());
        props.putAll(config.tls().transportProperties());
        if ("netty".equals(config.transport()) && config.node().binaryPort() == 0) {
            props.putIfAbsent("bind", config.self().binaryAddress());
        }
        return props;
    }

    private static void warnAboutSmallCluster(ServerConfig config) {
        int size = config.members().size();
        for (TableConfig t : config.tables()) {
            if (t.r() > size || t.w() > size) {
                LOG.warn("table '{}' has r={} w={} but the cluster has {} node(s): requests will fail with"
                        + " insufficient_replicas until more nodes join ({})", t.name(), t.r(), t.w(), size,
                        config.tableFile(t.name()));
            } else if (t.n() > size) {
                LOG.warn("table '{}' has n={} but the cluster has {} node(s): keys get only {} replica(s)", t.name(),
                        t.n(), size, size);
            }
        }
    }

    /** The configuration in force, with the ports actually bound. */
    public ServerConfig config() {
        return config;
    }

    public DynamoNode node() {
        return node;
    }

    public Membership membership() {
        return membership;
    }

    public NodeMetrics metrics() {
        return metrics;
    }

    /** The binary protocol's "host:port" (the bound port when configured as 0). */
    public String binaryAddress() {
        return config.node().binaryAddress();
    }

    /** The HTTP API's "host:port" (the bound port when configured as 0). */
    public String httpAddress() {
        return config.node().httpAddress();
    }

    public int binaryPort() {
        return config.node().binaryPort();
    }

    public int httpPort() {
        return http.port();
    }

    /** Blocks until {@link #close()} has finished. */
    public void awaitClosed() throws InterruptedException {
        closed.await();
    }

    /**
     * Stops gracefully: the HTTP API stops accepting and finishes its requests in flight;
     * the binary protocol gets up to {@value #BINARY_DRAIN_MILLIS} ms for its requests in
     * flight, then closes; the node flushes and closes its engines; then the timers and
     * metrics stop. Idempotent; a second caller waits for the first to finish.
     */
    @Override
    public void close() {
        synchronized (closeLock) {
            if (closing) {
                try {
                    closed.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return;
            }
            closing = true;
        }
        String id = config.node().id();
        LOG.info("node {} is stopping", id);
        try {
            closeQuietly(http);
            if (httpUsers != null) {
                closeQuietly(httpUsers);
            }
            closeQuietly(membership);
            drainBinary();
            closeQuietly(transport);
            closeQuietly(node);
            closeQuietly(scheduler);
            closeQuietly(metrics);
            LOG.info("node {} stopped", id);
        } finally {
            closed.countDown();
        }
    }

    private void drainBinary() {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(BINARY_DRAIN_MILLIS);
        // closing the transport fails pending sends to replicas, so let coordinated requests finish first
        while (transport.inFlight() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            LOG.warn("closing {} failed", c.getClass().getSimpleName(), e);
        }
    }

    /**
     * The transport's handler until the node is open: it answers "starting" so that a peer
     * that connects early retries elsewhere, and it gives the transport the addresses of the
     * configuration until the node's cluster view takes over.
     */
    private static final class NodeHolder implements MessageHandler {
        private final String id;
        private final Map<String, String> configured;
        volatile DynamoNode node;

        NodeHolder(String id, ServerConfig config) {
            this.id = id;
            this.configured = config.members().stream().collect(Collectors.toMap(m -> m.id(),
                    m -> m.binaryAddress()));
        }

        @Override
        public CompletableFuture<byte[]> handle(String from, byte[] request) {
            DynamoNode n = node;
            if (n == null) {
                return CompletableFuture.failedFuture(new IllegalStateException("node " + id + " is starting"));
            }
            return n.handle(from, request);
        }

        /** A node id's address; a seed named by its address ("host:port": ids have no ':') is its own. */
        String binaryAddress(String peer) {
            if (peer.indexOf(':') >= 0) {
                return peer;
            }
            DynamoNode n = node;
            return n != null ? n.cluster().binaryAddress(peer) : configured.get(peer);
        }
    }
}
