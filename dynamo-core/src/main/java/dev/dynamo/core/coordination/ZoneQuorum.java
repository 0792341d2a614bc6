package dev.dynamo.core.coordination;

import dev.dynamo.api.InsufficientReplicasException;
import dev.dynamo.core.table.QuorumScope;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The arithmetic of one quorum round counted over a {@link QuorumScope}: the request's
 * slots (one per preference node, named by that node's zone), {@code required} successes
 * needed in each counted zone. Free of threads and time; callers synchronize on it.
 *
 * <p>A success counts for the zone of the node that answered, which is where the copy now
 * is: a sloppy-quorum substitute from another zone does not make a zone's quorum. A failure
 * takes a slot from its own zone. With {@link QuorumScope#ALL} every zone is one group and
 * this is exactly a {@link QuorumTracker}.
 *
 * <pre>{@code
 * ZoneQuorum q = ZoneQuorum.of(QuorumScope.LOCAL, 2, "dc1", List.of("dc1", "dc2", "dc1"));
 * q.shortfall();               // null: dc1 has two slots for w=2
 * q.success("dc2");            // PENDING: dc2 does not count for a local quorum of dc1
 * q.success("dc1");
 * q.success("dc1");            // SUCCEEDED
 * }</pre>
 */
final class ZoneQuorum {
    /** The one group of {@link QuorumScope#ALL}. */
    private static final String EVERYWHERE = "";

    private final QuorumScope scope;
    private final int required;
    private final Set<String> counted;
    private final Map<String, Integer> pending = new TreeMap<>();
    private final Map<String, Integer> successes = new TreeMap<>();
    private final int total;
    private int answered;
    private int allSuccesses;
    private QuorumTracker.Decision decision = QuorumTracker.Decision.PENDING;

    private ZoneQuorum(QuorumScope scope, int required, String coordinatorZone, List<String> slotZones) {
        if (required < 1) {
            throw new IllegalArgumentException("required must be >= 1, was " + required);
        }
        this.scope = scope;
        this.required = required;
        this.total = slotZones.size();
        for (String zone : slotZones) {
            pending.merge(group(zone), 1, Integer::sum);
        }
        this.counted = switch (scope) {
            case ALL -> Set.of(EVERYWHERE);
            case LOCAL -> Set.of(coordinatorZone);
            case EACH -> new TreeSet<>(pending.keySet());
        };
    }

    /**
     * @param coordinatorZone the zone of the coordinating node (counted by {@link QuorumScope#LOCAL})
     * @param slotZones       the zone of each slot's preference node
     */
    static ZoneQuorum of(QuorumScope scope, int required, String coordinatorZone, List<String> slotZones) {
        return new ZoneQuorum(scope, required, coordinatorZone, slotZones);
    }

    private String group(String zone) {
        return scope == QuorumScope.ALL ? EVERYWHERE : zone;
    }

    /** Why the round cannot succeed even if every slot answers (a counted zone with too few slots), or null. */
    String shortfall() {
        for (String zone : counted) {
            int slots = pending.getOrDefault(zone, 0);
            if (slots < required) {
                return scope == QuorumScope.ALL ? "the key has " + slots + " replica(s)"
                        : "the key has " + slots + " replica(s) in zone " + zone;
            }
        }
        return null;
    }

    /** The node of a slot of {@code slotZone} stored or read it, and is in {@code answerZone}. */
    QuorumTracker.Decision success(String slotZone, String answerZone) {
        pending.merge(group(slotZone), -1, Integer::sum);
        successes.merge(group(answerZone), 1, Integer::sum);
        allSuccesses++;
        answered++;
        return decide();
    }

    /** A slot of {@code slotZone} failed (its substitutes too). */
    QuorumTracker.Decision failure(String slotZone) {
        pending.merge(group(slotZone), -1, Integer::sum);
        answered++;
        return decide();
    }

    private QuorumTracker.Decision decide() {
        if (decision != QuorumTracker.Decision.PENDING) {
            return decision;
        }
        boolean all = true;
        for (String zone : counted) {
            int got = successes.getOrDefault(zone, 0);
            if (got < required) {
                all = false;
                if (got + pending.getOrDefault(zone, 0) < required) {
                    decision = QuorumTracker.Decision.FAILED;
                    return decision;
                }
            }
        }
        if (all) {
            decision = QuorumTracker.Decision.SUCCEEDED;
        }
        return decision;
    }

    QuorumTracker.Decision decision() {
        return decision;
    }

    /** Successes in every zone. */
    int successes() {
        return allSuccesses;
    }

    boolean allAnswered() {
        return answered == total;
    }

    /**
     * The error of a failed round of {@code operation}: the standard one for
     * {@link QuorumScope#ALL}, else one naming the scope and the zone that fell short.
     */
    InsufficientReplicasException error(String operation) {
        if (scope == QuorumScope.ALL) {
            return InsufficientReplicasException.of(operation, required, allSuccesses);
        }
        String zone = null;
        for (String z : counted) {
            int got = successes.getOrDefault(z, 0);
            if (got < required && (zone == null || got < successes.getOrDefault(zone, 0))) {
                zone = z;
            }
        }
        zone = zone == null ? counted.iterator().next() : zone;
        int got = successes.getOrDefault(zone, 0);
        return refused(operation, required, got, "got " + got + (scope == QuorumScope.EACH ? " in zone " + zone : ""));
    }

    /** The error of a round refused before it started ({@link #shortfall()} not null). */
    InsufficientReplicasException refusal(String operation) {
        if (scope == QuorumScope.ALL) {
            return InsufficientReplicasException.of(operation, required, 0);
        }
        return refused(operation, required, 0, shortfall());
    }

    private InsufficientReplicasException refused(String operation, int needed, int got, String what) {
        String knob = "get".equals(operation) ? "r" : "w";
        String where = switch (scope) {
            case ALL -> "";
            case LOCAL -> " in zone " + counted.iterator().next();
            case EACH -> " in each zone";
        };
        return new InsufficientReplicasException(operation + " with quorum=" + scope.text() + " needed " + needed
                + " replica acknowledgements" + where + " but " + what + "; retry, or lower " + knob
                + " or the table's quorum scope", needed, got);
    }
}
