package dev.dynamo.sim.fuzz;

import java.lang.management.ManagementFactory;

/**
 * How many inputs each fuzzer tries: {@code -Dfuzz.inputs=N} per fuzzer (CI default below),
 * {@code -Dfuzz.seed=S} to start elsewhere. Also measures what one thread allocates, so a
 * fuzzer can check that no input makes a decoder allocate far beyond its own size.
 */
final class FuzzBudget {
    /** Per fuzzer in CI: the three fuzzers together try about 40,000 inputs. */
    static final int DEFAULT_INPUTS = 15_000;

    private FuzzBudget() {
    }

    static int inputs(int ciDefault) {
        return Integer.getInteger("fuzz.inputs", ciDefault);
    }

    static long seed() {
        return Long.getLong("fuzz.seed", 20261129L);
    }

    /** Bytes allocated by the current thread so far, or -1 when the JVM cannot tell. */
    static long allocatedBytes() {
        if (ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean t
                && t.isThreadAllocatedMemorySupported() && t.isThreadAllocatedMemoryEnabled()) {
            return t.getThreadAllocatedBytes(Thread.currentThread().getId());
        }
        return -1;
    }
}
