/**
 * Time as everything in core sees it: an injected {@link dev.dynamo.core.time.Clock} and
 * {@link dev.dynamo.core.time.Scheduler}. {@link dev.dynamo.core.time.SystemScheduler} runs on real
 * threads; {@link dev.dynamo.core.time.VirtualScheduler} runs a whole cluster on virtual time in
 * one thread, so that a seed replays a run exactly.
 */
package dev.dynamo.core.time;
