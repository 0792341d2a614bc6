/**
 * The ring: Q fixed, equal partitions of the 64-bit position space, each owned by one
 * node (the paper's placement strategy 3), and the planner that assigns and rebalances
 * them in proportion to node capacity while moving the fewest partitions.
 *
 * <pre>{@code
 * RingPlanner planner = new RingPlanner();
 * Ring ring = planner.initial(1024, List.of(new NodeInfo("a", "10.0.0.1:7000", 1.0),
 *                                           new NodeInfo("b", "10.0.0.2:7000", 2.0)));
 * int partition = ring.partitionOf(key, Plugins.partitioner("md5"));
 * List<String> replicas = ring.preferenceList(partition, 3);
 * }</pre>
 *
 * <p>Everything here is pure and immutable: no I/O, no clocks, no randomness.
 */
package dev.dynamo.core.ring;
