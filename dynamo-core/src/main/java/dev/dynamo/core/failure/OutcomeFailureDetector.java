package dev.dynamo.core.failure;

import dev.dynamo.core.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Suspects a peer after {@code failuresToSuspect} consecutive failed requests, as the paper's
 * local failure detection does; a suspected peer is skipped, except that one probe request
 * is let through every {@code probeIntervalMillis}; one success clears the suspicion.
 * Pure logic on an injected clock; thread-safe.
 *
 * <pre>{@code
 * FailureDetector d = new OutcomeFailureDetector(clock, 1, 1_000);
 * d.failure("n2");
 * d.isAvailable("n2");   // false until a second has passed, then true once (a probe)
 * }</pre>
 */
public final class OutcomeFailureDetector implements FailureDetector {

    private static final class State {
        int consecutiveFailures;
        boolean suspected;
        long nextProbeAt;
    }

    private final Clock clock;
    private final int failuresToSuspect;
    private final long probeIntervalMillis;
    private final Map<String, State> states = new HashMap<>();

    public OutcomeFailureDetector(Clock clock, int failuresToSuspect, long probeIntervalMillis) {
        if (failuresToSuspect < 1) {
            throw new IllegalArgumentException("failures to suspect must be >= 1, was " + failuresToSuspect);
        }
        if (probeIntervalMillis < 1) {
            throw new IllegalArgumentException("probe interval must be >= 1 ms, was " + probeIntervalMillis);
        }
        this.clock = clock;
        this.failuresToSuspect = failuresToSuspect;
        this.probeIntervalMillis = probeIntervalMillis;
    }

    @Override
    public synchronized boolean isAvailable(String node) {
        State s = states.get(node);
        if (s == null || !s.suspected) {
            return true;
        }
        long now = clock.millis();
        if (now >= s.nextProbeAt) {
            s.nextProbeAt = now + probeIntervalMillis;
            return true;
        }
        return false;
    }

    @Override
    public synchronized void success(String node) {
        State s = states.get(node);
        if (s != null) {
            s.consecutiveFailures = 0;
            s.suspected = false;
        }
    }

    @Override
    public synchronized void failure(String node) {
        State s = states.computeIfAbsent(node, n -> new State());
        s.consecutiveFailures++;
        if (!s.suspected && s.consecutiveFailures >= failuresToSuspect) {
            s.suspected = true;
            s.nextProbeAt = clock.millis() + probeIntervalMillis;
        }
    }

    @Override
    public synchronized Set<String> suspected() {
        Set<String> out = new TreeSet<>();
        states.forEach((n, s) -> {
            if (s.suspected) {
                out.add(n);
            }
        });
        return out;
    }
}
