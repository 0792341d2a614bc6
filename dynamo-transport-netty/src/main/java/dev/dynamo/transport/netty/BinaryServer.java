package dev.dynamo.transport.netty;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.dynamo.api.DynamoException;
import dev.dynamo.api.ErrorCode;
import dev.dynamo.api.OverloadedException;
import dev.dynamo.core.protocol.Errors;
import dev.dynamo.core.protocol.MessageCodec;
import dev.dynamo.core.spi.MessageHandler;
import dev.dynamo.security.tls.PeerIdentity;
import dev.dynamo.security.tls.UntrustedPeerException;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server side of the binary protocol: listens on a TCP address and passes each request
 * frame's payload to a {@link MessageHandler}, answering with a response frame when the
 * handler's future completes, or a failure frame carrying the exception's message when it
 * fails. Requests of one connection are handled concurrently and answered in completion
 * order (pipelining).
 *
 * <p>The {@code from} given to the handler is the peer's node id when the connection began
 * with a hello frame ({@link BinaryClient} sends one when given a local id), otherwise the
 * remote address as {@code host:port}. The handler runs on a pool of
 * {@link NettyConfig#handlerThreads()} threads, or on the event loop (where it must not
 * block) when that is 0. A malformed frame closes its connection only (see {@link FrameCodec}).
 *
 * <p>Limits, each counted per refusal under its setting's name
 * ({@code transport.netty.<key>}) by the {@link dev.dynamo.core.limits.LimitObserver} the
 * server is given:
 * <ul>
 *   <li>{@link NettyConfig#maxConnections()}: a connection over it is closed as soon as it
 *       is accepted, unless it fits in the {@link NettyConfig#peerReservedConnections()} kept
 *       for peer nodes: such a connection is closed (and counted as the same refusal) unless
 *       its first frame is a node's hello (with TLS, from a node certificate) sent within
 *       {@value #RESERVED_HELLO_MILLIS} ms;</li>
 *   <li>{@link NettyConfig#maxInFlight()} requests in flight over all connections, and
 *       {@link NettyConfig#handlerQueueSize()} requests waiting for a handler thread: a
 *       request over either is answered, without calling the handler, with a response whose
 *       payload is the store's error message {@code overloaded}
 *       ({@link OverloadedException}, naming the limit) encoded by {@link MessageCodec};</li>
 *   <li>{@link NettyConfig#maxInFlightPerConnection()}: a connection with that many
 *       unanswered requests is not read until half of them are answered;</li>
 *   <li>{@link NettyConfig#idleTimeoutMillis()}: a connection that sent nothing for that
 *       long and has no request in flight is closed;</li>
 *   <li>{@link NettyConfig#maxFrameBytes()}: a longer frame closes its connection; a longer
 *       answer is replaced by a failure frame.</li>
 * </ul>
 * Whatever a remote party can make happen at will (malformed frames, protocol violations,
 * refusals) is logged rate-limited: one WARN line per kind per 10 s,
 * without stack traces.
 *
 * <p>{@link #close()} is graceful: it stops accepting, fails requests that arrive after it
 * with "shutting down", waits up to {@link NettyConfig#shutdownGraceMillis()} for the
 * requests in flight to be answered, then closes every connection (and the event loops, if
 * the server created them). Thread-safe.
 *
 * <pre>{@code
 * NettyConfig config = NettyConfig.defaults();
 * try (BinaryServer server = BinaryServer.start("127.0.0.1", 0, (from, request) ->
 *         CompletableFuture.completedFuture(request), config)) {       // an echo server
 *     System.out.println("listening on port " + server.port());
 *     ...
 * }
 * }</pre>
 */
public final class BinaryServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BinaryServer.class);

    /** Largest node id a hello frame may carry, in bytes. */
    static final int MAX_HELLO_BYTES = 1024;
    /** Longest failure message sent, in characters. */
    private static final int MAX_FAILURE_MESSAGE_CHARS = 16 * 1024;
    /** Bound of the waits of {@link #close()} for sockets to close. */
    private static final long CLOSE_WAIT_MILLIS = 2_000;
    /** A TLS handshake not finished within this is a failed one. */
    static final long TLS_HANDSHAKE_TIMEOUT_MILLIS = 10_000;
    /**
     * How long a connection of the peer reserve ({@code peer-reserved-connections}) has, after
     * its TLS handshake if any, to send a node's hello: peers send it as soon as they connect.
     */
    static final long RESERVED_HELLO_MILLIS = 2_000;

    private final MessageHandler handler;
    private final NettyConfig config;
    private final Reporting reporting;
    /** Null: plaintext. */
    private final TransportTls tls;
    private final EventLoops loops;
    private final boolean ownsLoops;
    private final ThreadPoolExecutor handlerPool;
    private final Channel serverChannel;
    private final InetSocketAddress localAddress;
    private final String name;
    private final Set<Channel> channels = ConcurrentHashMap.newKeySet();
    private final AtomicInteger inFlight = new AtomicInteger();
    /** Connections accepted and not yet closed, refused ones excluded. */
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicLong protocolErrors = new AtomicLong();
    private final AtomicBoolean closing = new AtomicBoolean();
    private final Object drained = new Object();
    private volatile boolean closed;

    private BinaryServer(String host, int port, MessageHandler handler, NettyConfig config, EventLoops loops,
                         boolean ownsLoops, Reporting reporting, TransportTls tls) {
        this.handler = handler;
        this.config = config;
        this.reporting = reporting;
        this.tls = tls;
        this.loops = loops;
        this.ownsLoops = ownsLoops;
        // a bounded queue: a stalled disk makes requests fail overloaded instead of piling up in memory
        this.handlerPool = config.handlerThreads() == 0 ? null
                : new ThreadPoolExecutor(config.handlerThreads(), config.handlerThreads(), 0, TimeUnit.MILLISECONDS,
                        new ArrayBlockingQueue<>(config.handlerQueueSize()), daemonThreads("dynamo-handler"));
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(loops.group())
                .channel(loops.serverChannelType())
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        accept(ch);
                    }
                });
        ChannelFuture bound = bootstrap.bind(host, port).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            if (handlerPool != null) {
                handlerPool.shutdownNow();
            }
            Throwable cause = bound.cause();
            throw new IllegalStateException("binary protocol: cannot listen on " + new HostPort(host, port) + ": "
                    + cause.getMessage() + "; is another process using the port?", cause);
        }
        this.serverChannel = bound.channel();
        this.localAddress = (InetSocketAddress) serverChannel.localAddress();
        this.name = addressString(localAddress);
        LOG.info("binary protocol listening on {} ({})", name, loops.isEpoll() ? "epoll" : "nio");
    }

    /**
     * Listens on {@code host:port} ({@code port} 0: any free port, see {@link #port()}) on event
     * loops of its own, closed with the server.
     *
     * @throws IllegalStateException when the address cannot be bound
     */
    public static BinaryServer start(String host, int port, MessageHandler handler, NettyConfig config) {
        EventLoops loops = EventLoops.create("dynamo-server-io", config.ioThreads());
        try {
            return new BinaryServer(host, port, handler, config, loops, true, Reporting.standalone(), null);
        } catch (RuntimeException e) {
            loops.close();
            throw e;
        }
    }

    /**
     * Listens on {@code host:port} on shared event loops, which the caller closes after the server.
     *
     * @throws IllegalStateException when the address cannot be bound
     */
    public static BinaryServer start(String host, int port, MessageHandler handler, NettyConfig config,
                                     EventLoops loops) {
        return start(host, port, handler, config, loops, Reporting.standalone());
    }

    /**
     * Listens with mutual TLS ({@code tls} non-null; see {@link TransportTls}) on shared event
     * loops, which the caller closes after the server.
     *
     * @throws IllegalStateException when the address cannot be bound
     */
    public static BinaryServer start(String host, int port, MessageHandler handler, NettyConfig config,
                                     EventLoops loops, TransportTls tls) {
        return start(host, port, handler, config, loops, Reporting.standalone(), tls);
    }

    /** As {@link #start(String, int, MessageHandler, NettyConfig, EventLoops)}, reporting to {@code reporting}. */
    static BinaryServer start(String host, int port, MessageHandler handler, NettyConfig config, EventLoops loops,
                              Reporting reporting) {
        return start(host, port, handler, config, loops, reporting, null);
    }

    /** As above, with mutual TLS when {@code tls} is not null. */
    static BinaryServer start(String host, int port, MessageHandler handler, NettyConfig config, EventLoops loops,
                              Reporting reporting, TransportTls tls) {
        return new BinaryServer(host, port, handler, config, loops, false, reporting, tls);
    }

    /** The port listened on (the one chosen when started with port 0). */
    public int port() {
        return localAddress.getPort();
    }

    /** The address listened on. */
    public InetSocketAddress localAddress() {
        return localAddress;
    }

    /** Requests received and not yet answered (the answer not yet written). */
    public int inFlight() {
        return inFlight.get();
    }

    /** Open client connections. */
    public int connections() {
        return channels.size();
    }

    /** Requests waiting for a handler thread; 0 when the handler runs on the event loop. */
    public int queued() {
        return handlerPool == null ? 0 : handlerPool.getQueue().size();
    }

    /** Connections closed so far because of a malformed frame or a protocol violation. */
    public long protocolErrors() {
        return protocolErrors.get();
    }

    /** True once {@link #close()} has begun. */
    public boolean isClosed() {
        return closing.get();
    }

    /**
     * Stops accepting, waits up to {@link NettyConfig#shutdownGraceMillis()} for the requests in
     * flight to be answered, then closes every connection and, if the server created them, its
     * event loops. Called from an event loop it does not wait. Idempotent.
     */
    @Override
    public void close() {
        if (!closing.compareAndSet(false, true)) {
            return;
        }
        boolean mayWait = !loops.inEventLoop();
        ChannelFuture unbound = serverChannel.close();
        if (mayWait) {
            unbound.awaitUninterruptibly(CLOSE_WAIT_MILLIS);
            awaitDrained(config.shutdownGraceMillis());
        }
        int left = inFlight.get();
        if (left > 0) {
            LOG.warn("binary protocol on {}: closing with {} request(s) still unanswered after {} ms", name, left,
                    mayWait ? config.shutdownGraceMillis() : 0);
        }
        List<ChannelFuture> closings = new ArrayList<>();
        for (Channel ch : channels) {
            closings.add(ch.close());
        }
        if (mayWait) {
            for (ChannelFuture f : closings) {
                f.awaitUninterruptibly(CLOSE_WAIT_MILLIS);
            }
        }
        if (handlerPool != null) {
            handlerPool.shutdown();
        }
        if (ownsLoops) {
            loops.close();
        }
        closed = true;
        LOG.info("binary protocol on {} closed", name);
    }

    private void awaitDrained(long graceMillis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(graceMillis);
        synchronized (drained) {
            while (inFlight.get() > 0) {
                long leftNanos = deadline - System.nanoTime();
                if (leftNanos <= 0) {
                    return;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(drained, leftNanos);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    @Override
    public String toString() {
        return "BinaryServer[" + name + (closed ? ", closed" : closing.get() ? ", closing" : "") + "]";
    }

    // ---------------------------------------------------------------- connections

    private void accept(SocketChannel ch) {
        if (closing.get()) {
            ch.close();
            return;
        }
        int now = open.incrementAndGet();
        // past max-connections, the peer reserve: on probation until a node's hello (Connection.onProbation)
        boolean reserved = now > config.maxConnections();
        if (now > config.maxConnections() + config.peerReservedConnections()) {
            open.decrementAndGet();
            String limit = NettyConfig.limit(NettyConfig.MAX_CONNECTIONS);
            reporting.limits().refused(limit);
            reporting.log().warn(LOG, limit, "binary protocol on {}: refusing a connection from {}: {} are open,"
                    + " at most {} ({})", name, addressString(ch.remoteAddress()), now - 1, config.maxConnections(),
                    limit);
            ch.close();
            return;
        }
        channels.add(ch);
        ch.closeFuture().addListener(f -> {
            channels.remove(ch);
            open.decrementAndGet();
        });
        if (config.idleTimeoutMillis() > 0) {
            // first, so that every byte read counts as activity
            ch.pipeline().addLast("idle", new IdleStateHandler(config.idleTimeoutMillis(), 0, 0,
                    TimeUnit.MILLISECONDS));
        }
        if (tls != null) {
            // before every handler that reads or writes frames; its handshake timeout bounds a peer that never finishes
            SslHandler ssl = tls.serverContext().newHandler(ch.alloc());
            ssl.setHandshakeTimeoutMillis(TLS_HANDSHAKE_TIMEOUT_MILLIS);
            ch.pipeline().addLast("tls", ssl);
        }
        Connection connection = new Connection(ch, reserved);
        ch.pipeline()
                .addLast("flush", new FlushConsolidationHandler(256, true))
                .addLast("frames", new FrameCodec(config.maxFrameBytes(), (what, reason) -> {
                    protocolErrors.incrementAndGet();
                    if (what == FrameCodec.Malformation.TOO_LONG) {
                        reporting.limits().refused(NettyConfig.limit(NettyConfig.MAX_FRAME_BYTES));
                    }
                    reporting.log().warn(LOG, HostileInputLog.MALFORMED_FRAME, "{} (server {})", reason, name);
                }))
                .addLast("requests", connection);
        if (reserved) {
            long deadline = RESERVED_HELLO_MILLIS + (tls != null ? TLS_HANDSHAKE_TIMEOUT_MILLIS : 0);
            ch.eventLoop().schedule(connection::expireProbation, deadline, TimeUnit.MILLISECONDS);
        }
    }

    /** The answer to a request refused by capacity limit {@code key}: the store's {@code overloaded} error. */
    static byte[] overloaded(String server, String key, long value, long max) {
        return MessageCodec.encode(Errors.toMessage(OverloadedException.of(server, NettyConfig.limit(key), value,
                max)));
    }

    private void releaseInFlight() {
        if (inFlight.decrementAndGet() == 0 && closing.get()) {
            synchronized (drained) {
                drained.notifyAll();
            }
        }
    }

    /** A request being handled, or being refused. */
    private static final class Call {
        final Connection connection;
        final long id;
        /** Counted in {@link #inFlight}: admitted past {@code max-in-flight}. */
        final boolean counted;
        final AtomicBoolean settled = new AtomicBoolean();

        Call(Connection connection, long id, boolean counted) {
            this.connection = connection;
            this.id = id;
            this.counted = counted;
        }
    }

    /** The per-connection state: who the peer is and its requests in flight. */
    private final class Connection extends ChannelInboundHandlerAdapter {
        private final Channel channel;
        private final Set<Call> calls = ConcurrentHashMap.newKeySet();
        /** Written on the event loop only. */
        private volatile String peer;
        /** With TLS, who the certificate names once the handshake is done; null before and without TLS. */
        private volatile PeerIdentity identity;
        /** Event loop only. */
        private boolean sawFrame;
        /** Closed for what it sent or the certificate it holds: frames read in the same batch are dropped. Event loop only. */
        private boolean refused;
        /** Written on the event loop only. */
        private volatile boolean paused;
        /** Accepted into the peer reserve and no node's hello yet. Event loop only. */
        private boolean onProbation;

        Connection(Channel channel, boolean reserved) {
            this.channel = channel;
            this.peer = addressString(channel.remoteAddress());
            this.onProbation = reserved;
        }

        /** The reserve's deadline: a connection still without a node's hello is refused. On the event loop. */
        void expireProbation() {
            if (onProbation && !refused) {
                refuseReserved("sent no node hello within " + RESERVED_HELLO_MILLIS + " ms");
            }
        }

        /** A connection of the peer reserve that is not a node's: counted as a max-connections refusal. */
        private void refuseReserved(String why) {
            refused = true;
            String limit = NettyConfig.limit(NettyConfig.MAX_CONNECTIONS);
            reporting.limits().refused(limit);
            reporting.log().warn(LOG, limit, "binary protocol on {}: closing a connection from {} beyond {} = {}: the"
                    + " {} connections past it are kept for peer nodes, and this one {}", name, peer, limit,
                    config.maxConnections(), config.peerReservedConnections(), why);
            channel.close();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!(msg instanceof Frame frame)) {
                ReferenceCountUtil.release(msg);
                return;
            }
            Frame.Kind kind = frame.kind();
            long id = frame.requestId();
            int size = frame.content().readableBytes();
            byte[] payload;
            try {
                if (refused || (tls != null && identity == null && !authenticate())) {
                    return;
                }
                if (kind == Frame.Kind.HELLO && (sawFrame || size == 0 || size > MAX_HELLO_BYTES)) {
                    violation(sawFrame ? "hello frame after the first frame"
                            : "hello frame of " + size + " bytes (1 to " + MAX_HELLO_BYTES + " allowed)");
                    return;
                }
                if (kind != Frame.Kind.HELLO && kind != Frame.Kind.REQUEST) {
                    violation(kind + " frame sent to a server");
                    return;
                }
                payload = ByteBufUtil.getBytes(frame.content());
            } finally {
                frame.release();
            }
            boolean first = !sawFrame;
            sawFrame = true;
            if (onProbation) {
                PeerIdentity who = identity;
                if (kind != Frame.Kind.HELLO || (who != null && !who.isNode())) {
                    refuseReserved(kind != Frame.Kind.HELLO ? "opened with a request, not a node hello"
                            : "holds a client certificate");
                    return;
                }
                onProbation = false;
            }
            if (kind == Frame.Kind.HELLO) {
                String remote = peer;
                String claimed = new String(payload, UTF_8);
                if (identity != null && !helloMatchesCertificate(claimed)) {
                    return;
                }
                peer = claimed;
                LOG.debug("binary protocol on {}: connection from {} is node '{}'", name, remote, peer);
            } else {
                if (first) {
                    LOG.debug("binary protocol on {}: connection from {} without hello", name, peer);
                }
                request(id, payload);
            }
        }

        private void request(long id, byte[] payload) {
            if (closing.get()) {
                channel.writeAndFlush(FrameCodec.encode(channel.alloc(), Frame.Kind.FAILURE, id,
                        ("server at " + name + " is shutting down").getBytes(UTF_8)));
                return;
            }
            PeerIdentity who = identity;
            boolean forbidden = who != null && !who.isNode() && !MessageCodec.isClientRequest(payload);
            int now = forbidden ? 0 : inFlight.incrementAndGet();
            boolean admitted = !forbidden && now <= config.maxInFlight();
            if (!admitted && !forbidden) {
                releaseInFlight();
            }
            // a refused request is tracked on its connection as well, until its answer is written,
            // so that a client that sends without reading still meets max-in-flight-per-connection
            Call call = new Call(this, id, admitted);
            calls.add(call);
            if (!paused && calls.size() >= config.maxInFlightPerConnection()) {
                paused = true;
                channel.config().setAutoRead(false);
                reporting.limits().refused(NettyConfig.limit(NettyConfig.MAX_IN_FLIGHT_PER_CONNECTION));
                LOG.debug("binary protocol on {}: {} has {} requests in flight; pausing reads", name, peer,
                        calls.size());
                maybeResume(); // answers may have come in between
            }
            if (forbidden) {
                forbid(call, who, payload);
                return;
            }
            if (!admitted) {
                refuse(call, NettyConfig.MAX_IN_FLIGHT, now - 1, config.maxInFlight());
                return;
            }
            String from = peer;
            if (handlerPool == null) {
                invoke(call, from, payload);
            } else {
                try {
                    handlerPool.execute(() -> invoke(call, from, payload));
                } catch (RejectedExecutionException e) {
                    if (handlerPool.isShutdown()) {
                        answer(call, null, new IllegalStateException("server at " + name + " is shutting down"));
                    } else {
                        refuse(call, NettyConfig.HANDLER_QUEUE_SIZE, handlerPool.getQueue().size(),
                                config.handlerQueueSize());
                    }
                }
            }
        }

        /**
         * Answers {@code call}, a node-to-node message on a connection holding a client
         * certificate, {@code forbidden} without handling it; the connection stays open for its
         * client operations.
         */
        private void forbid(Call call, PeerIdentity who, byte[] payload) {
            reporting.limits().refused(TransportTls.CLIENT_OPERATION);
            int type = payload.length == 0 ? -1 : payload[0] & 0xff;
            reporting.log().warn(LOG, TransportTls.CLIENT_OPERATION, "binary protocol on {}: refusing message type {}"
                    + " from client '{}' at {}: a client certificate may send client operations only", name, type,
                    who.name(), addressString(channel.remoteAddress()));
            answer(call, forbidden(name, who, type), null);
        }

        /**
         * Reads the peer's identity from the finished handshake; false (the connection is
         * being closed) when its certificate names no node or client.
         */
        private boolean authenticate() {
            SslHandler ssl = channel.pipeline().get(SslHandler.class);
            try {
                PeerIdentity who = PeerIdentity.of(ssl.engine().getSession());
                identity = who;
                if (who.isNode()) {
                    // requests of a member name it by its certificate, hello or not
                    peer = who.name();
                }
                LOG.debug("binary protocol on {}: {} at {} authenticated", name, who,
                        addressString(channel.remoteAddress()));
                return true;
            } catch (UntrustedPeerException e) {
                reporting.limits().refused(TransportTls.CERTIFICATE);
                reporting.log().warn(LOG, TransportTls.CERTIFICATE, "binary protocol on {}: closing connection with"
                        + " {}: {}", name, addressString(channel.remoteAddress()), e.getMessage());
                refused = true;
                channel.close();
                return false;
            }
        }

        /** True when a hello's node id is the one the certificate names; otherwise closes the connection. */
        private boolean helloMatchesCertificate(String claimed) {
            try {
                identity.requireNode(claimed);
                return true;
            } catch (UntrustedPeerException e) {
                reporting.limits().refused(TransportTls.HELLO);
                // the message names the claimed id only when it is a valid one: no hostile text in the log
                reporting.log().warn(LOG, TransportTls.HELLO, "binary protocol on {}: closing connection with {}"
                        + " ({}): its hello does not match its certificate: {}", name,
                        addressString(channel.remoteAddress()), identity, e.getMessage());
                refused = true;
                channel.close();
                return false;
            }
        }

        /** Answers {@code call} overloaded by capacity limit {@code key} without handling it. */
        private void refuse(Call call, String key, long value, long max) {
            String limit = NettyConfig.limit(key);
            reporting.limits().refused(limit);
            reporting.log().warn(LOG, limit, "binary protocol on {}: answering requests overloaded: {} of at most {}"
                    + " ({})", name, value, max, limit);
            answer(call, overloaded(name, key, value, max), null);
        }

        private void invoke(Call call, String from, byte[] payload) {
            CompletableFuture<byte[]> answer;
            try {
                answer = handler.handle(from, payload);
                if (answer == null) {
                    throw new IllegalStateException("the handler returned null instead of a future");
                }
            } catch (VirtualMachineError e) {
                throw e;
            } catch (Throwable e) {
                answer(call, null, e);
                return;
            }
            answer.whenComplete((bytes, error) -> answer(call, bytes, error));
        }

        private void answer(Call call, byte[] bytes, Throwable error) {
            if (call.settled.get()) {
                return; // the connection closed meanwhile
            }
            int maxPayload = FrameCodec.maxPayloadBytes(config.maxFrameBytes());
            ByteBuf frame;
            if (error == null && bytes == null) {
                error = new IllegalStateException("the handler answered null");
            } else if (error == null && bytes.length > maxPayload) {
                reporting.limits().refused(NettyConfig.limit(NettyConfig.MAX_FRAME_BYTES));
                error = new IllegalStateException("answer of " + bytes.length + " bytes exceeds max-frame-bytes "
                        + config.maxFrameBytes() + " of the server at " + name);
            }
            if (error == null) {
                frame = FrameCodec.encode(channel.alloc(), Frame.Kind.RESPONSE, call.id, bytes);
            } else {
                LOG.debug("binary protocol on {}: request {} from {} failed", name, call.id, peer, error);
                frame = FrameCodec.encode(channel.alloc(), Frame.Kind.FAILURE, call.id, describe(error).getBytes(UTF_8));
            }
            channel.writeAndFlush(frame).addListener(f -> settle(call));
        }

        private void settle(Call call) {
            if (!call.settled.compareAndSet(false, true)) {
                return;
            }
            calls.remove(call);
            if (paused) {
                channel.eventLoop().execute(this::maybeResume);
            }
            if (call.counted) {
                releaseInFlight();
            }
        }

        /** Event loop only. */
        private void maybeResume() {
            if (paused && calls.size() <= config.maxInFlightPerConnection() / 2) {
                paused = false;
                channel.config().setAutoRead(true);
            }
        }

        private void violation(String reason) {
            protocolErrors.incrementAndGet();
            reporting.log().warn(LOG, HostileInputLog.PROTOCOL_VIOLATION, "binary protocol on {}: closing connection"
                    + " with {}: {}", name, channel.remoteAddress(), reason);
            refused = true;
            channel.close();
        }

        /** Closes a connection that sent nothing for the idle timeout, unless it waits for answers. */
        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof SslHandshakeCompletionEvent handshake) {
                if (handshake.isSuccess()) {
                    if (identity == null && !refused) {
                        authenticate();
                    }
                } else {
                    reporting.limits().refused(TransportTls.HANDSHAKE);
                    reporting.log().warn(LOG, TransportTls.HANDSHAKE, "binary protocol on {}: TLS handshake with {}"
                            + " failed: {}", name, addressString(channel.remoteAddress()),
                            handshakeFailure(handshake.cause()));
                    channel.close();
                }
                return;
            }
            if (!(evt instanceof IdleStateEvent idle) || idle.state() != IdleState.READER_IDLE) {
                ctx.fireUserEventTriggered(evt);
                return;
            }
            if (calls.isEmpty()) {
                reporting.limits().refused(NettyConfig.limit(NettyConfig.IDLE_TIMEOUT_MILLIS));
                LOG.debug("binary protocol on {}: closing connection with {}: nothing received for {} ms", name,
                        peer, config.idleTimeoutMillis());
                channel.close();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            for (Call call : calls) {
                settle(call);
            }
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (tlsFailure(cause) != null) {
                // counted and logged as a failed handshake; the text of a record that is not TLS may hold the peer's data
                LOG.debug("binary protocol on {}: TLS failure on the connection with {}: {}", name,
                        channel.remoteAddress(), tlsFailure(cause).getClass().getSimpleName());
            } else if (cause instanceof IOException) {
                // resets and broken pipes: the peer went away, which is its right
                LOG.debug("binary protocol on {}: connection with {} failed: {}", name, channel.remoteAddress(),
                        cause.toString());
            } else {
                reporting.log().warn(LOG, HostileInputLog.CONNECTION_ERROR, "binary protocol on {}: closing connection"
                        + " with {}: {}", name, channel.remoteAddress(), cause.toString());
                LOG.debug("binary protocol on {}: the failure of the connection with {}", name,
                        channel.remoteAddress(), cause);
            }
            ctx.close();
        }
    }

    /** The answer to a node-to-node message sent on a client certificate's connection. */
    static byte[] forbidden(String server, PeerIdentity client, int type) {
        return MessageCodec.encode(Errors.toMessage(new DynamoException(ErrorCode.FORBIDDEN, "server at " + server
                + " refuses message type " + type + " from client '" + client.name() + "': a client certificate"
                + " (OU=client) may send get, put, delete and ring requests only; node-to-node messages need a node"
                + " certificate (OU=node)")));
    }

    /** The TLS exception in {@code cause}'s chain, or null. */
    static SSLException tlsFailure(Throwable cause) {
        for (Throwable e = cause; e != null; e = e.getCause()) {
            if (e instanceof SSLException ssl) {
                return ssl;
            }
        }
        return null;
    }

    /**
     * What went wrong in a handshake, for the log: never the text of a record that is not TLS
     * (Netty quotes its bytes, which are the peer's data).
     */
    static String handshakeFailure(Throwable cause) {
        SSLException ssl = tlsFailure(cause);
        if (ssl instanceof NotSslRecordException) {
            return "the peer does not speak TLS (a plaintext client or node?)";
        }
        Throwable e = ssl != null ? ssl : cause;
        if (e == null) {
            return "unknown";
        }
        if (e instanceof java.nio.channels.ClosedChannelException) {
            return "the connection closed during the handshake (a plaintext peer, or one that refused our certificate?)";
        }
        String message = e.getMessage();
        String text = message == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": " + message;
        return text.length() <= 300 ? text : text.substring(0, 300) + "...";
    }

    /** The text of a failure frame: the exception's class and message, causes unwrapped. */
    static String describe(Throwable error) {
        Throwable e = error;
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        String message = e.getMessage();
        String text = message == null ? e.getClass().getName() : e.getClass().getSimpleName() + ": " + message;
        return text.length() <= MAX_FAILURE_MESSAGE_CHARS ? text : text.substring(0, MAX_FAILURE_MESSAGE_CHARS) + "...";
    }

    static String addressString(SocketAddress address) {
        if (address instanceof InetSocketAddress a) {
            String host = a.getAddress() != null ? a.getAddress().getHostAddress() : a.getHostString();
            return new HostPort(host, a.getPort()).toString();
        }
        return String.valueOf(address);
    }

    private static java.util.concurrent.ThreadFactory daemonThreads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
