package dev.dynamo.testing;

import dev.dynamo.core.time.Scheduler;
import dev.dynamo.core.time.VirtualScheduler;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;

/**
 * The clock of a {@link TestCluster} and how a test waits on it, so that a scenario reads
 * the same on virtual and on real time. Every wait is bounded and fails the test with what
 * it waited for.
 */
interface ClusterTime extends AutoCloseable {

    /** The scheduler every node runs on. */
    Scheduler scheduler();

    /** Lets {@code millis} of time pass (virtual: runs what is due; real: sleeps). */
    void runFor(long millis);

    /** Lets time pass until {@code done} holds; fails naming {@code what} after {@code maxMillis}. */
    void runUntil(BooleanSupplier done, long maxMillis, String what);

    /** Lets time pass until {@code future} is done, within a bound generous for any single request. */
    void runUntilDone(CompletableFuture<?> future);

    @Override
    void close();

    static ClusterTime of(ClusterSpec spec) {
        return switch (spec.time()) {
            case VIRTUAL -> new VirtualTime(spec.virtualScheduler()
                    .orElseGet(() -> new VirtualScheduler(VirtualTime.START_MILLIS)));
            case REAL -> new RealTime();
        };
    }
}
