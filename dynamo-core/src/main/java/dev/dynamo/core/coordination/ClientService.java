package dev.dynamo.core.coordination;

import dev.dynamo.api.BadRequestException;
import dev.dynamo.api.Context;
import dev.dynamo.api.DynamoException;
import dev.dynamo.api.ErrorCode;
import dev.dynamo.api.GetResult;
import dev.dynamo.api.LimitExceededException;
import dev.dynamo.api.RequestOptions;
import dev.dynamo.api.ValueTooLargeException;
import dev.dynamo.core.cluster.ClusterState;
import dev.dynamo.core.protocol.Message;
import dev.dynamo.core.protocol.Replies;
import dev.dynamo.core.spi.StorageException;
import dev.dynamo.core.table.Table;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Where a client's get, put or delete enters the node, from the in-JVM API or as a binary
 * {@link Message.Get}/{@link Message.Put}: checks it against its table (value size, R and W
 * within 1..n) and the node's {@link RequestLimits} (the key's size, the timeout, the context's
 * size), fills in the table's defaults, hands it to the
 * {@link ReadCoordinator} or {@link WriteCoordinator} and reports how it ended to the
 * {@link RequestObserver}. Never throws: every failure completes the returned future
 * exceptionally with a typed error. Every {@link LimitExceededException} this node raises for
 * a request, here or while coordinating it (a sibling cap, a context's counters), is counted
 * once, by {@link RequestObserver#refused}. A failing engine on this node (a full disk, a
 * failed fsync: {@link StorageException}) reaches the client as a {@link DynamoException} of
 * code {@link ErrorCode#INTERNAL}, never as the engine's own exception, and a write it failed
 * is never acknowledged.
 *
 * <pre>{@code
 * ClientService clients = new ClientService(node::table, node::cluster, reads, writes, observer,
 *         RequestLimits.DEFAULT);
 * Context c = clients.put("default", key, Context.EMPTY, value, RequestOptions.DEFAULT).join();
 * }</pre>
 */
public final class ClientService {

    private final Function<String, Table> tables;
    private final Supplier<ClusterState> cluster;
    private final ReadCoordinator reads;
    private final WriteCoordinator writes;
    private final RequestObserver observer;
    private final RequestLimits limits;

    /**
     * @param tables  the open table of a name, or {@link dev.dynamo.api.UnknownTableException}
     * @param cluster the node's current view of the ring, read once per request
     */
    public ClientService(Function<String, Table> tables, Supplier<ClusterState> cluster, ReadCoordinator reads,
                         WriteCoordinator writes, RequestObserver observer) {
        this(tables, cluster, reads, writes, observer, RequestLimits.DEFAULT);
    }

    /** @param limits the node's limits; {@code writes} must have been given the same */
    public ClientService(Function<String, Table> tables, Supplier<ClusterState> cluster, ReadCoordinator reads,
                         WriteCoordinator writes, RequestObserver observer, RequestLimits limits) {
        this.limits = Objects.requireNonNull(limits, "limits");
        this.tables = Objects.requireNonNull(tables, "tables");
        this.cluster = Objects.requireNonNull(cluster, "cluster");
        this.reads = Objects.requireNonNull(reads, "reads");
        this.writes = Objects.requireNonNull(writes, "writes");
        this.observer = Objects.requireNonNull(observer, "observer");
    }

    public CompletableFuture<GetResult> get(String table, byte[] key, RequestOptions options) {
        long start = System.nanoTime();
        CompletableFuture<GetResult> f;
        try {
            Table t = tables.apply(table);
            checkKey(key);
            int r = quorum("r", options.r(), t.config().r(), t.config().n());
            f = reads.get(cluster.get(), t, key, r, timeout(options, t));
        } catch (LimitExceededException e) {
            f = refused(e);
        } catch (RuntimeException e) {
            f = CompletableFuture.failedFuture(e);
        }
        return observed("get", table, start, typed(table, f));
    }

    public CompletableFuture<Context> put(String table, byte[] key, Context context, byte[] value,
                                          RequestOptions options) {
        return write("put", table, key, context, value, false, options, false);
    }

    public CompletableFuture<Context> delete(String table, byte[] key, Context context, RequestOptions options) {
        return write("delete", table, key, context, new byte[0], true, options, false);
    }

    /** A binary get: 0 for r or the timeout means the table's setting. */
    public CompletableFuture<Message.GetResult> serve(Message.Get g) {
        RequestOptions o = new RequestOptions(g.r() == 0 ? null : g.r(), null, millis(g.timeoutMillis()));
        return get(g.table(), g.key(), o).thenApply(r -> new Message.GetResult(r.siblings(), r.context().toBytes()));
    }

    /** A binary put or delete, possibly forwarded by a node outside the key's preference list. */
    public CompletableFuture<Message.PutResult> serve(Message.Put p) {
        String op = p.tombstone() ? "delete" : "put";
        Context ctx;
        try {
            ctx = Context.fromBytes(p.context());
        } catch (IllegalArgumentException e) {
            return observed(op, p.table(), System.nanoTime(),
                    CompletableFuture.failedFuture(new BadRequestException(e.getMessage())));
        }
        RequestOptions o = new RequestOptions(null, p.w() == 0 ? null : p.w(), millis(p.timeoutMillis()));
        return write(op, p.table(), p.key(), ctx, p.value(), p.tombstone(), o,
                p.forwarded()).thenApply(c -> new Message.PutResult(c.toBytes()));
    }

    private CompletableFuture<Context> write(String op, String table, byte[] key, Context context, byte[] value,
                                             boolean tombstone, RequestOptions options, boolean forwarded) {
        long start = System.nanoTime();
        CompletableFuture<Context> f;
        try {
            Table t = tables.apply(table);
            checkKey(key);
            if (value.length > t.config().maxValueBytes()) {
                throw ValueTooLargeException.of(table, value.length, t.config().maxValueBytes());
            }
            limits.context().checkRequest(context);
            int w = quorum("w", options.w(), t.config().w(), t.config().n());
            // the coordinator refuses synchronously, before it stores anything (see SiblingStore.coordinate)
            f = writes.put(cluster.get(), new WriteRequest(op, t, key, context, value, tombstone, w,
                    timeout(options, t), forwarded));
        } catch (LimitExceededException e) {
            f = refused(e);
        } catch (RuntimeException e) {
            f = CompletableFuture.failedFuture(e);
        }
        return observed(op, table, start, typed(table, f));
    }

    /** Throws; the caller's catch counts the refusal (as for every LimitExceededException here). */
    private void checkKey(byte[] key) {
        if (key.length > limits.maxKeyBytes()) {
            throw LimitExceededException.of("key size in bytes", RequestLimits.MAX_KEY_BYTES_SETTING, key.length,
                    limits.maxKeyBytes());
        }
    }

    private static int quorum(String name, Integer requested, int tableValue, int n) {
        if (requested == null) {
            return tableValue;
        }
        if (requested < 1 || requested > n) {
            throw new BadRequestException(name + "=" + requested + " is out of range: 1 <= " + name + " <= n=" + n);
        }
        return requested;
    }

    private <T> CompletableFuture<T> refused(LimitExceededException e) {
        observer.refused(e.limit());
        return CompletableFuture.failedFuture(e);
    }

    /** A failing engine's exception turned into the typed error clients get (see the class comment). */
    private static <T> CompletableFuture<T> typed(String table, CompletableFuture<T> f) {
        return f.exceptionallyCompose(e -> {
            if (Replies.unwrap(e) instanceof StorageException se) {
                return CompletableFuture.failedFuture(new DynamoException(ErrorCode.INTERNAL, "table '" + table
                        + "': this node's storage failed the request (" + se.getMessage()
                        + "); retry, possibly through another node", se));
            }
            return CompletableFuture.failedFuture(e);
        });
    }

    private long timeout(RequestOptions options, Table t) {
        Duration requested = options.timeout();
        if (requested == null) {
            return t.config().timeoutMillis();
        }
        long max = Math.max(limits.maxTimeoutMillis(), t.config().timeoutMillis());
        if (requested.compareTo(Duration.ofMillis(max)) > 0) {
            // a Duration of more than Long.MAX_VALUE ms (in-JVM callers only) has no millisecond value
            long value = requested.compareTo(Duration.ofMillis(Long.MAX_VALUE)) > 0 ? -1 : requested.toMillis();
            throw new LimitExceededException("the request's timeout of " + (value < 0 ? requested : value + " ms")
                    + " is over the limit of " + max + " ms (" + RequestLimits.MAX_TIMEOUT_SETTING + ", or table '"
                    + t.config().name() + "' timeout-ms when longer)", RequestLimits.MAX_TIMEOUT_SETTING, value, max);
        }
        return requested.toMillis();
    }

    private static Duration millis(long millis) {
        return millis == 0 ? null : Duration.ofMillis(millis);
    }

    private <T> CompletableFuture<T> observed(String op, String table, long start, CompletableFuture<T> f) {
        return f.whenComplete((v, e) -> observer.requestEnded(op, table,
                e == null ? "ok" : Replies.errorCode(e), System.nanoTime() - start));
    }
}
