/**
 * The request path (paper §4.5-§4.6; docs/architecture.md, "The request path"). A client request
 * enters at {@link dev.dynamo.core.coordination.ClientService}, which checks it and hands it to
 * the {@link dev.dynamo.core.coordination.ReadCoordinator} or the
 * {@link dev.dynamo.core.coordination.WriteCoordinator}. Each coordination is a pipeline of small
 * steps: choose the replicas ({@link dev.dynamo.core.coordination.ReplicaSelector}, with
 * sloppy-quorum substitutes), send, count answers ({@link dev.dynamo.core.coordination.QuorumTracker}),
 * resolve ({@link dev.dynamo.core.coordination.ReadResolution}) and repair. The other side of a
 * replica request is the {@link dev.dynamo.core.coordination.ReplicaService}; the local replica,
 * used by both, is {@link dev.dynamo.core.coordination.LocalReplica}.
 *
 * <pre>{@code
 * ReplicaSelector replicas = new ReplicaSelector("n1", detector);
 * ReadCoordinator reads = new ReadCoordinator(replicas, new LocalReplica("n1", hints), transport, scheduler, observer);
 * GetResult r = reads.get(cluster, table, key, 2, 1_000).join();
 * }</pre>
 *
 * <p>Nothing here blocks: every step completes futures from transport callbacks or the scheduler.
 */
package dev.dynamo.core.coordination;
