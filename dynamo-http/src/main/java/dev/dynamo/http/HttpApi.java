package dev.dynamo.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dynamo.api.BadRequestException;
import dev.dynamo.api.Context;
import dev.dynamo.api.DynamoException;
import dev.dynamo.api.ErrorCode;
import dev.dynamo.api.GetResult;
import dev.dynamo.api.InsufficientReplicasException;
import dev.dynamo.api.LimitExceededException;
import dev.dynamo.api.OverloadedException;
import dev.dynamo.api.TooManySiblingsException;
import dev.dynamo.api.RequestOptions;
import dev.dynamo.api.ValueTooLargeException;
import dev.dynamo.api.Versioned;
import dev.dynamo.core.antientropy.AntiEntropy;
import dev.dynamo.core.cluster.ClusterState;
import dev.dynamo.core.coordination.RequestLimits;
import dev.dynamo.core.membership.Membership;
import dev.dynamo.core.membership.MembershipView;
import dev.dynamo.core.membership.RebalanceProgress;
import dev.dynamo.core.backup.BackupException;
import dev.dynamo.core.backup.BackupManifest;
import dev.dynamo.core.backup.TableBackup;
import dev.dynamo.core.node.DynamoNode;
import dev.dynamo.core.protocol.Message;
import dev.dynamo.core.ring.NodeInfo;
import dev.dynamo.core.ring.Ring;
import dev.dynamo.core.table.Table;
import dev.dynamo.core.table.TableConfig;
import dev.dynamo.http.metrics.NodeMetrics;
import dev.dynamo.security.auth.Action;
import dev.dynamo.security.auth.Principal;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP/JSON API of docs/http-api.md on top of a {@link DynamoNode}, free of Netty: a request
 * (method, target, context header, body) in, a {@link Reply} future out. Calls into the node
 * run on {@code workers}, never on the caller's thread, because a node's local replica work
 * (engine reads, writes, fsync) may block.
 *
 * <pre>{@code
 * HttpApi api = new HttpApi(node, metrics, workers, maxQueuedRequests);
 * api.handle("GET", "/tables/default/keys/greeting", null, new byte[0]).thenAccept(send);
 * }</pre>
 */
final class HttpApi {
    private static final Logger LOG = LoggerFactory.getLogger(HttpApi.class);

    static final String CONTEXT_HEADER = "X-Dynamo-Context";
    static final String JSON = "application/json";
    static final String OCTETS = "application/octet-stream";

    /** Query parameters of the key route. */
    static final String R = "r";
    static final String W = "w";
    static final String TIMEOUT = "timeout_ms";
    private static final Set<String> KEY_PARAMETERS = Set.of(R, W, TIMEOUT);

    private static final Set<String> KNOWN_METHODS = Set.of("GET", "PUT", "DELETE", "POST", "HEAD", "OPTIONS",
            "PATCH");

    private static final String ROUTES = "GET /tables, GET /cluster, GET /health, GET /metrics, GET|POST /repair,"
            + " POST /backup, GET /membership, POST /membership/{join,leave,remove}, GET|PUT|DELETE /tables/{table}/keys/{key}";

    private final DynamoNode node;
    private final NodeMetrics metrics;
    private final Executor workers;
    private final int maxQueuedRequests;
    private final ObjectMapper json = new ObjectMapper();
    /** Null when the API is open to anyone. */
    private final HttpAccessControl access;
    private volatile Membership membership;

    /** An API open to anyone; see {@link #HttpApi(DynamoNode, NodeMetrics, Executor, int, HttpAccessControl)}. */
    HttpApi(DynamoNode node, NodeMetrics metrics, Executor workers, int maxQueuedRequests) {
        this(node, metrics, workers, maxQueuedRequests, null);
    }

    /**
     * @param maxQueuedRequests the size of {@code workers}' queue, named in the 503 when it is full
     * @param access            who may call what; null for an API open to anyone
     */
    HttpApi(DynamoNode node, NodeMetrics metrics, Executor workers, int maxQueuedRequests, HttpAccessControl access) {
        this.node = node;
        this.metrics = metrics;
        this.workers = workers;
        this.maxQueuedRequests = maxQueuedRequests;
        this.access = access;
    }

    void setMembership(Membership membership) {
        this.membership = membership;
    }

    // ------------------------------------------------------------------ entry points

    /** Serves one request without credentials; see {@link #handle(String, String, String, byte[], Caller)}. */
    CompletableFuture<Reply> handle(String method, String uri, String contextHeader, byte[] body) {
        return handle(method, uri, contextHeader, body, Caller.ANONYMOUS);
    }

    /**
     * Serves one request. Never throws: every failure becomes an error reply. When the API
     * authenticates, every route but {@code /health} first checks the caller's credentials
     * (401 without them, also before a malformed path is reported) and role (403).
     *
     * @param contextHeader the {@code X-Dynamo-Context} request header, null when absent
     * @param caller        the {@code Authorization} header and the client's address
     */
    CompletableFuture<Reply> handle(String method, String uri, String contextHeader, byte[] body, Caller caller) {
        RequestTarget.Route route = RequestTarget.Route.NONE;
        RequestTarget target = null;
        BadRequestException unparsable = null;
        try {
            target = RequestTarget.parse(uri);
            route = target.route();
        } catch (BadRequestException e) {
            route = RequestTarget.Route.KEY; // only the key route parses more than its path
            unparsable = e;
        }
        CompletableFuture<Reply> reply;
        if (access == null || route == RequestTarget.Route.HEALTH) {
            reply = serve(method, target, unparsable, contextHeader, body, null, caller);
        } else {
            RequestTarget t = target;
            BadRequestException bad = unparsable;
            // after a password check on the hashing pool, this goes on there: routing is quick, and the
            // slow work of a route (engine calls, a scrape) goes to the workers like any other request's
            reply = access.authenticate(caller.authorization(), caller.remote())
                    .thenCompose(user -> serve(method, t, bad, contextHeader, body, user, caller));
        }
        String tag = route.tag();
        return reply.handle((ok, error) -> ok != null ? ok : errorReply(method, tag, error))
                .thenApply(r -> counted(method, tag, r));
    }

    /** The reply to a request whose body is over the server's limit (the aggregator dropped it). */
    Reply oversized(String method, String uri, long contentLength, int limit) {
        String tag = RequestTarget.Route.NONE.tag();
        ValueTooLargeException e;
        String table = null;
        try {
            RequestTarget t = RequestTarget.parse(uri);
            tag = t.route().tag();
            table = t.table();
        } catch (BadRequestException ignored) {
            // the limit is what matters here; the malformed path would be reported on a smaller body
        }
        TableConfig config = null;
        for (Table t : node.tables()) {
            if (t.config().name().equals(table)) {
                config = t.config();
            }
        }
        if (config != null && contentLength >= 0) {
            e = ValueTooLargeException.of(config.name(), contentLength, config.maxValueBytes());
        } else if (config != null) {
            e = new ValueTooLargeException("value is over table '" + config.name() + "' limit of "
                    + config.maxValueBytes() + " bytes (max-value-bytes)", config.name(), -1, config.maxValueBytes());
        } else {
            e = new ValueTooLargeException("request body " + (contentLength >= 0 ? "of " + contentLength + " bytes "
                    : "") + "is over this server's limit of " + limit + " bytes", contentLength, limit);
        }
        return counted(method, tag, errorReply(method, tag, e));
    }

    /** The reply to bytes that are not an HTTP request. */
    Reply malformed(String method, Throwable cause) {
        String why = cause == null || cause.getMessage() == null ? String.valueOf(cause) : cause.getMessage();
        return counted(method, RequestTarget.Route.NONE.tag(),
                errorReply(method, RequestTarget.Route.NONE.tag(), new BadRequestException("malformed HTTP request: "
                        + why)));
    }

    /**
     * The reply when a capacity limit of the server refuses a request or a connection
     * (503 {@code overloaded} naming {@code limit}); counts the refusal.
     *
     * @param method the request's method, null for a connection refused before any request
     */
    Reply overloaded(String method, String limit, long value, long max) {
        metrics.refused(limit);
        String tag = RequestTarget.Route.NONE.tag();
        return counted(method, tag, errorReply(method, tag, OverloadedException.of(node.id(), limit, value, max)));
    }

    /** The reply to a request whose request line or headers are over their limit; counts the refusal. */
    Reply overLimit(String method, String what, String limit, long max) {
        metrics.refused(limit);
        String tag = RequestTarget.Route.NONE.tag();
        return counted(method, tag, errorReply(method, tag, new LimitExceededException(what + " is over the limit of "
                + max + " bytes (" + limit + ")", limit, -1, max)));
    }

    /** The reply to a request that arrives while the server shuts down. */
    Reply shuttingDown(String method) {
        return counted(method, RequestTarget.Route.NONE.tag(), errorReply(method, RequestTarget.Route.NONE.tag(),
                new HttpError(ErrorCode.SHUTTING_DOWN, "node " + node.id() + " is shutting down; retry on another node")));
    }

    private Reply counted(String method, String routeTag, Reply r) {
        metrics.httpResponse(methodTag(method), routeTag, r.status());
        return r;
    }

    private static String methodTag(String method) {
        return method != null && KNOWN_METHODS.contains(method) ? method : "OTHER";
    }

    // ------------------------------------------------------------------ routing

    /**
     * The caller of one request, as the connection knows it.
     *
     * @param authorization the {@code Authorization} header, null when absent
     * @param remote        the client's address, for logs
     */
    record Caller(String authorization, String remote) {
        static final Caller ANONYMOUS = new Caller(null, "unknown");
    }

    /** A parsed (or unparsable) request once its caller is known: {@code user} is null when the API is open. */
    private CompletableFuture<Reply> serve(String method, RequestTarget target, BadRequestException unparsable,
                                           String contextHeader, byte[] body, Principal user, Caller caller) {
        try {
            if (unparsable != null) {
                throw unparsable;
            }
            if (user != null) {
                access.authorize(user, method, target, caller.remote());
            }
            return dispatch(method, target, contextHeader, body, user);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private CompletableFuture<Reply> dispatch(String method, RequestTarget target, String contextHeader, byte[] body,
                                              Principal user) {
        RequestTarget.Route route = target.route();
        if (route == RequestTarget.Route.NONE) {
            throw new HttpError(ErrorCode.NO_ROUTE, "no route for " + method + " " + shorten(target.path())
                    + "; routes: " + ROUTES);
        }
        if (!route.accepts(method)) {
            throw new HttpError(ErrorCode.METHOD_NOT_ALLOWED, method + " is not allowed on "
                    + shorten(target.path()) + "; allowed: " + route.allow(), Map.of("Allow", route.allow()));
        }
        switch (route) {
            case TABLES:
                return CompletableFuture.completedFuture(jsonReply(200, tables(user)));
            case CLUSTER:
                return CompletableFuture.completedFuture(jsonReply(200, cluster()));
            case HEALTH:
                return CompletableFuture.completedFuture(jsonReply(200, health()));
            case METRICS:
                // a scrape formats every meter: milliseconds with many series, too long for the event loop
                return call(() -> CompletableFuture.completedFuture(new Reply(200, NodeMetrics.CONTENT_TYPE,
                        metrics.scrape().getBytes(StandardCharsets.UTF_8), Map.of())));
            case REPAIR:
                return CompletableFuture.completedFuture(repair(method, target.query()));
            case BACKUP:
                // copies a whole table: never on the event loop
                return call(() -> CompletableFuture.completedFuture(backup(target.query())));
            case MEMBERSHIP:
                return CompletableFuture.completedFuture(jsonReply(200, membershipJson(membership())));
            case MEMBERSHIP_ACTION:
                return membershipAction(target.path(), target.query());
            case KEY:
                return key(method, target, contextHeader, body);
            default:
                throw new IllegalStateException("unhandled route " + route);
        }
    }

    /** Paths echo client input into messages: keep them short (a request line may be 64 KiB). */
    private static String shorten(String path) {
        return path.length() <= 200 ? path : path.substring(0, 200) + "...";
    }

    // ------------------------------------------------------------------ keys

    private CompletableFuture<Reply> key(String method, RequestTarget target, String contextHeader, byte[] body) {
        Table table = node.table(target.table());
        TableConfig config = table.config();
        RequestOptions options = options(target.query(), config);
        String name = config.name();
        byte[] key = target.key();
        if ("GET".equals(method)) {
            return call(() -> node.get(name, key, options)).thenApply(r -> getReply(name, r));
        }
        Context context = context(contextHeader);
        if ("PUT".equals(method)) {
            return call(() -> node.put(name, key, context, body, options)).thenApply(HttpApi::writeReply);
        }
        return call(() -> node.delete(name, key, context, options)).thenApply(HttpApi::writeReply);
    }

    private static RequestOptions options(Map<String, String> query, TableConfig config) {
        for (String p : query.keySet()) {
            if (!KEY_PARAMETERS.contains(p)) {
                throw new BadRequestException("unknown query parameter '" + p + "'; allowed: r, w, timeout_ms");
            }
        }
        Integer r = quorum(query, R, config);
        Integer w = quorum(query, W, config);
        Duration timeout = null;
        String t = query.get(TIMEOUT);
        if (t != null) {
            // the upper bound is the node's (ClientService, request.max-timeout-ms), as for binary clients
            String range = "1 <= timeout_ms <= the node's " + RequestLimits.MAX_TIMEOUT_SETTING
                    + " (or the table's timeout-ms when longer)";
            long ms = number(TIMEOUT, t, range);
            if (ms < 1) {
                throw new BadRequestException("query parameter timeout_ms=" + t + " is out of range: " + range);
            }
            timeout = Duration.ofMillis(ms);
        }
        return new RequestOptions(r, w, timeout);
    }

    private static Integer quorum(Map<String, String> query, String name, TableConfig config) {
        String text = query.get(name);
        if (text == null) {
            return null;
        }
        String range = "1 <= " + name + " <= n=" + config.n() + " (table '" + config.name() + "')";
        long value = number(name, text, range);
        if (value < 1 || value > config.n()) {
            throw new BadRequestException("query parameter " + name + "=" + text + " is out of range: " + range);
        }
        return (int) value;
    }

    private static long number(String name, String text, String range) {
        boolean digits = !text.isEmpty() && text.chars().allMatch(c -> c >= '0' && c <= '9');
        if (!digits) {
            throw new BadRequestException("query parameter " + name + "='" + text + "' is not a whole number; allowed: "
                    + range);
        }
        // more digits than a long holds is simply out of range
        return text.length() > 18 ? Long.MAX_VALUE : Long.parseLong(text);
    }

    private static Context context(String header) {
        try {
            return Context.fromBase64(header);
        } catch (IllegalArgumentException e) {
            throw new BadRequestException("header " + CONTEXT_HEADER + ": " + e.getMessage()
                    + "; send back the value a GET returned, or no header for a blind write");
        }
    }

    /** Runs a node call (or other slow work) on the workers: it may touch the local engine synchronously. */
    private <T> CompletableFuture<T> call(Supplier<CompletableFuture<T>> op) {
        try {
            return CompletableFuture.supplyAsync(op, workers).thenCompose(Function.identity());
        } catch (RejectedExecutionException e) {
            // a full queue holds exactly its capacity
            metrics.refused(HttpApiServer.MAX_QUEUED_REQUESTS);
            return CompletableFuture.failedFuture(OverloadedException.of(node.id(), HttpApiServer.MAX_QUEUED_REQUESTS,
                    maxQueuedRequests, maxQueuedRequests));
        }
    }

    private Reply getReply(String table, GetResult r) {
        Map<String, String> headers = new LinkedHashMap<>();
        if (!r.context().isEmpty()) {
            headers.put(CONTEXT_HEADER, r.context().toBase64());
        }
        if (!r.isFound()) {
            Map<String, Object> body = errorBody(ErrorCode.NOT_FOUND, "key not found in table '" + table + "'"
                    + (r.context().isEmpty() ? "" : " (deleted; the context covers the delete)"));
            return errorReply(ErrorCode.NOT_FOUND, body, headers);
        }
        if (!r.hasSiblings()) {
            return new Reply(200, OCTETS, r.value(), headers);
        }
        List<Map<String, Object>> siblings = new ArrayList<>();
        for (Versioned v : r.siblings()) {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("value", Base64.getEncoder().encodeToString(v.value()));
            s.put("timestamp", v.timestamp());
            siblings.add(s);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("context", r.context().toBase64());
        body.put("siblings", siblings);
        return new Reply(300, JSON, toJson(body), headers);
    }

    private static Reply writeReply(Context written) {
        return Reply.empty(204, written.isEmpty() ? Map.of() : Map.of(CONTEXT_HEADER, written.toBase64()));
    }

    // ------------------------------------------------------------------ tables, cluster, health

    /** Every table; for a user without {@code admin}, the tables it may read. */
    private List<Map<String, Object>> tables(Principal user) {
        List<Map<String, Object>> out = new ArrayList<>();
        node.tables().stream().map(Table::config)
                .filter(c -> user == null || user.allows(Action.ADMIN, null) || user.allows(Action.READ, c.name()))
                .sorted(Comparator.comparing(TableConfig::name)).forEach(c -> {
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("name", c.name());
            t.put("n", c.n());
            t.put("r", c.r());
            t.put("w", c.w());
            t.put("engine", c.engine());
            t.put("reconciler", c.reconciler());
            t.put("partitioner", c.partitioner());
            t.put("durability", c.durability().name().toLowerCase(Locale.ROOT));
            t.put("quorum", c.quorum().text());
            t.put("max_value_bytes", c.maxValueBytes());
            t.put("timeout_ms", c.timeoutMillis());
            out.add(t);
        });
        return out;
    }

    private Map<String, Object> cluster() {
        Membership m = membership;
        if (m != null) {
            Map<String, Object> out = membershipJson(m);
            out.put("hints_pending", node.background().hints().pending());
            out.put("anti_entropy", progressJson(node.background().antiEntropy().progress()));
            return out;
        }
        ClusterState state = node.cluster();
        Ring ring = state.ring();
        List<Map<String, Object>> nodes = new ArrayList<>();
        Set<String> listed = new LinkedHashSet<>();
        for (NodeInfo info : ring.nodes()) {
            listed.add(info.id());
            nodes.add(nodeJson(info.id(), state.addresses().get(info.id()), info.address(), info.capacity(),
                    info.zone(), ring.partitionsOf(info.id()).size(), status(info.id())));
        }
        // nodes with an address but no partitions yet (joining) are members too
        state.addresses().values().stream().filter(a -> !listed.contains(a.id()))
                .sorted(Comparator.comparing(Message.NodeAddress::id))
                .forEach(a -> nodes.add(nodeJson(a.id(), a, null, 0,
                        a.id().equals(node.id()) ? node.config().zone() : null, 0, status(a.id()))));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("node", node.id());
        out.put("ring_version", ring.version());
        out.put("q", ring.q());
        out.put("nodes", nodes);
        out.put("zones", ring.zones());
        out.put("hints_pending", node.background().hints().pending());
        out.put("anti_entropy", progressJson(node.background().antiEntropy().progress()));
        return out;
    }

    /** This node's local view (docs/membership.md: failure detection is local): "suspected" after failed requests. */
    private String status(String id) {
        return id.equals(node.id()) || node.failureDetector().isAvailable(id) ? "up" : "suspected";
    }

    private static Map<String, Object> nodeJson(String id, Message.NodeAddress address, String ringAddress,
                                                double capacity, String zone, int partitions, String status) {
        Map<String, Object> n = new LinkedHashMap<>();
        n.put("id", id);
        n.put("address", address != null ? address.httpAddress() : ringAddress);
        n.put("binary_address", address != null ? address.binaryAddress() : null);
        n.put("status", status);
        n.put("zone", zone);
        n.put("capacity", capacity);
        n.put("partitions", partitions);
        return n;
    }

    /**
     * {@code POST /repair[?table=T]} starts an anti-entropy exchange with every replica peer
     * (202; 200 when one already runs) and {@code GET /repair} shows its progress.
     */
    private Reply repair(String method, Map<String, String> query) {
        for (String p : query.keySet()) {
            if (!"table".equals(p)) {
                throw new BadRequestException("unknown query parameter '" + p + "'; allowed: table");
            }
        }
        String table = query.get("table");
        if (table != null) {
            node.table(table); // unknown_table (404) before anything starts
        }
        AntiEntropy ae = node.background().antiEntropy();
        if ("GET".equals(method)) {
            return jsonReply(200, progressJson(ae.progress()));
        }
        boolean alreadyRunning = ae.progress().running();
        ae.repair(table).whenComplete((p, e) -> {
            if (e != null) {
                LOG.warn("repair on node {} failed: {}", node.id(), e.toString());
            } else {
                LOG.info("repair on node {} done: {} partition(s), {} key(s) repaired, {} bytes exchanged",
                        node.id(), p.partitionsDone(), p.keysRepaired(), p.bytesExchanged());
            }
        });
        Map<String, Object> body = progressJson(ae.progress());
        body.put("started", !alreadyRunning);
        return jsonReply(alreadyRunning ? 200 : 202, body);
    }

    /**
     * {@code POST /backup?table=T&dest=/dir}: an online backup of table T of this node into
     * {@code /dir/<node>/T/} on this node's machine; 200 with the manifest once written.
     */
    private Reply backup(Map<String, String> query) {
        for (String p : query.keySet()) {
            if (!"table".equals(p) && !"dest".equals(p)) {
                throw new BadRequestException("unknown query parameter '" + p + "'; allowed: table, dest");
            }
        }
        String table = query.get("table");
        String dest = query.get("dest");
        if (table == null || dest == null) {
            throw new BadRequestException("POST /backup needs ?table=T&dest=/absolute/directory");
        }
        BackupManifest m;
        try {
            m = TableBackup.take(node, table, Path.of(dest));
        } catch (InvalidPathException e) {
            throw new BadRequestException("dest '" + dest + "' is not a valid path: " + e.getReason());
        } catch (BackupException e) {
            if (e.getCause() instanceof IOException) {
                throw new HttpError(ErrorCode.INTERNAL, e.getMessage());
            }
            throw new BadRequestException(e.getMessage());
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("node", m.node());
        body.put("table", m.table());
        body.put("engine", m.engine());
        body.put("directory", TableBackup.directory(Path.of(dest).normalize(), m.node(), m.table()).toString());
        body.put("ring_version", m.ringVersion());
        body.put("partitions", m.partitions().size());
        body.put("files", m.files().size());
        body.put("bytes", m.bytes());
        body.put("taken_at_ms", m.takenAtMillis());
        return jsonReply(200, body);
    }

    private Membership membership() {
        Membership m = membership;
        if (m == null) {
            throw new HttpError(ErrorCode.NO_ROUTE, "node " + node.id() + " runs without membership");
        }
        return m;
    }

    /**
     * {@code POST /membership/join} (this node joins through its seeds), {@code /leave} (this
     * node hands its partitions to the others), {@code /remove?node=ID} (a dead node's
     * partitions go to the others). 202 when the change starts (it goes on in the
     * background; follow it in {@code GET /membership}), 200 when there is nothing to do,
     * 409 {@code membership_refused} with the reason otherwise. A join through {@code ?seed=}
     * answers after the first gossip exchange with the seed: 409 when it failed (the seed is then
     * not kept, see {@link Membership#admitSeed}).
     */
    private CompletableFuture<Reply> membershipAction(String path, Map<String, String> query) {
        Membership m = membership();
        String action = path.substring(path.lastIndexOf('/') + 1);
        for (String p : query.keySet()) {
            String allowed = "remove".equals(action) ? "node" : "join".equals(action) ? "seed" : null;
            if (!p.equals(allowed)) {
                throw new BadRequestException("unknown query parameter '" + p + "' for " + path
                        + (allowed == null ? "; it takes none" : "; allowed: " + allowed));
            }
        }
        CompletableFuture<Void> change;
        String what;
        switch (action) {
            case "join" -> {
                String seed = query.get("seed");
                what = "join " + node.id();
                if (seed != null && !seed.isEmpty()) {
                    // the seed is trusted only once it answered: a plaintext or foreign seed is refused here
                    String joining = what;
                    return m.admitSeed(seed).handle((admitted, error) -> error == null
                            ? changeReply(m, m.join(), joining) : refusedReply(joining, error));
                }
                change = m.join();
            }
            case "leave" -> {
                change = m.leave();
                what = "leave " + node.id();
            }
            default -> {
                String victim = query.get("node");
                if (victim == null || victim.isEmpty()) {
                    throw new BadRequestException("POST /membership/remove needs ?node=<id of the dead node>");
                }
                change = m.remove(victim);
                what = "remove " + victim;
            }
        }
        return CompletableFuture.completedFuture(changeReply(m, change, what));
    }

    /** 409 {@code membership_refused} naming the cause. */
    private Reply refusedReply(String what, Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        Map<String, Object> body = errorBody(ErrorCode.MEMBERSHIP_REFUSED, what + " refused: " + cause.getMessage());
        return errorReply(ErrorCode.MEMBERSHIP_REFUSED, body, Map.of());
    }

    /** The answer to a ring change just asked for: refused at once, done, or started. */
    private Reply changeReply(Membership m, CompletableFuture<Void> change, String what) {
        if (change.isCompletedExceptionally()) {
            return refusedReply(what, change.handle((ok, e) -> e).join());
        }
        boolean done = change.isDone();
        change.whenComplete((ok, e) -> {
            if (e != null) {
                LOG.warn("node {}: {} failed: {}", node.id(), what, e.toString());
            } else if (!done) {
                LOG.info("node {}: {} done", node.id(), what);
            }
        });
        Map<String, Object> body = membershipJson(m);
        body.put("started", !done);
        return jsonReply(done ? 200 : 202, body);
    }

    private static Map<String, Object> membershipJson(Membership m) {
        MembershipView v = m.view();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("node", v.self());
        out.put("ring_version", v.ringVersion());
        out.put("q", v.q());
        List<Map<String, Object>> members = new ArrayList<>();
        for (MembershipView.Member mb : v.members()) {
            Map<String, Object> n = new LinkedHashMap<>();
            n.put("id", mb.id());
            n.put("address", mb.httpAddress());
            n.put("binary_address", mb.binaryAddress());
            n.put("membership", mb.status().name().toLowerCase(Locale.ROOT));
            // a node of the ring never heard from is not merely suspected: this node never reached it
            n.put("status", !mb.seen() ? "unreachable" : mb.suspected() ? "suspected" : "up");
            n.put("seen", mb.seen());
            n.put("zone", mb.zone());
            n.put("phi", Double.isFinite(mb.phi()) ? Math.round(mb.phi() * 100) / 100.0 : null);
            n.put("capacity", mb.capacity());
            n.put("partitions", mb.partitions());
            n.put("ring_version", mb.ringVersion());
            n.put("heartbeat", mb.heartbeat());
            members.add(n);
        }
        out.put("nodes", members);
        out.put("zones", v.members().stream().map(MembershipView.Member::zone).distinct().sorted().toList());
        out.put("rebalance", rebalanceJson(v.progress()));
        return out;
    }

    static Map<String, Object> rebalanceJson(RebalanceProgress p) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("description", p.description());
        out.put("active", p.active());
        out.put("partitions_done", p.partitionsDone());
        out.put("partitions_total", p.partitionsTotal());
        out.put("transfers_done", p.transfersDone());
        out.put("transfers_total", p.transfersTotal());
        out.put("bytes", p.bytes());
        out.put("keys", p.keys());
        out.put("retries", p.retries());
        out.put("bytes_per_second", Math.round(p.bytesPerSecond()));
        out.put("eta_ms", p.etaMillis());
        return out;
    }

    static Map<String, Object> progressJson(AntiEntropy.Progress p) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("running", p.running());
        out.put("partitions_done", p.partitionsDone());
        out.put("partitions_total", p.partitionsTotal());
        out.put("keys_repaired", p.keysRepaired());
        out.put("bytes_exchanged", p.bytesExchanged());
        out.put("runs", p.runs());
        return out;
    }

    private Map<String, Object> health() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("status", "up");
        out.put("node", node.id());
        return out;
    }

    // ------------------------------------------------------------------ errors and JSON

    Reply errorReply(String method, String routeTag, Throwable error) {
        Throwable cause = unwrap(error);
        if (!(cause instanceof DynamoException de)) {
            // an untyped failure is a bug or a broken engine: the operator needs the stack, the client a pointer
            LOG.error("HTTP {} on route '{}' failed on node {}", method, routeTag, node.id(), cause);
            return internalReply();
        }
        if (de.errorCode() == ErrorCode.INTERNAL) {
            // the store's own untyped error (for example a node shutting down): its message says it all
            LOG.warn("HTTP {} on route '{}' failed on node {}: {}", method, routeTag, node.id(), cause.toString());
            return internalReply();
        }
        Map<String, Object> body = errorBody(de.errorCode(), de.getMessage());
        putTypedFields(de, body);
        return errorReply(de.errorCode(), body, de instanceof HttpError he ? he.headers() : Map.of());
    }

    /** The body of a 500: the cause is in this node's log, not for the client to see. */
    private Reply internalReply() {
        return errorReply(ErrorCode.INTERNAL, errorBody(ErrorCode.INTERNAL, "internal error on node " + node.id()
                + "; see its log"), Map.of());
    }

    /** The fields an error body carries besides code and message (docs/http-api.md, "Errors": extra fields). */
    private static void putTypedFields(DynamoException e, Map<String, Object> body) {
        if (e instanceof InsufficientReplicasException ir) {
            body.put("required", ir.required());
            body.put("acknowledged", ir.acknowledged());
        } else if (e instanceof ValueTooLargeException vt) {
            if (vt.size() >= 0) {
                body.put("size", vt.size());
            }
            body.put("max", vt.max());
        } else if (e instanceof LimitExceededException le) {
            if (!le.limit().isEmpty()) {
                body.put("limit", le.limit());
            }
            if (le.value() >= 0) {
                body.put("value", le.value());
            }
            body.put("max", le.max());
            if (le instanceof TooManySiblingsException ts && ts.table() != null) {
                body.put("table", ts.table());
            }
        }
    }

    /** An error reply with the HTTP status of {@code code}. */
    private Reply errorReply(ErrorCode code, Map<String, Object> body, Map<String, String> headers) {
        return new Reply(code.httpStatus(), JSON, toJson(body), headers);
    }

    private static Map<String, Object> errorBody(ErrorCode code, String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", code.wire());
        body.put("message", message);
        return body;
    }

    private Reply jsonReply(int status, Object body) {
        return new Reply(status, JSON, toJson(body), Map.of());
    }

    /** Compact JSON and a newline, so that curl output ends its line. */
    private byte[] toJson(Object body) {
        try {
            byte[] text = json.writeValueAsBytes(body);
            byte[] line = Arrays.copyOf(text, text.length + 1);
            line[text.length] = '\n';
            return line;
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Throwable unwrap(Throwable e) {
        Throwable t = e;
        for (int depth = 0; depth < 16 && (t instanceof CompletionException || t instanceof ExecutionException)
                && t.getCause() != null; depth++) {
            t = t.getCause();
        }
        return t;
    }
}
