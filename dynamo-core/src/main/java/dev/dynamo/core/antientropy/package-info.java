/**
 * Background repair between replicas (paper §4.7): Merkle-tree anti-entropy, which compares
 * each (table, partition) with the other replicas and exchanges the keys that differ, and the
 * tombstone purger, which removes a delete marker only once every replica holds it and the
 * grace period has passed, so that a deleted value cannot come back.
 *
 * <p>Both run on the node's scheduler and talk to peers through its transport, as given by a
 * {@link dev.dynamo.core.cluster.NodeContext}; a node also serves their requests
 * ({@code MerkleRequest}, {@code DigestRequest}, {@code Purge}).
 */
package dev.dynamo.core.antientropy;
