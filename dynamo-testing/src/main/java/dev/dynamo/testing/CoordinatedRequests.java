package dev.dynamo.testing;

import dev.dynamo.core.coordination.RequestObserver;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/**
 * Counts the client requests (get, put, delete) each node coordinates, to see where a
 * client sent them. Give it to {@link TestCluster.Builder#observers}.
 *
 * <pre>{@code
 * CoordinatedRequests coordinated = new CoordinatedRequests();
 * TestCluster c = TestCluster.builder().observers(coordinated)...build();
 * Map<String, Long> before = coordinated.byNode();
 * }</pre>
 */
public final class CoordinatedRequests implements Function<String, RequestObserver> {
    private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();

    /** The observer of node {@code id}, counting from zero. */
    @Override
    public RequestObserver apply(String id) {
        LongAdder count = counts.computeIfAbsent(id, unused -> new LongAdder());
        return (op, table, outcome, nanos) -> count.increment();
    }

    /** Requests each node coordinated so far, by node id. */
    public Map<String, Long> byNode() {
        Map<String, Long> out = new TreeMap<>();
        counts.forEach((id, n) -> out.put(id, n.sum()));
        return out;
    }

    /** Requests node {@code id} coordinated so far. */
    public long of(String id) {
        LongAdder n = counts.get(id);
        return n == null ? 0 : n.sum();
    }
}
