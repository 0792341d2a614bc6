package dev.dynamo.transport.netty;

import dev.dynamo.core.limits.LimitObserver;
import dev.dynamo.core.spi.MessageHandler;
import dev.dynamo.core.spi.Transport;
import dev.dynamo.core.spi.TransportContext;
import dev.dynamo.core.spi.TransportException;
import dev.dynamo.core.time.Periodic;
import dev.dynamo.security.tls.UntrustedPeerException;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code netty} {@link Transport}: a {@link BinaryServer} on this node's address and a
 * {@link BinaryClient} to the peers, on one set of {@link EventLoops}. Peer addresses come
 * from {@link TransportContext#addressOf()} at each send, so membership may move a node.
 *
 * <p>{@link #start} listens on the property {@code bind} ({@code host:port}, port 0 for any
 * free port, see {@link #boundAddress()}), by default on {@code addressOf(localNode)}, and hands
 * every request to the given handler: requests of peers (which announce their node id in a
 * hello frame, so the handler's {@code from} is a node id) and of clients such as the
 * partition-aware Java client (whose {@code from} is their {@code host:port}) alike. The
 * other properties are those of {@link NettyConfig}. What the limits of its server and client
 * refuse is counted by the {@link LimitObserver} among the context's extensions (none: not
 * counted), under the settings' names ({@code transport.netty.max-connections}, ...); hostile
 * input is logged rate-limited on the context's clock.
 *
 * <p>With the properties {@code tls.cert}, {@code tls.key} and {@code tls.ca} ({@link TlsOptions})
 * both sides speak mutual TLS 1.3 ({@link TransportTls}): the certificate must name this node
 * ({@code CN=<localNode>, OU=node}) or the constructor fails; the files are checked for a
 * rotation every {@code tls.reload-interval-ms} on the context's scheduler. A connection
 * holding a client certificate may then send client operations only (others are answered
 * {@code forbidden}); a member's hello must name the node of its certificate, and the handler's
 * {@code from} is that node; a send to node {@code n2} goes out only once the server's
 * certificate proved to be {@code n2}'s (a seed named by its address: any member's).
 *
 * <p>Failures of {@link #send}: a node without a known address is {@code UNREACHABLE};
 * otherwise as {@link BinaryClient#send}. {@link #close()} fails pending sends with
 * {@code CLOSED}, then closes the server gracefully (bounded by
 * {@code shutdown-grace-millis}), then the event loops. Thread-safe.
 *
 * <pre>{@code
 * Map<String, String> addresses = Map.of("n1", "127.0.0.1:7001", "n2", "127.0.0.1:7002");
 * Transport t = Plugins.transport("netty").create(new TransportContext("n1", addresses::get,
 *         Map.of("io-threads", "2"), scheduler));
 * t.start(node);                                    // listens on 127.0.0.1:7001
 * t.send("n2", request, 500).thenAccept(reply -> ...);
 * t.close();
 * }</pre>
 */
public final class NettyTransport implements Transport {
    private static final Logger LOG = LoggerFactory.getLogger(NettyTransport.class);

    private final String localNode;
    private final Function<String, String> addressOf;
    private final String bind;
    private final NettyConfig config;
    private final Reporting reporting;
    /** Null: plaintext. */
    private final TransportTls tls;
    private final Periodic tlsPolling;
    private final EventLoops loops;
    private final BinaryClient client;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Object lifecycle = new Object();
    private BinaryServer server;
    private volatile InetSocketAddress bound;

    /**
     * A transport for {@code context}, not yet listening; starts its event loops.
     *
     * @throws IllegalArgumentException naming the key when a property is invalid
     */
    public NettyTransport(TransportContext context) {
        this.localNode = context.localNode();
        this.addressOf = context.addressOf();
        this.bind = context.properties().get(NettyConfig.BIND);
        if (bind != null) {
            try {
                HostPort.parse(bind);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("transport.netty." + NettyConfig.BIND + ": " + e.getMessage(), e);
            }
        }
        this.config = NettyConfig.fromProperties(context.properties());
        this.reporting = new Reporting(context.extensions().get(LimitObserver.class).orElse(LimitObserver.NONE),
                new HostileInputLog(context.scheduler().clock()));
        Optional<TlsOptions> tlsOptions = TlsOptions.fromProperties(context.properties());
        this.tls = tlsOptions.map(o -> ownTls(o, localNode)).orElse(null);
        this.loops = EventLoops.create("dynamo-io-" + localNode, config.ioThreads());
        try {
            this.client = BinaryClient.create(config, localNode, loops, reporting, tls);
        } catch (RuntimeException e) {
            loops.close();
            throw e;
        }
        this.tlsPolling = tlsOptions.map(o -> Periodic.start(context.scheduler(), o.reloadIntervalMillis(),
                "checking the TLS files for a rotation", tls.reloader()::reloadIfChanged)).orElse(null);
    }

    /** This node's TLS material: it must name this node, since peers check that it does. */
    private static TransportTls ownTls(TlsOptions options, String localNode) {
        TransportTls tls = TransportTls.load(options.files());
        try {
            tls.identity().requireNode(localNode);
        } catch (UntrustedPeerException e) {
            throw new IllegalArgumentException(TlsOptions.CERT + " " + options.files().certificate() + ": the"
                    + " certificate does not name this node '" + localNode + "': " + e.getMessage()
                    + "; issue this node a certificate CN=" + localNode + ", OU=node", e);
        }
        return tls;
    }

    /** The TLS in use, empty when the transport speaks plaintext. */
    public Optional<TransportTls> tls() {
        return Optional.ofNullable(tls);
    }

    @Override
    public String localNode() {
        return localNode;
    }

    /** The settings in force. */
    public NettyConfig config() {
        return config;
    }

    /**
     * Listens and starts passing requests to {@code handler}.
     *
     * @throws IllegalStateException when already started or closed, when no address is known
     *                               for this node and {@code bind} is not set, or when the
     *                               address cannot be bound
     */
    @Override
    public void start(MessageHandler handler) {
        Objects.requireNonNull(handler, "handler");
        synchronized (lifecycle) {
            if (closed.get()) {
                throw new IllegalStateException("transport 'netty' of node '" + localNode + "' is closed");
            }
            if (server != null) {
                throw new IllegalStateException("transport 'netty' of node '" + localNode + "' is already started");
            }
            String address = bind != null ? bind : addressOf.apply(localNode);
            if (address == null) {
                throw new IllegalStateException("transport 'netty' of node '" + localNode + "': no address to listen"
                        + " on; set transport.netty." + NettyConfig.BIND + " (host:port) or give the node an address");
            }
            HostPort hp = HostPort.parse(address);
            server = BinaryServer.start(hp.host(), hp.port(), handler, config, loops, reporting, tls);
            bound = server.localAddress();
            LOG.info("node '{}' serves the binary protocol on {}{}", localNode,
                    BinaryServer.addressString(server.localAddress()),
                    tls == null ? " (plaintext)" : " with mutual TLS (certificate CN=" + tls.identity().name()
                            + ", OU=node, expires " + tls.reloader().current().notAfter() + ")");
        }
    }

    /** The address listened on once started (also after close), with the port picked for port 0. */
    @Override
    public Optional<InetSocketAddress> boundAddress() {
        return Optional.ofNullable(bound);
    }

    /** The port listened on once started (also after close); -1 before. */
    public int port() {
        InetSocketAddress a = bound;
        return a == null ? -1 : a.getPort();
    }

    /** Requests received and not yet answered, on every connection; 0 before start. */
    @Override
    public int inFlight() {
        BinaryServer s;
        synchronized (lifecycle) {
            s = server;
        }
        return s == null ? 0 : s.inFlight();
    }

    /** Open connections to this node's server; 0 before start. */
    @Override
    public int connections() {
        BinaryServer s;
        synchronized (lifecycle) {
            s = server;
        }
        return s == null ? 0 : s.connections();
    }

    /** Requests waiting for a handler thread ({@code transport.netty.handler-queue-size}); 0 before start. */
    @Override
    public int queued() {
        BinaryServer s;
        synchronized (lifecycle) {
            s = server;
        }
        return s == null ? 0 : s.queued();
    }

    /** Lines of hostile input logged so far (the rest were rate-limited away). */
    long hostileInputLines() {
        return reporting.log().linesWritten();
    }

    /** The client side, for statistics. */
    public BinaryClient client() {
        return client;
    }

    @Override
    public CompletableFuture<byte[]> send(String node, byte[] request, long timeoutMillis) {
        if (closed.get()) {
            return CompletableFuture.failedFuture(new TransportException(TransportException.Kind.CLOSED,
                    "transport 'netty' of node '" + localNode + "' is closed; cannot send to node '" + node + "'"));
        }
        String address;
        try {
            address = addressOf.apply(node);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(new TransportException(TransportException.Kind.UNREACHABLE,
                    "no address for node '" + node + "': " + e.getMessage(), e));
        }
        if (address == null) {
            return CompletableFuture.failedFuture(new TransportException(TransportException.Kind.UNREACHABLE,
                    "unknown node '" + node + "': no address is known for it"));
        }
        // a seed is named by its address (node ids have no ':'): any member's certificate will do there
        String expected = node.indexOf(':') >= 0 ? null : node;
        return client.send(address, expected, "node '" + node + "' at " + address, request, timeoutMillis);
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        BinaryServer s;
        synchronized (lifecycle) {
            s = server;
        }
        if (tlsPolling != null) {
            tlsPolling.close();
        }
        try {
            client.close();
        } finally {
            try {
                if (s != null) {
                    s.close();
                }
            } finally {
                loops.close();
            }
        }
    }

    @Override
    public String toString() {
        return "NettyTransport[" + localNode + (bound != null ? ", port " + bound.getPort() : "") + (closed.get() ? ", closed" : "") + "]";
    }
}
