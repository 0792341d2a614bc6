/**
 * The {@code local} transport: an in-memory {@link dev.dynamo.core.transport.local.LocalNetwork}
 * shared by the nodes of one in-JVM cluster, with seeded, deterministic fault injection
 * (drop, delay, duplication, partition, crash, pause), so that a simulated cluster replays
 * exactly from its seed under a {@link dev.dynamo.core.time.VirtualScheduler}.
 */
package dev.dynamo.core.transport.local;
