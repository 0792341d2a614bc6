package dev.dynamo.transport.netty;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.dynamo.core.spi.TransportException;
import dev.dynamo.security.tls.PeerIdentity;
import dev.dynamo.security.tls.UntrustedPeerException;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client side of the binary protocol: sends request frames to servers given as
 * {@code host:port} and completes each send's future with the matching response frame.
 *
 * <p>Per remote address it keeps a small pool of {@link NettyConfig#connectionsPerPeer()}
 * connections, used in turn, opened lazily on first use and reopened on the next send after
 * one fails or closes (after a failed connect, sends fail at once for
 * {@link NettyConfig#reconnectBackoffMillis()} rather than reconnecting in a loop). A
 * connection without traffic for {@link NettyConfig#clientIdleMillis()} (half the idle
 * timeout) and nothing outstanding is closed by the client itself, before a server with the
 * same {@code idle-timeout-millis} would close it, and the next send opens a new one: a send
 * that picked the connection just as it was retired goes out on the new one, so no request
 * fails for it. A server that closes a connection anyway (a shorter idle timeout) costs only
 * the requests written at that very moment; the next send reconnects. Many
 * requests may be outstanding on one connection; answers are matched by request id and may
 * arrive in any order. Flushes of concurrent sends are coalesced.
 *
 * <p>{@link #send} never blocks and copies the payload before it returns. Its future
 * completes exactly once, on an event loop thread (keep callbacks short, or move on with
 * {@code thenApplyAsync}), with the answer or a {@link TransportException}:
 * <ul>
 *   <li>{@code UNREACHABLE}: bad address, connection refused or failed, or the connection
 *       closed before the answer came;</li>
 *   <li>{@code TIMEOUT}: no answer within the send's timeout;</li>
 *   <li>{@code REMOTE_FAILURE}: the server's handler failed; the message carries the server's;</li>
 *   <li>{@code CLOSED}: this client was closed before the answer.</li>
 * </ul>
 * A payload over the frame limit fails the future with {@link IllegalArgumentException}.
 * When created with a local id, each connection begins with a hello frame naming it, which
 * the server passes to its handler as {@code from}.
 *
 * <p>With a {@link TransportTls}, each connection first completes a mutual TLS handshake in
 * which the server's certificate must list the dialed host among its subject alternative
 * names, then must be a node's ({@code OU=node}) and, for {@link #sendToNode}, name exactly that
 * node; only then does anything (the hello included) go out. A connection failing either check
 * is closed and its sends fail {@code UNREACHABLE}, counted and logged rate-limited under
 * {@link TransportTls#HANDSHAKE} or {@link TransportTls#SERVER_IDENTITY}. Thread-safe.
 *
 * <pre>{@code
 * try (BinaryClient client = BinaryClient.create(NettyConfig.defaults())) {
 *     byte[] answer = client.send("127.0.0.1:7001", request, 1_000).join();
 * }
 * }</pre>
 */
public final class BinaryClient implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BinaryClient.class);

    /** Bound of the wait of {@link #close()} for sockets to close. */
    private static final long CLOSE_WAIT_MILLIS = 2_000;

    private final NettyConfig config;
    private final Reporting reporting;
    /** Null: plaintext. */
    private final TransportTls tls;
    private final String localId;
    private final EventLoops loops;
    private final boolean ownsLoops;
    private final Bootstrap bootstrap;
    private final ConcurrentHashMap<String, Peer> peers = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Long, Pending> pending = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private final AtomicBoolean closed = new AtomicBoolean();

    private BinaryClient(NettyConfig config, String localId, EventLoops loops, boolean ownsLoops,
                         Reporting reporting, TransportTls tls) {
        if (localId != null && (localId.isEmpty() || localId.getBytes(UTF_8).length > BinaryServer.MAX_HELLO_BYTES)) {
            throw new IllegalArgumentException("localId: '" + localId + "' must have 1 to "
                    + BinaryServer.MAX_HELLO_BYTES + " UTF-8 bytes");
        }
        this.config = Objects.requireNonNull(config, "config");
        this.reporting = Objects.requireNonNull(reporting, "reporting");
        this.tls = tls;
        this.localId = localId;
        this.loops = loops;
        this.ownsLoops = ownsLoops;
        this.bootstrap = new Bootstrap()
                .group(loops.group())
                .channel(loops.channelType())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) config.connectTimeoutMillis());
    }

    /** The pipeline of a connection to {@code address}: TLS needs the host it dialed, to check the certificate. */
    private ChannelInitializer<SocketChannel> pipeline(HostPort address) {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                if (config.clientIdleMillis() > 0) {
                    ch.pipeline().addLast("idle", new IdleStateHandler(0, 0, config.clientIdleMillis(),
                            TimeUnit.MILLISECONDS));
                }
                if (tls != null) {
                    SslHandler ssl = tls.clientContext().newHandler(ch.alloc(), address.host(), address.port());
                    ssl.setHandshakeTimeoutMillis(config.connectTimeoutMillis());
                    ch.pipeline().addLast("tls", ssl);
                }
                ch.pipeline()
                        .addLast("flush", new FlushConsolidationHandler(256, true))
                        .addLast("frames", new FrameCodec(config.maxFrameBytes(), (what, reason) -> {
                            if (what == FrameCodec.Malformation.TOO_LONG) {
                                reporting.limits().refused(NettyConfig.limit(NettyConfig.MAX_FRAME_BYTES));
                            }
                            reporting.log().warn(LOG, HostileInputLog.MALFORMED_FRAME, "{}", reason);
                        }))
                        .addLast("answers", new Connection(ch));
            }
        };
    }

    /** A client on event loops of its own ({@code io-threads} of them), closed with it; sends no hello. */
    public static BinaryClient create(NettyConfig config) {
        return create(config, (TransportTls) null);
    }

    /**
     * A client on event loops of its own, closed with it, that sends no hello and speaks mutual
     * TLS when {@code tls} is not null (an application's client certificate, say).
     */
    public static BinaryClient create(NettyConfig config, TransportTls tls) {
        EventLoops loops = EventLoops.create("dynamo-client-io", config.ioThreads());
        try {
            return new BinaryClient(config, null, loops, true, Reporting.standalone(), tls);
        } catch (RuntimeException e) {
            loops.close();
            throw e;
        }
    }

    /**
     * A client on shared event loops, which the caller closes after the client.
     *
     * @param localId the node id announced in a hello frame on each connection, or null for none
     */
    public static BinaryClient create(NettyConfig config, String localId, EventLoops loops) {
        return create(config, localId, loops, Reporting.standalone());
    }

    /**
     * A client on shared event loops speaking mutual TLS when {@code tls} is not null.
     *
     * @param localId the node id announced in a hello frame on each connection, or null for none;
     *                with TLS, servers accept only the id their certificate names
     */
    public static BinaryClient create(NettyConfig config, String localId, EventLoops loops, TransportTls tls) {
        return create(config, localId, loops, Reporting.standalone(), tls);
    }

    /** As {@link #create(NettyConfig, String, EventLoops)}, reporting to {@code reporting}. */
    static BinaryClient create(NettyConfig config, String localId, EventLoops loops, Reporting reporting) {
        return create(config, localId, loops, reporting, null);
    }

    /** As above, with mutual TLS when {@code tls} is not null. */
    static BinaryClient create(NettyConfig config, String localId, EventLoops loops, Reporting reporting,
                               TransportTls tls) {
        return new BinaryClient(config, localId, Objects.requireNonNull(loops, "loops"), false, reporting, tls);
    }

    /**
     * Sends {@code payload} as one request to the server at {@code hostPort} and returns its
     * answer; fails after {@code timeoutMillis} without one. Never blocks; the caller may reuse
     * {@code payload} as soon as this returns. With TLS, the server's certificate must be a node's.
     */
    public CompletableFuture<byte[]> send(String hostPort, byte[] payload, long timeoutMillis) {
        return send(hostPort, null, null, payload, timeoutMillis);
    }

    /**
     * As {@link #send(String, byte[], long)} to node {@code node} at {@code hostPort}: with TLS, the
     * server's certificate must name that node ({@code CN=<node>, OU=node}); without, the same as
     * {@code send}.
     */
    public CompletableFuture<byte[]> sendToNode(String hostPort, String node, byte[] payload, long timeoutMillis) {
        return send(hostPort, Objects.requireNonNull(node, "node"), "node '" + node + "' at " + hostPort, payload,
                timeoutMillis);
    }

    /**
     * As {@link #send(String, byte[], long)}; with TLS the server's certificate must name {@code node}
     * unless it is null; failure messages name {@code label} (e.g. a node).
     */
    CompletableFuture<byte[]> send(String hostPort, String node, String label, byte[] payload, long timeoutMillis) {
        Objects.requireNonNull(payload, "payload");
        String what = label != null ? label : String.valueOf(hostPort);
        if (closed.get()) {
            return CompletableFuture.failedFuture(new TransportException(TransportException.Kind.CLOSED,
                    "cannot send to " + what + ": the client is closed"));
        }
        int maxPayload = FrameCodec.maxPayloadBytes(config.maxFrameBytes());
        if (payload.length > maxPayload) {
            reporting.limits().refused(NettyConfig.limit(NettyConfig.MAX_FRAME_BYTES));
            return CompletableFuture.failedFuture(new IllegalArgumentException("request of " + payload.length
                    + " bytes to " + what + " exceeds the largest payload " + maxPayload + " of max-frame-bytes "
                    + config.maxFrameBytes()));
        }
        Peer peer;
        try {
            Objects.requireNonNull(hostPort, "hostPort");
            // with TLS, connections proven to be node n2 are pooled apart from any other use of the address
            String expected = tls == null ? null : node;
            String key = expected == null ? hostPort : expected + "@" + hostPort;
            peer = peers.computeIfAbsent(key, k -> new Peer(k, HostPort.parse(hostPort), expected));
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(new TransportException(TransportException.Kind.UNREACHABLE,
                    "cannot send to " + what + ": " + e.getMessage(), e));
        }
        long id = ids.incrementAndGet();
        Pending p = new Pending(id, what);
        ByteBuf frame = FrameCodec.encode(ByteBufAllocator.DEFAULT, Frame.Kind.REQUEST, id, payload);
        pending.put(id, p);
        CompletableFuture<Connection> acquired = peer.pick().acquire();
        try {
            // the timer on the connection's own event loop: arming and cancelling it (when the
            // answer is read there) then need no task hand-off to another thread
            Connection ready = acquired.isDone() && !acquired.isCompletedExceptionally() ? acquired.join() : null;
            EventExecutor timerLoop = ready != null ? ready.channel.eventLoop() : loops.group().next();
            p.timer = timerLoop.schedule(() -> fail(p, TransportException.Kind.TIMEOUT,
                    "no answer from " + what + " within " + timeoutMillis + " ms", null),
                    Math.max(0, timeoutMillis), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            frame.release();
            fail(p, TransportException.Kind.CLOSED, "cannot send to " + what + ": the event loops are shut down", e);
            return p.future;
        }
        if (closed.get()) {
            frame.release();
            fail(p, TransportException.Kind.CLOSED, "cannot send to " + what + ": the client is closed", null);
            return p.future;
        }
        acquired.whenComplete((connection, error) -> deliver(p, peer, frame, connection, error, false));
        return p.future;
    }

    /**
     * Hands {@code frame} to the event loop of the {@code connection} acquired for it, where
     * {@link #write} runs; {@code retried}: this is the second connection tried.
     */
    private void deliver(Pending p, Peer peer, ByteBuf frame, Connection connection, Throwable error,
                         boolean retried) {
        if (error != null) {
            frame.release();
            Throwable cause = error instanceof CompletionException && error.getCause() != null
                    ? error.getCause() : error;
            if (cause instanceof TransportException te) {
                fail(p, te.kind(), "cannot send to " + p.label + ": " + te.getMessage(), te.getCause());
            } else {
                fail(p, TransportException.Kind.UNREACHABLE, "cannot send to " + p.label + ": " + cause, cause);
            }
            return;
        }
        if (!pending.containsKey(p.id)) {
            frame.release(); // timed out or closed while connecting
            return;
        }
        EventLoop loop = connection.channel.eventLoop();
        if (loop.inEventLoop()) {
            write(p, peer, frame, connection, retried);
            return;
        }
        try {
            loop.execute(() -> write(p, peer, frame, connection, retried));
        } catch (RejectedExecutionException e) {
            frame.release();
            fail(p, TransportException.Kind.CLOSED, "cannot send to " + p.label + ": the event loops are shut down", e);
        }
    }

    /**
     * Writes {@code frame} on {@code connection}, on its event loop: there a retirement (an idle
     * close, also on that loop) happens either before, and the send moves to a new connection,
     * or after, and then it saw this send waiting and did not retire.
     */
    private void write(Pending p, Peer peer, ByteBuf frame, Connection connection, boolean retried) {
        if (connection.retired) {
            if (retried) {
                frame.release();
                fail(p, TransportException.Kind.UNREACHABLE, "cannot send to " + p.label + ": two connections in a"
                        + " row were closed as idle before the request went out", null);
                return;
            }
            peer.pick().acquire().whenComplete((next, error) -> deliver(p, peer, frame, next, error, true));
            return;
        }
        p.connection = connection;
        connection.waiting.put(p.id, p);
        if (!pending.containsKey(p.id)) {
            connection.waiting.remove(p.id);
            frame.release();
            return;
        }
        connection.channel.writeAndFlush(frame).addListener(written -> {
            if (!written.isSuccess()) {
                fail(p, closed.get() ? TransportException.Kind.CLOSED : TransportException.Kind.UNREACHABLE,
                        "cannot send to " + p.label + ": " + written.cause(), written.cause());
            }
        });
    }

    /** Sends waiting for an answer. */
    public int pending() {
        return pending.size();
    }

    /** Open connections, over all remote addresses. */
    public int connections() {
        int n = 0;
        for (Peer peer : peers.values()) {
            for (Slot slot : peer.slots) {
                if (slot.isConnected()) {
                    n++;
                }
            }
        }
        return n;
    }

    /** True once {@link #close()} has been called. */
    public boolean isClosed() {
        return closed.get();
    }

    /**
     * Fails every pending send with {@code CLOSED}, closes the connections and, if the client
     * created them, its event loops. Later sends fail with {@code CLOSED}. Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        for (Pending p : pending.values()) {
            fail(p, TransportException.Kind.CLOSED, "the client was closed before the answer from " + p.label, null);
        }
        List<ChannelFuture> closings = new ArrayList<>();
        for (Peer peer : peers.values()) {
            for (Slot slot : peer.slots) {
                Channel ch = slot.channel();
                if (ch != null) {
                    closings.add(ch.close());
                }
            }
        }
        if (!loops.inEventLoop()) {
            for (ChannelFuture f : closings) {
                f.awaitUninterruptibly(CLOSE_WAIT_MILLIS);
            }
        }
        if (ownsLoops) {
            loops.close();
        }
    }

    // ---------------------------------------------------------------- completion

    private void succeed(Pending p, byte[] answer) {
        if (finish(p)) {
            p.future.complete(answer);
        }
    }

    private void fail(Pending p, TransportException.Kind kind, String message, Throwable cause) {
        if (finish(p)) {
            p.future.completeExceptionally(new TransportException(kind, message, cause));
        }
    }

    /** Removes {@code p} from every table; true for the one caller that gets to complete it. */
    private boolean finish(Pending p) {
        if (pending.remove(p.id) == null) {
            return false;
        }
        ScheduledFuture<?> timer = p.timer;
        if (timer != null) {
            timer.cancel(false);
        }
        Connection c = p.connection;
        if (c != null) {
            c.waiting.remove(p.id);
        }
        return true;
    }

    /** A send waiting for its answer. */
    private static final class Pending {
        final long id;
        final String label;
        final CompletableFuture<byte[]> future = new CompletableFuture<>();
        volatile ScheduledFuture<?> timer;
        volatile Connection connection;

        Pending(long id, String label) {
            this.id = id;
            this.label = label;
        }
    }

    // ---------------------------------------------------------------- connections

    /** The connections to one remote address (and, with TLS, one expected node). */
    private final class Peer {
        final String key;
        final HostPort address;
        /** With TLS: the node the server's certificate must name; null: any node. */
        final String expectedNode;
        final Slot[] slots;
        final AtomicInteger next = new AtomicInteger();

        Peer(String key, HostPort address, String expectedNode) {
            this.key = key;
            this.address = address;
            this.expectedNode = expectedNode;
            this.slots = new Slot[config.connectionsPerPeer()];
            List<EventLoop> eventLoops = new ArrayList<>();
            for (EventExecutor e : loops.group()) {
                eventLoops.add((EventLoop) e);
            }
            for (int i = 0; i < slots.length; i++) {
                slots[i] = new Slot(this, eventLoops.get(i % eventLoops.size()));
            }
        }

        /**
         * A connection served by the calling thread's event loop when there is one (a node
         * forwarding to replicas from its request handler: the write then needs no hand-off
         * to another thread and is flushed with the loop's other writes), else the next in turn.
         */
        Slot pick() {
            int start = Math.floorMod(next.getAndIncrement(), slots.length);
            for (Slot slot : slots) {
                if (slot.loop.inEventLoop()) {
                    return slot;
                }
            }
            return slots[start];
        }
    }

    /** One connection of a pool: open, being opened, or to be opened on the next send. */
    private final class Slot {
        final Peer peer;
        /** The event loop this slot's connections are registered with. */
        final EventLoop loop;
        private Connection connection;
        private CompletableFuture<Connection> connecting;
        private Throwable lastFailure;
        private long failedAtNanos;

        Slot(Peer peer, EventLoop loop) {
            this.peer = peer;
            this.loop = loop;
        }

        synchronized boolean isConnected() {
            return connection != null && connection.channel.isActive();
        }

        synchronized Channel channel() {
            return connection == null ? null : connection.channel;
        }

        CompletableFuture<Connection> acquire() {
            CompletableFuture<Connection> f;
            synchronized (this) {
                if (connection != null && connection.channel.isActive()) {
                    return connection.ready;
                }
                if (connecting != null) {
                    return connecting;
                }
                if (lastFailure != null
                        && System.nanoTime() - failedAtNanos < TimeUnit.MILLISECONDS.toNanos(config.reconnectBackoffMillis())) {
                    return CompletableFuture.failedFuture(new TransportException(TransportException.Kind.UNREACHABLE,
                            "the last connect failed (" + lastFailure.getMessage() + "); retrying after "
                                    + config.reconnectBackoffMillis() + " ms", lastFailure));
                }
                connection = null;
                f = new CompletableFuture<>();
                connecting = f;
            }
            connect(f);
            return f;
        }

        private void connect(CompletableFuture<Connection> f) {
            ChannelFuture cf;
            try {
                cf = bootstrap.clone(loop).handler(pipeline(peer.address))
                        .connect(InetSocketAddress.createUnresolved(peer.address.host(), peer.address.port()));
            } catch (RuntimeException e) {
                connectFailed(f, e);
                return;
            }
            cf.addListener(done -> {
                if (!done.isSuccess()) {
                    connectFailed(f, done.cause());
                    return;
                }
                Channel ch = cf.channel();
                Connection c = ch.pipeline().get(Connection.class);
                if (closed.get() || c == null) {
                    ch.close();
                    synchronized (this) {
                        connecting = null;
                    }
                    f.completeExceptionally(new TransportException(TransportException.Kind.CLOSED, "the client is closed"));
                    return;
                }
                SslHandler ssl = ch.pipeline().get(SslHandler.class);
                if (ssl == null) {
                    established(ch, c, f);
                } else {
                    ssl.handshakeFuture().addListener(handshake -> {
                        if (handshake.isSuccess()) {
                            authenticated(ch, ssl, c, f);
                        } else {
                            reporting.limits().refused(TransportTls.HANDSHAKE);
                            String why = BinaryServer.handshakeFailure(handshake.cause());
                            reporting.log().warn(LOG, TransportTls.HANDSHAKE, "binary protocol: TLS handshake with {}"
                                    + " failed: {}", peer.address, why);
                            ch.close();
                            connectFailed(f, new TransportException(TransportException.Kind.UNREACHABLE,
                                    "TLS handshake with " + peer.address + " failed: " + why, handshake.cause()));
                        }
                    });
                }
            });
        }

        /** After the handshake: the server's certificate must be the node's this slot dials (or any node's). */
        private void authenticated(Channel ch, SslHandler ssl, Connection c, CompletableFuture<Connection> f) {
            try {
                PeerIdentity server = PeerIdentity.of(ssl.engine().getSession());
                if (peer.expectedNode != null) {
                    server.requireNode(peer.expectedNode);
                } else {
                    server.requireMember();
                }
            } catch (UntrustedPeerException e) {
                reporting.limits().refused(TransportTls.SERVER_IDENTITY);
                reporting.log().warn(LOG, TransportTls.SERVER_IDENTITY, "binary protocol: closing the connection to {}:"
                        + " {}", peer.address, e.getMessage());
                ch.close();
                connectFailed(f, new TransportException(TransportException.Kind.UNREACHABLE, "the server at "
                        + peer.address + " is refused: " + e.getMessage(), e));
                return;
            }
            established(ch, c, f);
        }

        /** The connection is ready: announce ourselves, then hand it to the sends waiting for it. */
        private void established(Channel ch, Connection c, CompletableFuture<Connection> f) {
            if (localId != null) {
                ch.writeAndFlush(FrameCodec.encode(ch.alloc(), Frame.Kind.HELLO, 0, localId.getBytes(UTF_8)));
            }
            c.slot = this;
            synchronized (this) {
                connection = c;
                connecting = null;
                lastFailure = null;
            }
            LOG.debug("connected to {} ({})", peer.key, ch.localAddress());
            f.complete(c);
        }

        /** Forgets {@code c}, retired, so that the next send opens a new connection. */
        synchronized void forget(Connection c) {
            if (connection == c) {
                connection = null;
            }
        }

        private void connectFailed(CompletableFuture<Connection> f, Throwable cause) {
            synchronized (this) {
                connecting = null;
                lastFailure = cause;
                failedAtNanos = System.nanoTime();
            }
            LOG.debug("cannot connect to {}: {}", peer.key, cause.toString());
            f.completeExceptionally(new TransportException(TransportException.Kind.UNREACHABLE,
                    String.valueOf(cause.getMessage()), cause));
        }
    }

    /** One open connection: matches answer frames to the sends waiting on it. */
    private final class Connection extends ChannelInboundHandlerAdapter {
        final Channel channel;
        final CompletableFuture<Connection> ready = CompletableFuture.completedFuture(this);
        final ConcurrentHashMap<Long, Pending> waiting = new ConcurrentHashMap<>();
        /** The pool slot holding this connection; set once connected. */
        volatile Slot slot;
        /** Closed by the client as idle; written on the event loop only. */
        volatile boolean retired;

        Connection(Channel channel) {
            this.channel = channel;
        }

        /** Retires the connection after {@link NettyConfig#clientIdleMillis()} without traffic, unless answers are due. */
        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (!(evt instanceof IdleStateEvent idle) || idle.state() != IdleState.ALL_IDLE) {
                ctx.fireUserEventTriggered(evt);
                return;
            }
            if (!waiting.isEmpty()) {
                return;
            }
            retired = true;
            Slot s = slot;
            if (s != null) {
                s.forget(this);
            }
            LOG.debug("closing the idle connection to {} ({} ms without traffic)", channel.remoteAddress(),
                    config.clientIdleMillis());
            channel.close();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!(msg instanceof Frame frame)) {
                ReferenceCountUtil.release(msg);
                return;
            }
            Frame.Kind kind = frame.kind();
            Pending p;
            byte[] payload;
            try {
                if (kind != Frame.Kind.RESPONSE && kind != Frame.Kind.FAILURE) {
                    reporting.log().warn(LOG, HostileInputLog.PROTOCOL_VIOLATION, "binary protocol: closing"
                            + " connection with {}: {} frame sent to a client", channel.remoteAddress(), kind);
                    channel.close();
                    return;
                }
                p = waiting.get(frame.requestId());
                if (p == null) {
                    LOG.debug("answer to request {} from {} came after its send completed", frame.requestId(),
                            channel.remoteAddress());
                    return;
                }
                payload = ByteBufUtil.getBytes(frame.content());
            } finally {
                frame.release();
            }
            if (kind == Frame.Kind.RESPONSE) {
                succeed(p, payload);
            } else {
                fail(p, TransportException.Kind.REMOTE_FAILURE, p.label + " failed the request: "
                        + new String(payload, UTF_8), null);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            for (Pending p : waiting.values()) {
                if (closed.get()) {
                    fail(p, TransportException.Kind.CLOSED, "the client was closed before the answer from " + p.label,
                            null);
                } else {
                    fail(p, TransportException.Kind.UNREACHABLE, "the connection to " + p.label
                            + " closed before the answer", null);
                }
            }
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (BinaryServer.tlsFailure(cause) != null) {
                // a failed handshake is counted and logged where the connect fails
                LOG.debug("TLS failure on the connection with {}: {}", channel.remoteAddress(),
                        BinaryServer.handshakeFailure(cause));
            } else if (cause instanceof IOException) {
                LOG.debug("connection with {} failed: {}", channel.remoteAddress(), cause.toString());
            } else {
                reporting.log().warn(LOG, HostileInputLog.CONNECTION_ERROR, "binary protocol: closing connection with"
                        + " {}: {}", channel.remoteAddress(), cause.toString());
                LOG.debug("binary protocol: the failure of the connection with {}", channel.remoteAddress(), cause);
            }
            ctx.close();
        }
    }
}
