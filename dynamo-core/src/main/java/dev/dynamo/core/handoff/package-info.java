/**
 * Hinted handoff (paper §4.6): a sloppy-quorum substitute keeps a write for an unreachable
 * replica in the {@link dev.dynamo.core.handoff.HintStore} (a system table), and
 * {@link dev.dynamo.core.handoff.HintedHandoff} hands each hint to its owner once the failure
 * detector says the owner is back, deleting it only after the owner acknowledged it.
 */
package dev.dynamo.core.handoff;
