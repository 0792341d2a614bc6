/**
 * Membership and data movement (paper §4.8-§4.9): gossip of each member's state and of the ring,
 * the phi accrual failure detector fed by gossip, joins, leaves and removals as ring transitions,
 * and the rebalancer that streams partitions to their new owners before the ring switches.
 * {@link dev.dynamo.core.membership.Membership} wires these to a
 * {@link dev.dynamo.core.node.DynamoNode}: it serves the gossip and transfer messages, tells the
 * node's write path about pending replicas and replaces its cluster state when the ring changes.
 *
 * <p>Planning ({@link dev.dynamo.core.membership.RingSteps}, {@link dev.dynamo.core.membership.GossipState})
 * is pure; the rest runs on the node's scheduler.
 */
package dev.dynamo.core.membership;
