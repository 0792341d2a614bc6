package dev.dynamo.core.coordination;

import dev.dynamo.core.cluster.ClusterState;
import dev.dynamo.core.failure.FailureDetector;
import dev.dynamo.core.protocol.Replies;
import dev.dynamo.core.ring.NodeInfo;
import dev.dynamo.core.spi.TransportException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * The "choose replicas" step of a request: which nodes a get or put goes to, given the key's
 * preference list and what the failure detector suspects, and what each attempt's outcome
 * teaches the detector. Shared by the read and write coordinators of one node.
 *
 * <pre>{@code
 * ReplicaSelector replicas = new ReplicaSelector("n1", detector);
 * List<String> pref = ring.preferenceList(partition, n);
 * // suspected preference nodes are replaced by the next usable nodes beyond the list
 * }</pre>
 */
public final class ReplicaSelector {
    private final String self;
    private final String zone;
    private final FailureDetector detector;

    /** A selector of a node in the {@linkplain NodeInfo#DEFAULT_ZONE default zone}. */
    public ReplicaSelector(String self, FailureDetector detector) {
        this(self, NodeInfo.DEFAULT_ZONE, detector);
    }

    /** @param zone this node's configured zone (the ring's word wins once it lists the node) */
    public ReplicaSelector(String self, String zone, FailureDetector detector) {
        this.self = Objects.requireNonNull(self, "self");
        this.zone = Objects.requireNonNull(zone, "zone");
        this.detector = Objects.requireNonNull(detector, "detector");
    }

    /** This node's zone under the ring of {@code state}. */
    String zone(ClusterState state) {
        return state.ring().zoneOf(self).orElse(zone);
    }

    /** The zone of {@code node} under the ring of {@code state}; the default zone for a node it does not list. */
    static String zoneOf(ClusterState state, String node) {
        return state.ring().zoneOf(node).orElse(NodeInfo.DEFAULT_ZONE);
    }

    /**
     * The preference list in the order a forwarded write tries it when the coordinator should
     * be in this node's zone: unsuspected nodes of this zone, other unsuspected nodes, then the
     * suspected ones (this zone's first); the list's order otherwise.
     */
    List<String> availableSameZoneFirst(ClusterState state, List<String> pref) {
        String here = zone(state);
        List<String> order = new ArrayList<>(pref);
        order.sort(Comparator.comparing(
                n -> (detector.isAvailable(n) ? 0 : 2) + (zoneOf(state, n).equals(here) ? 0 : 1)));
        return order;
    }

    boolean isSelf(String node) {
        return node.equals(self);
    }

    boolean isAmong(List<String> nodes) {
        return nodes.contains(self);
    }

    /** This node, or a peer the detector does not suspect. */
    boolean isUsable(String node) {
        return isSelf(node) || detector.isAvailable(node);
    }

    Substitutes substitutes(ClusterState state, int partition, List<String> pref) {
        return substitutes(state, partition, pref, true);
    }

    /** @param includeSelf false: this node is never offered as a substitute */
    Substitutes substitutes(ClusterState state, int partition, List<String> pref, boolean includeSelf) {
        return new Substitutes(this, state, partition, pref, includeSelf ? null : self);
    }

    /**
     * The N replicas of a request: preference nodes, with suspected ones replaced by
     * substitutes (of the suspected node's zone when one is usable).
     */
    List<Target> targets(List<String> pref, Substitutes substitutes) {
        List<Target> out = new ArrayList<>(pref.size());
        for (String node : pref) {
            if (isUsable(node)) {
                out.add(Target.replica(node));
            } else {
                String sub = substitutes.next(node);
                out.add(sub == null ? Target.replica(node) : new Target(sub, node));
            }
        }
        return out;
    }

    /** The preference list with unsuspected nodes first, the order a forwarded write tries them in. */
    List<String> availableFirst(List<String> pref) {
        List<String> order = new ArrayList<>(pref);
        order.sort(Comparator.comparing(n -> detector.isAvailable(n) ? 0 : 1));
        return order;
    }

    /** Tells the detector how an attempt at {@code node} went; only transport failures count against it. */
    void outcome(String node, Throwable error) {
        if (isSelf(node)) {
            return;
        }
        if (error == null) {
            detector.success(node);
        } else if (isTransportFailure(error)) {
            detector.failure(node);
        }
    }

    /** The node could not be reached or did not answer in time (as opposed to answering with an error). */
    static boolean isTransportFailure(Throwable error) {
        return Replies.unwrap(error) instanceof TransportException;
    }

    /**
     * A replica attempt gets a third of the request's deadline, so that a timed-out replica
     * still leaves time to try a sloppy-quorum substitute before the deadline.
     */
    static long attemptTimeout(long timeoutMillis) {
        return Math.max(1, timeoutMillis / 3);
    }
}
