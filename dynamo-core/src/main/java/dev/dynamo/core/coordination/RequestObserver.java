package dev.dynamo.core.coordination;

import dev.dynamo.core.limits.LimitObserver;

/**
 * Sees every coordinated request as it ends, and every refusal by a limit of the request
 * path; the server binds it to its metrics registry. Called on request threads: must be
 * cheap and must not throw.
 *
 * <pre>{@code
 * RequestObserver o = (op, table, outcome, nanos) -> timer(op, outcome).record(nanos);
 * }</pre>
 */
@FunctionalInterface
public interface RequestObserver extends LimitObserver {
    RequestObserver NONE = (op, table, outcome, nanos) -> { };

    /**
     * @param op      get, put or delete
     * @param outcome ok, or the error code (docs/http-api.md)
     */
    void requestEnded(String op, String table, String outcome, long nanos);

    /** A replica was found stale and sent the merged versions. */
    default void readRepair(String table) {
    }

    @Override
    default void refused(String limit) {
    }
}
