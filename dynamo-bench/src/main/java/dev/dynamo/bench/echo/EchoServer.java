package dev.dynamo.bench.echo;

import dev.dynamo.transport.netty.EventLoops;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.flush.FlushConsolidationHandler;
import java.net.InetSocketAddress;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The transport's ceiling: a bare Netty request/response server with no store behind it.
 * Each request frame is {@code length (4) | id (8) | answer size (4) | payload}; the answer
 * is {@code length (4) | id (8) | answer size bytes}. The payload is read and dropped, so a
 * client sends and receives the same number of bytes as the store's client does, and the
 * server does nothing else. Same event loops (epoll when available), TCP_NODELAY and flush
 * coalescing as the store's binary protocol.
 *
 * <pre>{@code
 * try (EchoServer server = EchoServer.start("127.0.0.1", 0, 2)) {
 *     EchoClient client = EchoClient.connect("127.0.0.1", server.port(), 2, 2);
 *     int answered = client.call(new byte[40], 1082).join();   // 1082
 * }
 * }</pre>
 *
 * <p>{@code java -cp ... dev.dynamo.bench.echo.EchoServer HOST PORT [IO_THREADS]} runs one
 * until killed (bench/suite.sh does this).
 */
public final class EchoServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EchoServer.class);

    /** Largest frame accepted: far above a 1 KB record. */
    static final int MAX_FRAME_BYTES = 16 * 1024 * 1024;

    private final EventLoops loops;
    private final Channel channel;

    private EchoServer(EventLoops loops, Channel channel) {
        this.loops = loops;
        this.channel = channel;
    }

    /** Listens on {@code host:port} (0: any free port) with {@code ioThreads} event loops. */
    public static EchoServer start(String host, int port, int ioThreads) {
        EventLoops loops = EventLoops.create("echo-io", ioThreads);
        try {
            ServerBootstrap b = new ServerBootstrap()
                    .group(loops.group())
                    .channel(loops.isEpoll() ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline()
                                    .addLast(new FlushConsolidationHandler(256, true))
                                    .addLast(new LengthFieldBasedFrameDecoder(MAX_FRAME_BYTES, 0, 4, 0, 4))
                                    .addLast(new Answerer());
                        }
                    });
            Channel ch = b.bind(new InetSocketAddress(host, port)).syncUninterruptibly().channel();
            return new EchoServer(loops, ch);
        } catch (RuntimeException e) {
            loops.close();
            throw e;
        }
    }

    public int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        loops.close();
    }

    /** Answers each frame on the event loop: no hand-off, a pooled buffer, one write. */
    private static final class Answerer extends SimpleChannelInboundHandler<ByteBuf> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) {
            long id = frame.readLong();
            int answerBytes = frame.readInt();
            ByteBuf out = ctx.alloc().buffer(4 + 8 + answerBytes);
            out.writeInt(8 + answerBytes).writeLong(id).writeZero(answerBytes);
            ctx.write(out);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.warn("echo connection {} failed; closing it", ctx.channel().remoteAddress(), cause);
            ctx.close();
        }
    }

    /** {@code EchoServer HOST PORT [IO_THREADS]}: serves until the process is killed. */
    public static void main(String[] args) throws InterruptedException {
        if (args.length < 2) {
            System.err.println("usage: EchoServer HOST PORT [IO_THREADS]");
            System.exit(2);
        }
        int io = args.length > 2 ? Integer.parseInt(args[2]) : Runtime.getRuntime().availableProcessors();
        EchoServer server = start(args[0], Integer.parseInt(args[1]), io);
        LOG.info("echo server on {}:{} with {} event loop(s)", args[0], server.port(), io);
        CountDownLatch forever = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            forever.countDown();
        }, "echo-stop"));
        forever.await();
    }
}
