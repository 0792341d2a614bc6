package dev.dynamo.testing;

import dev.dynamo.core.coordination.RequestObserver;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A node's request observer that counts refusals per limit, as the server's
 * {@code dynamo_limit_refusals_total{limit}} does.
 *
 * <pre>{@code
 * CountingLimits limits = new CountingLimits();
 * TestCluster.builder().observers(id -> limits)...;
 * assertTrue(limits.count("membership.max-members") > 0);
 * }</pre>
 */
public final class CountingLimits implements RequestObserver {
    private final Map<String, AtomicLong> refused = new ConcurrentHashMap<>();

    @Override
    public void requestEnded(String op, String table, String outcome, long nanos) {
        // only refusals are counted here
    }

    @Override
    public void refused(String limit) {
        refused.computeIfAbsent(limit, l -> new AtomicLong()).incrementAndGet();
    }

    /** Refusals counted against {@code limit} so far. */
    public long count(String limit) {
        AtomicLong n = refused.get(limit);
        return n == null ? 0 : n.get();
    }
}
