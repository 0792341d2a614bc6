package dev.dynamo.core.time;

/** A scheduled task that can be called off. */
@FunctionalInterface
public interface Cancellable {
    /** Cancels the task if it has not run; idempotent. */
    void cancel();
}
