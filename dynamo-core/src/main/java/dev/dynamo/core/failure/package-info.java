/**
 * Failure detection as the request path consults it: {@link dev.dynamo.core.failure.FailureDetector}
 * is a node's local opinion of which peers are reachable; without membership,
 * {@link dev.dynamo.core.failure.OutcomeFailureDetector} learns it from request outcomes alone
 * (the paper's §4.8.3). With membership, the phi accrual detector of
 * {@code dev.dynamo.core.membership} also hears gossip heartbeats.
 */
package dev.dynamo.core.failure;
