package dev.dynamo.core.membership;

import dev.dynamo.core.failure.FailureDetector;
import dev.dynamo.core.limits.LimitObserver;
import dev.dynamo.core.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The failure detector of a node with membership: phi accrual (Hayashibara et al., as in
 * Cassandra and Akka) over heartbeat arrivals learnt from gossip, combined with the
 * outcomes of the node's own requests. Pure arithmetic on an injected clock; thread-safe.
 *
 * <p><b>Heartbeats.</b> Each time gossip brings a newer heartbeat of a peer (directly or
 * through another node), {@link #heartbeat} records the arrival. The inter-arrival times
 * of the last {@code maxSamples} arrivals give a mean and a standard deviation; with
 * {@code t} the time since the peer was last heard of,
 * {@code phi(t) = -log10(P(an arrival comes later than t))} under a normal distribution
 * of mean {@code mean + acceptablePause} and deviation {@code max(std, minStdDev)}. The
 * peer is suspected while {@code phi >= threshold}: phi 8 means a one in 10^8 chance
 * that a live peer is that late. The acceptable pause absorbs garbage-collection pauses
 * and slow gossip paths, so a live peer that pauses for less is not suspected.
 *
 * <p><b>Request outcomes.</b> {@code failuresToSuspect} consecutive failed requests also
 * make a peer suspected (the paper's local detection, which reacts before the next
 * heartbeat is missed). A successful request clears that and counts as a sign of life
 * for phi, but does not enter the inter-arrival history (request traffic would make
 * heartbeats look more frequent than they are).
 *
 * <p><b>Probes.</b> A suspected peer is skipped by coordinators, except that
 * {@link #isAvailable} lets one request through every {@code probeIntervalMillis}; its
 * success clears the suspicion. Gossip tries suspected peers now and then too.
 *
 * <pre>{@code
 * PhiAccrualFailureDetector d = new PhiAccrualFailureDetector(clock, 8.0, 500, 3_000, 200, 1_000, 1, 1_000);
 * d.heartbeat("n2");            // gossip brought a newer heartbeat of n2
 * double phi = d.phi("n2");     // grows while n2 stays silent
 * d.isAvailable("n2");          // false once phi >= 8, except for a probe now and then
 * }</pre>
 */
public final class PhiAccrualFailureDetector implements FailureDetector {

    /** Inter-arrival history of one peer, a ring buffer with running sums. */
    private static final class Peer {
        final long[] intervals;
        int count;
        int next;
        double sum;
        double sumOfSquares;
        long lastHeartbeat = -1;
        long lastAlive = -1;
        int consecutiveFailures;
        boolean failed;
        long nextProbeAt = Long.MIN_VALUE;
        boolean probing;

        Peer(int maxSamples) {
            intervals = new long[maxSamples];
        }

        void add(long interval) {
            if (count == intervals.length) {
                long old = intervals[next];
                sum -= old;
                sumOfSquares -= (double) old * old;
            } else {
                count++;
            }
            intervals[next] = interval;
            next = (next + 1) % intervals.length;
            sum += interval;
            sumOfSquares += (double) interval * interval;
        }

        double mean() {
            return sum / count;
        }

        double std() {
            double m = mean();
            return Math.sqrt(Math.max(0, sumOfSquares / count - m * m));
        }
    }

    private final Clock clock;
    private final double threshold;
    private final long minStdDevMillis;
    private final long acceptablePauseMillis;
    private final int maxSamples;
    private final long expectedIntervalMillis;
    private final int failuresToSuspect;
    private final long probeIntervalMillis;
    private final int maxPeers;
    private final LimitObserver limits;
    private final Map<String, Peer> peers = new HashMap<>();

    /**
     * @param threshold              phi at and above which a peer is suspected, > 0 (8 is usual)
     * @param minStdDevMillis        floor of the standard deviation, >= 1 (very regular heartbeats
     *                               would otherwise make any jitter look like a failure)
     * @param acceptablePauseMillis  silence tolerated on top of the mean interval, >= 0
     * @param maxSamples             inter-arrival times remembered per peer, >= 2
     * @param expectedIntervalMillis heartbeat interval assumed before any arrival was measured
     *                               (the gossip interval), >= 1
     * @param failuresToSuspect      consecutive failed requests that make a peer suspected, >= 1
     * @param probeIntervalMillis    how often a suspected peer gets one request, >= 1
     */
    public PhiAccrualFailureDetector(Clock clock, double threshold, long minStdDevMillis, long acceptablePauseMillis,
                                     int maxSamples, long expectedIntervalMillis, int failuresToSuspect,
                                     long probeIntervalMillis) {
        this(clock, threshold, minStdDevMillis, acceptablePauseMillis, maxSamples, expectedIntervalMillis,
                failuresToSuspect, probeIntervalMillis, Integer.MAX_VALUE, LimitObserver.NONE);
    }

    /**
     * @param maxPeers most peers tracked at once, >= 1: a peer beyond them is not tracked (it
     *                 counts as available, as a peer never heard of does) and the refusal is
     *                 told to {@code limits} as {@value MembershipConfig#MAX_MEMBERS}
     */
    public PhiAccrualFailureDetector(Clock clock, double threshold, long minStdDevMillis, long acceptablePauseMillis,
                                     int maxSamples, long expectedIntervalMillis, int failuresToSuspect,
                                     long probeIntervalMillis, int maxPeers, LimitObserver limits) {
        if (maxPeers < 1) {
            throw new IllegalArgumentException("max peers must be >= 1, was " + maxPeers);
        }
        this.maxPeers = maxPeers;
        this.limits = java.util.Objects.requireNonNull(limits, "limits");
        if (!(threshold > 0) || Double.isInfinite(threshold)) {
            throw new IllegalArgumentException("phi threshold must be a number > 0, was " + threshold);
        }
        if (minStdDevMillis < 1) {
            throw new IllegalArgumentException("phi min std deviation must be >= 1 ms, was " + minStdDevMillis);
        }
        if (acceptablePauseMillis < 0) {
            throw new IllegalArgumentException("phi acceptable pause must be >= 0 ms, was " + acceptablePauseMillis);
        }
        if (maxSamples < 2) {
            throw new IllegalArgumentException("phi max samples must be >= 2, was " + maxSamples);
        }
        if (expectedIntervalMillis < 1) {
            throw new IllegalArgumentException("expected heartbeat interval must be >= 1 ms, was "
                    + expectedIntervalMillis);
        }
        if (failuresToSuspect < 1) {
            throw new IllegalArgumentException("failures to suspect must be >= 1, was " + failuresToSuspect);
        }
        if (probeIntervalMillis < 1) {
            throw new IllegalArgumentException("probe interval must be >= 1 ms, was " + probeIntervalMillis);
        }
        this.clock = java.util.Objects.requireNonNull(clock, "clock");
        this.threshold = threshold;
        this.minStdDevMillis = minStdDevMillis;
        this.acceptablePauseMillis = acceptablePauseMillis;
        this.maxSamples = maxSamples;
        this.expectedIntervalMillis = expectedIntervalMillis;
        this.failuresToSuspect = failuresToSuspect;
        this.probeIntervalMillis = probeIntervalMillis;
    }

    /** A detector with the thresholds of {@code config}, expecting a heartbeat every gossip interval. */
    public static PhiAccrualFailureDetector of(Clock clock, MembershipConfig config) {
        return of(clock, config, LimitObserver.NONE);
    }

    /**
     * As {@link #of(Clock, MembershipConfig)}, tracking at most twice
     * {@link MembershipConfig#maxMembers()} peers (members, and ring nodes never heard from);
     * refusals are told to {@code limits}.
     */
    public static PhiAccrualFailureDetector of(Clock clock, MembershipConfig config, LimitObserver limits) {
        return new PhiAccrualFailureDetector(clock, config.phiThreshold(), config.phiMinStdDevMillis(),
                config.phiAcceptablePauseMillis(), config.phiMaxSamples(), config.gossipIntervalMillis(),
                config.failuresToSuspect(), config.probeIntervalMillis(),
                (int) Math.min(Integer.MAX_VALUE, 2L * config.maxMembers()), limits);
    }

    /** The peer's history, created if there is room for another peer; null if there is not. Under the lock. */
    private Peer track(String node) {
        Peer p = peers.get(node);
        if (p == null) {
            if (peers.size() >= maxPeers) {
                limits.refused(MembershipConfig.MAX_MEMBERS);
                return null;
            }
            p = new Peer(maxSamples);
            peers.put(node, p);
        }
        return p;
    }

    /**
     * Forgets every peer not in {@code known} (membership calls it with the members and the
     * ring's nodes), so that names a peer or a request made up do not stay tracked.
     */
    public synchronized void retainOnly(Set<String> known) {
        peers.keySet().retainAll(known);
    }

    /** Peers tracked now. */
    public synchronized int tracked() {
        return peers.size();
    }

    public double threshold() {
        return threshold;
    }

    /**
     * A newer heartbeat of {@code node} arrived now. The first one seeds the history with
     * the expected interval (plus and minus a quarter), so phi is defined from then on.
     */
    public synchronized void heartbeat(String node) {
        long now = clock.millis();
        Peer p = track(node);
        if (p == null) {
            return;
        }
        if (p.lastHeartbeat < 0) {
            long quarter = expectedIntervalMillis / 4;
            p.add(expectedIntervalMillis - quarter);
            p.add(expectedIntervalMillis + quarter);
        } else {
            p.add(Math.max(0, now - p.lastHeartbeat));
        }
        p.lastHeartbeat = now;
        p.lastAlive = Math.max(p.lastAlive, now);
    }

    /** Forgets everything about {@code node} (it restarted with a new generation, or left). */
    public synchronized void forget(String node) {
        peers.remove(node);
    }

    /** The current phi of {@code node}: 0 when no heartbeat of it was ever seen. */
    public synchronized double phi(String node) {
        Peer p = peers.get(node);
        if (p == null || p.lastHeartbeat < 0) {
            return 0;
        }
        return phi(p, clock.millis() - p.lastAlive);
    }

    /**
     * How long after its last sign of life {@code node} becomes suspected under its current
     * history; -1 when no heartbeat of it was seen.
     */
    public synchronized long suspicionDelayMillis(String node) {
        Peer p = peers.get(node);
        if (p == null || p.lastHeartbeat < 0) {
            return -1;
        }
        long lo = 0;
        long hi = Math.max(1, (long) (4 * (p.mean() + acceptablePauseMillis + 40 * Math.max(p.std(), minStdDevMillis))));
        for (int i = 0; i < 64 && lo < hi; i++) { // bisection: phi grows with the delay
            long mid = lo + (hi - lo) / 2;
            if (phi(p, mid) >= threshold) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo;
    }

    private double phi(Peer p, long elapsed) {
        double mean = p.mean() + acceptablePauseMillis;
        double std = Math.max(p.std(), minStdDevMillis);
        double y = (elapsed - mean) / std;
        // logistic approximation of the normal CDF (as in Akka), accurate to about 1e-4
        double e = Math.exp(-y * (1.5976 + 0.070566 * y * y));
        if (elapsed > mean) {
            return -Math.log10(e / (1.0 + e));
        }
        return -Math.log10(1.0 - 1.0 / (1.0 + e));
    }

    private boolean suspectedNow(Peer p, long now) {
        if (p.failed) {
            return true;
        }
        return p.lastHeartbeat >= 0 && phi(p, now - p.lastAlive) >= threshold;
    }

    @Override
    public synchronized boolean isAvailable(String node) {
        Peer p = peers.get(node);
        long now = clock.millis();
        if (p == null || !suspectedNow(p, now)) {
            if (p != null) {
                p.probing = false;
            }
            return true;
        }
        if (!p.probing) {
            // suspicion just began: the first probe waits a probe interval
            p.probing = true;
            p.nextProbeAt = now + probeIntervalMillis;
            return false;
        }
        if (now >= p.nextProbeAt) {
            p.nextProbeAt = now + probeIntervalMillis;
            return true;
        }
        return false;
    }

    /** True when {@code node} is suspected now (phi at or over the threshold, or failed requests). */
    public synchronized boolean isSuspected(String node) {
        Peer p = peers.get(node);
        return p != null && suspectedNow(p, clock.millis());
    }

    @Override
    public synchronized void success(String node) {
        Peer p = track(node);
        if (p == null) {
            return;
        }
        p.consecutiveFailures = 0;
        p.failed = false;
        p.lastAlive = Math.max(p.lastAlive, clock.millis());
    }

    @Override
    public synchronized void failure(String node) {
        Peer p = track(node);
        if (p == null) {
            return;
        }
        p.consecutiveFailures++;
        if (p.consecutiveFailures >= failuresToSuspect) {
            p.failed = true;
        }
    }

    @Override
    public synchronized Set<String> suspected() {
        long now = clock.millis();
        Set<String> out = new TreeSet<>();
        peers.forEach((n, p) -> {
            if (suspectedNow(p, now)) {
                out.add(n);
            }
        });
        return out;
    }
}
