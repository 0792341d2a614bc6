package dev.dynamo.testing;

/** What drives a {@link TestCluster}'s timers. */
public enum TimeKind {
    /**
     * One {@link dev.dynamo.core.time.VirtualScheduler}: everything runs on the test thread when
     * the test waits, time jumps to the next timer, and a run is a function of the seed.
     */
    VIRTUAL,
    /** A {@link dev.dynamo.core.time.SystemScheduler} on the system clock and real threads. */
    REAL
}
