package dev.dynamo.transport.netty;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.fail;

import dev.dynamo.core.spi.MessageHandler;
import dev.dynamo.core.spi.TransportException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/** Servers and clients on 127.0.0.1 for one test, all closed by {@link #close()}. */
final class Loopback implements AutoCloseable {

    private final Deque<AutoCloseable> open = new ArrayDeque<>();

    BinaryServer server(MessageHandler handler, Map<String, String> properties) {
        BinaryServer s = BinaryServer.start("127.0.0.1", 0, handler, NettyConfig.fromProperties(properties));
        open.push(s);
        return s;
    }

    BinaryClient client(Map<String, String> properties) {
        BinaryClient c = BinaryClient.create(NettyConfig.fromProperties(properties));
        open.push(c);
        return c;
    }

    <T extends AutoCloseable> T add(T closeable) {
        open.push(closeable);
        return closeable;
    }

    static String address(BinaryServer server) {
        return "127.0.0.1:" + server.port();
    }

    static <T> T await(CompletableFuture<T> f) {
        try {
            return f.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new AssertionError("expected an answer, got " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new AssertionError("no answer within 10 s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    static TransportException failure(CompletableFuture<?> f, TransportException.Kind kind) {
        try {
            Object v = f.get(10, TimeUnit.SECONDS);
            throw new AssertionError("expected " + kind + ", got an answer " + v);
        } catch (ExecutionException e) {
            TransportException te = assertInstanceOf(TransportException.class, e.getCause());
            if (te.kind() != kind) {
                throw new AssertionError("expected " + kind + ", got " + te.kind() + ": " + te.getMessage(), te);
            }
            return te;
        } catch (CompletionException | TimeoutException e) {
            throw new AssertionError("expected " + kind + " within 10 s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    static void awaitTrue(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting for: " + what);
            }
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted waiting for: " + what);
            }
        }
    }

    @Override
    public void close() {
        RuntimeException first = null;
        while (!open.isEmpty()) {
            try {
                open.pop().close();
            } catch (Exception e) {
                if (first == null) {
                    first = new IllegalStateException("closing a test resource failed", e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
