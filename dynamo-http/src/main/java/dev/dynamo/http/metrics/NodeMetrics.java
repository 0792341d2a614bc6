package dev.dynamo.http.metrics;

import dev.dynamo.api.ErrorCode;
import dev.dynamo.core.coordination.RequestObserver;
import dev.dynamo.core.membership.Membership;
import dev.dynamo.core.membership.MembershipView;
import dev.dynamo.core.membership.NodeStatus;
import dev.dynamo.core.node.DynamoNode;
import dev.dynamo.core.spi.Transport;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;

/**
 * One node's metrics on a Prometheus registry: every coordinated request (counter and
 * latency histogram per operation, table and outcome), read repairs, HTTP responses, and
 * JVM basics (memory, GC, threads, CPU, uptime). It is the node's {@link RequestObserver};
 * other components add their own meters to {@link #registry()}.
 *
 * <pre>{@code
 * try (NodeMetrics metrics = new NodeMetrics("n1")) {
 *     DynamoNode node = new DynamoNode(config, tables, cluster, transport, scheduler, metrics);
 *     Gauge.builder("dynamo.hints.pending", hints, Hints::size).register(metrics.registry());
 *     String text = metrics.scrape();   // what GET /metrics serves
 * }
 * }</pre>
 *
 * <p>Exposed names (Prometheus text): {@code dynamo_requests_total{op,table,outcome}},
 * {@code dynamo_request_latency_seconds_bucket|count|sum|max{op,table,outcome}},
 * {@code dynamo_read_repairs_total{table}}, {@code dynamo_http_responses_total{method,route,status}},
 * {@code dynamo_limit_refusals_total{limit}}, {@code dynamo_http_auth_failures_total{reason}},
 * plus {@code jvm_*}, {@code process_*} and {@code system_*}; every series carries {@code node}.
 *
 * <p>Thread-safe; the recording methods are cheap (a map lookup and an atomic add) and never throw.
 */
public final class NodeMetrics implements RequestObserver, AutoCloseable {

    /** Content type of {@link #scrape()}: the Prometheus text exposition format 0.0.4. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    /**
     * Table tag of requests for a table that does not exist: the name comes from the client,
     * so tagging it as is would let anyone create unbounded series.
     */
    static final String UNKNOWN_TABLE_TAG = "_unknown";

    private final PrometheusMeterRegistry registry;
    private final JvmGcMetrics gcMetrics;
    private final ConcurrentMap<RequestKey, RequestMeters> requestMeters = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Counter> readRepairs = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Counter> refusals = new ConcurrentHashMap<>();
    private final ConcurrentMap<HttpKey, Counter> httpResponses = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Counter> authFailures = new ConcurrentHashMap<>();

    private record RequestKey(String op, String table, String outcome) {
    }

    private record RequestMeters(Counter count, Timer latency) {
    }

    private record HttpKey(String method, String route, int status) {
    }

    /** Metrics of node {@code nodeId}, JVM metrics included. */
    public NodeMetrics(String nodeId) {
        this(nodeId, true);
    }

    /**
     * Metrics of node {@code nodeId}.
     *
     * @param jvmMetrics whether to bind JVM and process metrics (leave them out when several
     *                   nodes share one JVM and only one of them should report it)
     */
    public NodeMetrics(String nodeId, boolean jvmMetrics) {
        Objects.requireNonNull(nodeId, "nodeId");
        this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.config().commonTags("node", nodeId);
        if (jvmMetrics) {
            new JvmMemoryMetrics().bindTo(registry);
            new JvmThreadMetrics().bindTo(registry);
            new ClassLoaderMetrics().bindTo(registry);
            new ProcessorMetrics().bindTo(registry);
            new UptimeMetrics().bindTo(registry);
            gcMetrics = new JvmGcMetrics();
            gcMetrics.bindTo(registry);
        } else {
            gcMetrics = null;
        }
    }

    /** The registry, for components that add their own meters (gauges of queues, handoff progress...). */
    public MeterRegistry registry() {
        return registry;
    }

    /**
     * Gauges of the binary port ({@code transport.netty.*} limits, docs/limits.md): open
     * connections ({@code dynamo_binary_connections}), requests being handled
     * ({@code dynamo_binary_inflight}) and requests waiting for a handler thread
     * ({@code dynamo_binary_queued}). Read live at each scrape.
     */
    public void bindTransport(Transport transport) {
        Gauge.builder("dynamo.binary.connections", transport, Transport::connections)
                .description("Open connections to the binary port (clients and peers)").register(registry);
        Gauge.builder("dynamo.binary.inflight", transport, Transport::inFlight)
                .description("Binary requests being handled").register(registry);
        Gauge.builder("dynamo.binary.queued", transport, Transport::queued)
                .description("Binary requests waiting for a handler thread").register(registry);
    }

    /**
     * Gauges of the node's background machinery: hints waiting per target node
     * ({@code dynamo_hints_pending{target}}), hints delivered, and anti-entropy progress.
     * Gauges read the live values at each scrape.
     *
     * @param peers every other member, so each target has a series even at zero
     */
    public void bindNode(DynamoNode node, java.util.Collection<String> peers) {
        Gauge.builder("dynamo.hints.stored", node, n -> n.background().hints().pendingTotal())
                .description("Hinted writes stored here for any node, not yet delivered").register(registry);
        for (String peer : peers) {
            Gauge.builder("dynamo.hints.pending", node, n -> n.background().hints().pending().getOrDefault(peer, 0L))
                    .description("Hinted writes stored here for a node that was unreachable, not yet delivered")
                    .tag("target", peer).register(registry);
        }
        FunctionCounter.builder("dynamo.hints.delivered", node, n -> n.background().handoff().delivered())
                .description("Hints delivered to their intended node and deleted here").register(registry);
        FunctionCounter.builder("dynamo.hints.expired", node, n -> n.background().handoff().expired())
                .description("Hints dropped unsent because they outlived the tombstone grace period")
                .register(registry);
        FunctionCounter.builder("dynamo.antientropy.keys.repaired", node, n -> n.background().antiEntropy().progress().keysRepaired())
                .description("Keys sent or received by Merkle-tree anti-entropy").register(registry);
        FunctionCounter.builder("dynamo.antientropy.bytes", node, n -> n.background().antiEntropy().progress().bytesExchanged())
                .description("Bytes of trees, digests and versions exchanged by anti-entropy").register(registry);
        FunctionCounter.builder("dynamo.antientropy.runs", node, n -> n.background().antiEntropy().progress().runs())
                .description("Completed anti-entropy runs").register(registry);
        Gauge.builder("dynamo.antientropy.running", node, n -> n.background().antiEntropy().progress().running() ? 1 : 0)
                .description("1 while an anti-entropy run is in progress").register(registry);
    }

    /**
     * Gauges of membership: ring version, members by gossiped status, suspected peers, and
     * the ring change in progress (partitions switched, this node's received bytes, rate,
     * estimated time left).
     */
    public void bindMembership(Membership membership) {
        Gauge.builder("dynamo.ring.version", membership, m -> m.view().ringVersion())
                .description("Version of the ring this node routes with").register(registry);
        for (NodeStatus status : NodeStatus.values()) {
            Gauge.builder("dynamo.members", membership, m -> m.view().members().stream()
                            .filter(x -> x.status() == status).count())
                    .description("Members this node knows of, by gossiped status")
                    .tag("membership", status.name().toLowerCase(java.util.Locale.ROOT)).register(registry);
        }
        Gauge.builder("dynamo.members.suspected", membership, m -> m.view().members().stream()
                        .filter(MembershipView.Member::suspected).count())
                .description("Peers this node's failure detector suspects").register(registry);
        Gauge.builder("dynamo.rebalance.active", membership, m -> m.progress().active() ? 1 : 0)
                .description("1 while partitions move").register(registry);
        Gauge.builder("dynamo.rebalance.partitions.done", membership, m -> m.progress().partitionsDone())
                .description("Partitions of the current ring change that have switched owner").register(registry);
        Gauge.builder("dynamo.rebalance.partitions.total", membership, m -> m.progress().partitionsTotal())
                .description("Partitions the current ring change moves").register(registry);
        Gauge.builder("dynamo.rebalance.received.bytes", membership, m -> m.progress().bytes())
                .description("Bytes this node received for the current ring change").register(registry);
        Gauge.builder("dynamo.rebalance.rate.bytes.per.second", membership, m -> m.progress().bytesPerSecond())
                .description("Receive rate of the current ring change").register(registry);
        Gauge.builder("dynamo.rebalance.eta.seconds", membership, m -> m.progress().etaMillis() / 1000.0)
                .description("Estimated time until the target ring runs (0 done, -0.001 unknown)").register(registry);
    }

    /** Every meter in the Prometheus text format ({@link #CONTENT_TYPE}). */
    public String scrape() {
        return registry.scrape();
    }

    @Override
    public void requestEnded(String op, String table, String outcome, long nanos) {
        try {
            String tableTag = ErrorCode.UNKNOWN_TABLE.wire().equals(outcome) ? UNKNOWN_TABLE_TAG : String.valueOf(table);
            RequestMeters m = requestMeters.computeIfAbsent(
                    new RequestKey(String.valueOf(op), tableTag, String.valueOf(outcome)), this::newRequestMeters);
            m.count().increment();
            m.latency().record(Math.max(0, nanos), TimeUnit.NANOSECONDS);
        } catch (RuntimeException e) {
            // an observer must never fail the request it observes; a broken meter only loses a sample
        }
    }

    private RequestMeters newRequestMeters(RequestKey k) {
        Counter count = Counter.builder("dynamo.requests")
                .description("Coordinated get, put and delete requests by outcome (ok or the API error code)")
                .tags("op", k.op(), "table", k.table(), "outcome", k.outcome())
                .register(registry);
        Timer latency = Timer.builder("dynamo.request.latency")
                .description("Latency of coordinated requests, from arrival to answer")
                .tags("op", k.op(), "table", k.table(), "outcome", k.outcome())
                .publishPercentileHistogram()
                // bounds keep the bucket count small: below 50 µs or above 30 s nothing is told apart anyway
                .minimumExpectedValue(Duration.ofNanos(50_000))
                .maximumExpectedValue(Duration.ofSeconds(30))
                .register(registry);
        return new RequestMeters(count, latency);
    }

    @Override
    public void readRepair(String table) {
        try {
            readRepairs.computeIfAbsent(String.valueOf(table), t -> Counter.builder("dynamo.read.repairs")
                    .description("Replicas found stale by a get and sent the merged versions")
                    .tag("table", t)
                    .register(registry)).increment();
        } catch (RuntimeException e) {
            // see requestEnded
        }
    }

    /** Counts one refusal by limit {@code limit} as {@code dynamo_limit_refusals_total{limit}}. */
    @Override
    public void refused(String limit) {
        try {
            refusals.computeIfAbsent(String.valueOf(limit), l -> Counter.builder("dynamo.limit.refusals")
                    .description("Requests, connections, frames or entries a limit refused (docs/limits.md)")
                    .tag("limit", l)
                    .register(registry)).increment();
        } catch (RuntimeException e) {
            // see requestEnded
        }
    }

    /**
     * Counts one HTTP response.
     *
     * @param method the request method as the server knows it ({@code GET}, {@code PUT}, ...;
     *               anything else should be passed as {@code OTHER} to bound the series)
     * @param route  the matched route ({@code key}, {@code tables}, {@code cluster}, {@code health},
     *               {@code metrics}) or {@code none}
     * @param status the HTTP status code sent
     */
    public void httpResponse(String method, String route, int status) {
        try {
            httpResponses.computeIfAbsent(new HttpKey(String.valueOf(method), String.valueOf(route), status),
                    k -> Counter.builder("dynamo.http.responses")
                            .description("HTTP API responses by method, route and status")
                            .tags("method", k.method(), "route", k.route(), "status", Integer.toString(k.status()))
                            .register(registry)).increment();
        } catch (RuntimeException e) {
            // see requestEnded
        }
    }

    /**
     * Counts one HTTP request refused by authentication or authorization as
     * {@code dynamo_http_auth_failures_total{reason}}.
     *
     * @param reason a constant of the code: {@code missing} (no credentials), {@code malformed}
     *               (not HTTP Basic), {@code invalid} (unknown user or wrong password),
     *               {@code forbidden} (the user lacks the role)
     */
    public void authFailure(String reason) {
        try {
            authFailures.computeIfAbsent(String.valueOf(reason), r -> Counter.builder("dynamo.http.auth.failures")
                    .description("HTTP requests refused for missing or wrong credentials, or a missing role")
                    .tag("reason", r)
                    .register(registry)).increment();
        } catch (RuntimeException e) {
            // see requestEnded
        }
    }

    /** Unhooks the JVM listeners and closes the registry. */
    @Override
    public void close() {
        if (gcMetrics != null) {
            gcMetrics.close();
        }
        registry.close();
    }
}
