package dev.dynamo.bench.echo;

import dev.dynamo.transport.netty.EventLoops;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.flush.FlushConsolidationHandler;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The client side of {@link EchoServer}: a few pipelined connections shared by every
 * caller, requests matched to answers by id, as the store's client does
 * ({@code connections-per-peer}, default 2). Thread-safe.
 *
 * <pre>{@code
 * try (EchoClient c = EchoClient.connect("127.0.0.1", 7500, 2, 2)) {
 *     int n = c.call(requestBytes, 1082).join();
 * }
 * }</pre>
 */
public final class EchoClient implements AutoCloseable {
    private final EventLoops loops;
    private final List<Channel> channels = new ArrayList<>();
    private final ConcurrentHashMap<Long, CompletableFuture<Integer>> pending = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();

    private EchoClient(EventLoops loops) {
        this.loops = loops;
    }

    /** Opens {@code connections} connections to the server on {@code ioThreads} event loops of its own. */
    public static EchoClient connect(String host, int port, int connections, int ioThreads) {
        EchoClient c = new EchoClient(EventLoops.create("echo-client-io", ioThreads));
        try {
            Bootstrap b = new Bootstrap()
                    .group(c.loops.group())
                    .channel(c.loops.isEpoll() ? EpollSocketChannel.class : NioSocketChannel.class)
                    .option(ChannelOption.TCP_NODELAY, true)
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline()
                                    .addLast(new FlushConsolidationHandler(256, true))
                                    .addLast(new LengthFieldBasedFrameDecoder(EchoServer.MAX_FRAME_BYTES, 0, 4, 0, 4))
                                    .addLast(c.new Answers());
                        }
                    });
            for (int i = 0; i < connections; i++) {
                c.channels.add(b.connect(host, port).syncUninterruptibly().channel());
            }
            return c;
        } catch (RuntimeException e) {
            c.close();
            throw e;
        }
    }

    /**
     * Sends {@code payload} and asks for an answer of {@code answerBytes}; completes with the
     * size of the answer received.
     */
    public CompletableFuture<Integer> call(byte[] payload, int answerBytes) {
        long id = ids.incrementAndGet();
        CompletableFuture<Integer> answer = new CompletableFuture<>();
        pending.put(id, answer);
        Channel ch = channels.get((int) (id % channels.size()));
        ByteBuf out = ch.alloc().buffer(4 + 8 + 4 + payload.length);
        out.writeInt(8 + 4 + payload.length).writeLong(id).writeInt(answerBytes).writeBytes(payload);
        ch.writeAndFlush(out).addListener(f -> {
            if (!f.isSuccess()) {
                fail(id, f.cause());
            }
        });
        return answer;
    }

    private void fail(long id, Throwable cause) {
        CompletableFuture<Integer> f = pending.remove(id);
        if (f != null) {
            f.completeExceptionally(cause);
        }
    }

    @Override
    public void close() {
        for (Channel ch : channels) {
            ch.close().syncUninterruptibly();
        }
        IOException closed = new IOException("echo client closed");
        pending.keySet().forEach(id -> fail(id, closed));
        loops.close();
    }

    private final class Answers extends SimpleChannelInboundHandler<ByteBuf> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) {
            long id = frame.readLong();
            CompletableFuture<Integer> f = pending.remove(id);
            if (f != null) {
                f.complete(frame.readableBytes());
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            IOException lost = new IOException("echo connection closed");
            pending.keySet().forEach(id -> fail(id, lost));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            pending.keySet().forEach(id -> fail(id, cause));
            ctx.close();
        }
    }
}
