package dev.dynamo.core.cluster;

import dev.dynamo.api.UnknownTableException;
import dev.dynamo.core.failure.FailureDetector;
import dev.dynamo.core.limits.LimitObserver;
import dev.dynamo.core.spi.Transport;
import dev.dynamo.core.table.Table;
import dev.dynamo.core.time.Scheduler;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * What a node's background services (hinted handoff, anti-entropy, tombstone purge,
 * rebalancing, membership) see of the node: its id, open tables, current view of the
 * cluster, the transport to its peers, its scheduler and failure detector, how long a request
 * to a peer may take, and where refusals by a limit are counted. One object instead of the
 * same arguments to every service.
 *
 * <pre>{@code
 * NodeContext context = new NodeContext("n1", tables, node::cluster, transport, scheduler, detector, 1_000,
 *         metrics);
 * AntiEntropy ae = new AntiEntropy(context, 60_000, 10_000);
 * }</pre>
 *
 * @param tables               the open tables by name, fixed for the node's life
 * @param cluster              the current ring and addresses; membership replaces what it supplies
 * @param requestTimeoutMillis the deadline of one request to a peer
 * @param limits               told of every refusal by a limit on what peers send (the node's observer)
 */
public record NodeContext(String self, Map<String, Table> tables, Supplier<ClusterState> cluster,
                          Transport transport, Scheduler scheduler, FailureDetector detector,
                          long requestTimeoutMillis, LimitObserver limits) {
    public NodeContext {
        Objects.requireNonNull(self, "self");
        tables = Map.copyOf(tables);
        Objects.requireNonNull(cluster, "cluster");
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(scheduler, "scheduler");
        Objects.requireNonNull(detector, "detector");
        if (requestTimeoutMillis < 1) {
            throw new IllegalArgumentException("requestTimeoutMillis must be >= 1, got " + requestTimeoutMillis);
        }
        Objects.requireNonNull(limits, "limits");
    }

    /** A context whose refusals are not counted (tests, tools). */
    public NodeContext(String self, Map<String, Table> tables, Supplier<ClusterState> cluster, Transport transport,
                       Scheduler scheduler, FailureDetector detector, long requestTimeoutMillis) {
        this(self, tables, cluster, transport, scheduler, detector, requestTimeoutMillis, LimitObserver.NONE);
    }

    /** The open table, or {@link UnknownTableException}. */
    public Table table(String name) {
        Table t = tables.get(name);
        if (t == null) {
            throw new UnknownTableException(name);
        }
        return t;
    }
}
