package dev.dynamo.core.failure;

/**
 * A node's local opinion of which peers are reachable, fed by request outcomes (and, with
 * gossip, heartbeats). Coordinators skip peers it suspects and let a probe through now
 * and then, so a recovered peer is noticed without a separate ping.
 *
 * <pre>{@code
 * if (detector.isAvailable("n2")) send(...).whenComplete((r, e) -> {
 *     if (e == null) detector.success("n2"); else detector.failure("n2");
 * });
 * }</pre>
 */
public interface FailureDetector {

    /** True when requests should be sent to {@code node} now (healthy, or due for a probe). */
    boolean isAvailable(String node);

    /** {@code node} answered a request. */
    void success(String node);

    /** A request to {@code node} failed at the transport level (unreachable, timed out). */
    void failure(String node);

    /** Nodes currently suspected. */
    java.util.Set<String> suspected();

    /** Trusts every node: no skipping. */
    FailureDetector NONE = new FailureDetector() {
        @Override
        public boolean isAvailable(String node) {
            return true;
        }

        @Override
        public void success(String node) {
        }

        @Override
        public void failure(String node) {
        }

        @Override
        public java.util.Set<String> suspected() {
            return java.util.Set.of();
        }
    };
}
