package dev.dynamo.core.membership;

import java.util.List;

/**
 * What one node knows of the cluster, for {@code /cluster}, {@code bin/dynamo status} and
 * {@code /metrics}.
 *
 * <pre>{@code
 * MembershipView v = membership.view();
 * v.members().forEach(m -> System.out.println(m.id() + " " + m.status() + (m.suspected() ? " (down)" : "")
 *         + " owns " + m.partitions()));
 * }</pre>
 *
 * @param self        this node's id
 * @param ringVersion version of the ring this node routes with
 * @param q           number of partitions
 * @param members     every node this node knows of, by id: gossiped members, then ring owners never heard from
 * @param progress    the ring change in progress, or the last one
 */
public record MembershipView(String self, long ringVersion, int q, List<Member> members, RebalanceProgress progress) {

    public MembershipView {
        members = List.copyOf(members);
    }

    /**
     * One node as this node sees it.
     *
     * @param status      its gossiped status
     * @param suspected   this node's failure detector suspects it (never for itself)
     * @param phi         its current phi (0 for itself or before any heartbeat)
     * @param partitions  partitions it owns in the ring this node routes with
     * @param ringVersion the ring version it routes with, as gossip last told
     * @param heartbeat   its heartbeat counter, as gossip last told
     * @param seen        gossip has brought news of it; false for a node of the ring this node has
     *                    never heard from (then it is also suspected, and its gossiped fields are 0)
     * @param zone        its zone: as the ring says for a ring node, else as it gossiped
     */
    public record Member(String id, String binaryAddress, String httpAddress, double capacity, NodeStatus status,
                         boolean suspected, double phi, int partitions, long ringVersion, long generation,
                         long heartbeat, boolean seen, String zone) {
    }
}
