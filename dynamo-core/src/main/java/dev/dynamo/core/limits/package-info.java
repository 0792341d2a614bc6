/**
 * What the store's limits share: {@link dev.dynamo.core.limits.LimitObserver}, which counts
 * refusals per limit, and {@link dev.dynamo.core.limits.LogLimiter}, which keeps hostile input
 * from writing the log at a rate an attacker chooses. The limits themselves live where they are
 * enforced; docs/limits.md lists them all.
 */
package dev.dynamo.core.limits;
