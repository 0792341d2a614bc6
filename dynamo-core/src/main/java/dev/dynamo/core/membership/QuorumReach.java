package dev.dynamo.core.membership;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Whether a node can currently serve a table at all: a get needs R nodes and a put W, and with
 * sloppy quorum any reachable node of the cluster may stand in for a replica, so what matters is
 * how many nodes this one can reach (itself included). A node that never heard from its
 * configured peers, or suspects them all, says so here instead of answering every write with
 * {@code insufficient_replicas} in silence. Pure: no clock, no I/O.
 *
 * <pre>{@code
 * QuorumReach reach = QuorumReach.of(List.of("n1", "n2", "n3"), "n1", Set.of("n1"), Set.of());
 * reach.shortfall("default", 2, 2);   // "table 'default' needs 2 nodes (r=2, w=2), 1 of 3 reachable: n2, n3 never heard from"
 * }</pre>
 *
 * @param members    every node of the cluster as this node knows it (ring owners and gossiped members)
 * @param neverSeen  members this node has never heard from
 * @param suspected  members it heard from but now suspects
 */
public record QuorumReach(List<String> members, Set<String> neverSeen, Set<String> suspected) {
    public QuorumReach {
        members = List.copyOf(members);
        neverSeen = Set.copyOf(neverSeen);
        suspected = Set.copyOf(suspected);
    }

    /**
     * @param self  this node, always reachable
     * @param heard the members gossip has brought news of
     */
    public static QuorumReach of(List<String> members, String self, Set<String> heard, Set<String> suspected) {
        Objects.requireNonNull(self, "self");
        List<String> never = new ArrayList<>();
        List<String> down = new ArrayList<>();
        for (String m : members) {
            if (m.equals(self)) {
                continue;
            }
            if (!heard.contains(m)) {
                never.add(m);
            } else if (suspected.contains(m)) {
                down.add(m);
            }
        }
        return new QuorumReach(members, Set.copyOf(never), Set.copyOf(down));
    }

    /** Nodes this one can reach now, itself included. */
    public int reachable() {
        return members.size() - neverSeen.size() - suspected.size();
    }

    /** Why table {@code table} cannot reach {@code max(r, w)} nodes, or null when it can. */
    public String shortfall(String table, int r, int w) {
        int needed = Math.max(r, w);
        if (reachable() >= needed) {
            return null;
        }
        StringBuilder why = new StringBuilder("table '").append(table).append("' needs ").append(needed)
                .append(" nodes (r=").append(r).append(", w=").append(w).append("), ").append(reachable())
                .append(" of ").append(members.size()).append(" reachable");
        List<String> never = members.stream().filter(neverSeen::contains).toList();
        List<String> down = members.stream().filter(suspected::contains).toList();
        if (!never.isEmpty()) {
            why.append(": ").append(String.join(", ", never)).append(" never heard from");
        }
        if (!down.isEmpty()) {
            why.append(never.isEmpty() ? ": " : "; ").append(String.join(", ", down)).append(" suspected");
        }
        return why.toString();
    }
}
