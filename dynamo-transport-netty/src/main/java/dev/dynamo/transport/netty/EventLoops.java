package dev.dynamo.transport.netty;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Netty event loop threads and the matching channel types: native epoll when
 * {@link Epoll#isAvailable()}, NIO otherwise. One instance can be shared by a
 * {@link BinaryServer} and a {@link BinaryClient} (as {@link NettyTransport} does); whoever
 * created it closes it, after the servers and clients using it.
 *
 * <p>Threads are daemon threads named {@code <name>-<n>}: a program whose only live
 * threads are event loops may exit, so a server's {@code main} keeps its own thread waiting.
 *
 * <pre>{@code
 * try (EventLoops loops = EventLoops.create("dynamo-io", 4)) {
 *     BinaryServer server = BinaryServer.start("127.0.0.1", 7001, handler, config, loops);
 *     BinaryClient client = BinaryClient.create(config, "n1", loops);
 *     ...
 *     client.close();
 *     server.close();
 * }
 * }</pre>
 */
public final class EventLoops implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EventLoops.class);

    /** How long {@link #close} waits for the threads to end. */
    private static final long SHUTDOWN_TIMEOUT_MILLIS = 3_000;

    private final EventLoopGroup group;
    private final boolean epoll;
    private final AtomicBoolean closed = new AtomicBoolean();

    private EventLoops(EventLoopGroup group, boolean epoll) {
        this.group = group;
        this.epoll = epoll;
    }

    /** {@code threads} event loops on epoll when available, NIO otherwise. */
    public static EventLoops create(String name, int threads) {
        return create(name, threads, Epoll.isAvailable());
    }

    /** {@code threads} event loops on NIO, even where epoll is available. */
    public static EventLoops nio(String name, int threads) {
        return create(name, threads, false);
    }

    private static EventLoops create(String name, int threads, boolean epoll) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads: " + threads + " must be at least 1");
        }
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(name, true), io);
        LOG.debug("{} {} event loop(s) named {}", threads, epoll ? "epoll" : "nio", name);
        return new EventLoops(group, epoll);
    }

    /** The event loops. */
    public EventLoopGroup group() {
        return group;
    }

    /** True on native epoll, false on NIO. */
    public boolean isEpoll() {
        return epoll;
    }

    /** The server channel type matching the event loops. */
    Class<? extends ServerChannel> serverChannelType() {
        return epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    /** The client channel type matching the event loops. */
    Class<? extends SocketChannel> channelType() {
        return epoll ? EpollSocketChannel.class : NioSocketChannel.class;
    }

    /** True when the calling thread is one of these event loops (which must never wait on I/O). */
    public boolean inEventLoop() {
        for (EventExecutor e : group) {
            if (e.inEventLoop()) {
                return true;
            }
        }
        return false;
    }

    public boolean isClosed() {
        return closed.get();
    }

    /**
     * Stops the threads, waiting a bounded time for them unless called from one of them.
     * Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        var done = group.shutdownGracefully(0, SHUTDOWN_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
        if (!inEventLoop() && !done.awaitUninterruptibly(SHUTDOWN_TIMEOUT_MILLIS + 1_000)) {
            LOG.warn("event loops did not stop within {} ms", SHUTDOWN_TIMEOUT_MILLIS + 1_000);
        }
    }
}
