package dev.dynamo.core.node;

import dev.dynamo.core.antientropy.AntiEntropy;
import dev.dynamo.core.coordination.RequestLimits;
import java.util.Objects;

/**
 * Tunables of a node's background machinery, parsed once at start-up.
 *
 * @param systemEngine               engine of the system tables (hints); must be durable in production
 * @param failuresToSuspect          consecutive failed requests before a peer is skipped
 * @param probeIntervalMillis        how often a suspected peer gets one probe request
 * @param hintIntervalMillis         hint delivery round period
 * @param hintBatchSize              hints sent per target per round (the throttle)
 * @param tombstoneGraceMillis       a tombstone is purged only this long after its write, once every
 *                                   replica holds it; hints older than this are dropped, not delivered
 * @param antiEntropyIntervalMillis  period of the background Merkle exchange, 0 = off
 * @param antiEntropyKeysPerSecond   rate limit on keys repaired by anti-entropy
 * @param tombstoneGcIntervalMillis  period of the tombstone purge scan, 0 = off
 * @param antiEntropyMaxDigests      most key digests in one anti-entropy answer to a peer (and in
 *                                   one page of this node's own side of a comparison)
 * @param antiEntropyCrossZoneKeysPerSecond rate limit on keys repaired by anti-entropy with peers
 *                                   of other zones, on top of {@code antiEntropyKeysPerSecond}
 * @param requestLimits              the limits on clients' requests (key size, timeout, context,
 *                                   the size of a key's versions), docs/limits.md
 */
public record NodeOptions(String systemEngine, int failuresToSuspect, long probeIntervalMillis,
                          long hintIntervalMillis, int hintBatchSize, long tombstoneGraceMillis,
                          long antiEntropyIntervalMillis, int antiEntropyKeysPerSecond,
                          long tombstoneGcIntervalMillis, int antiEntropyMaxDigests,
                          int antiEntropyCrossZoneKeysPerSecond, RequestLimits requestLimits) {

    /** Default of {@link #antiEntropyCrossZoneKeysPerSecond}: a tenth of the default overall limit. */
    public static final int DEFAULT_CROSS_ZONE_KEYS_PER_SECOND = 1_000;

    public static final NodeOptions DEFAULTS = new NodeOptions("mvstore", 1, 1_000, 1_000, 200,
            24L * 3600 * 1000, 60_000, 10_000, 600_000, AntiEntropy.DEFAULT_MAX_DIGESTS,
            DEFAULT_CROSS_ZONE_KEYS_PER_SECOND, RequestLimits.DEFAULT);

    public NodeOptions {
        if (systemEngine == null || systemEngine.isBlank()) {
            throw new IllegalArgumentException("system engine must be named");
        }
        if (failuresToSuspect < 1) {
            throw new IllegalArgumentException("failures-to-suspect must be >= 1, was " + failuresToSuspect);
        }
        positive("probe interval", probeIntervalMillis);
        positive("hint interval", hintIntervalMillis);
        positive("hint batch size", hintBatchSize);
        positive("tombstone grace", tombstoneGraceMillis);
        if (antiEntropyIntervalMillis < 0 || tombstoneGcIntervalMillis < 0) {
            throw new IllegalArgumentException("background intervals must be >= 0 (0 = off)");
        }
        positive("anti-entropy keys per second", antiEntropyKeysPerSecond);
        positive("anti-entropy max digests", antiEntropyMaxDigests);
        positive("anti-entropy cross-zone keys per second", antiEntropyCrossZoneKeysPerSecond);
        Objects.requireNonNull(requestLimits, "requestLimits");
    }

    /** Options with the default cross-zone anti-entropy rate. */
    public NodeOptions(String systemEngine, int failuresToSuspect, long probeIntervalMillis, long hintIntervalMillis,
                       int hintBatchSize, long tombstoneGraceMillis, long antiEntropyIntervalMillis,
                       int antiEntropyKeysPerSecond, long tombstoneGcIntervalMillis, int antiEntropyMaxDigests,
                       RequestLimits requestLimits) {
        this(systemEngine, failuresToSuspect, probeIntervalMillis, hintIntervalMillis, hintBatchSize,
                tombstoneGraceMillis, antiEntropyIntervalMillis, antiEntropyKeysPerSecond, tombstoneGcIntervalMillis,
                antiEntropyMaxDigests, DEFAULT_CROSS_ZONE_KEYS_PER_SECOND, requestLimits);
    }

    /** Options with the default {@code requestLimits}. */
    public NodeOptions(String systemEngine, int failuresToSuspect, long probeIntervalMillis, long hintIntervalMillis,
                       int hintBatchSize, long tombstoneGraceMillis, long antiEntropyIntervalMillis,
                       int antiEntropyKeysPerSecond, long tombstoneGcIntervalMillis, int antiEntropyMaxDigests,
                       int antiEntropyCrossZoneKeysPerSecond) {
        this(systemEngine, failuresToSuspect, probeIntervalMillis, hintIntervalMillis, hintBatchSize,
                tombstoneGraceMillis, antiEntropyIntervalMillis, antiEntropyKeysPerSecond, tombstoneGcIntervalMillis,
                antiEntropyMaxDigests, antiEntropyCrossZoneKeysPerSecond, RequestLimits.DEFAULT);
    }

    /** Options with the default cross-zone rate and {@code requestLimits}. */
    public NodeOptions(String systemEngine, int failuresToSuspect, long probeIntervalMillis, long hintIntervalMillis,
                       int hintBatchSize, long tombstoneGraceMillis, long antiEntropyIntervalMillis,
                       int antiEntropyKeysPerSecond, long tombstoneGcIntervalMillis, int antiEntropyMaxDigests) {
        this(systemEngine, failuresToSuspect, probeIntervalMillis, hintIntervalMillis, hintBatchSize,
                tombstoneGraceMillis, antiEntropyIntervalMillis, antiEntropyKeysPerSecond, tombstoneGcIntervalMillis,
                antiEntropyMaxDigests, DEFAULT_CROSS_ZONE_KEYS_PER_SECOND, RequestLimits.DEFAULT);
    }

    /** Options with the default {@code antiEntropyMaxDigests}, cross-zone rate and {@code requestLimits}. */
    public NodeOptions(String systemEngine, int failuresToSuspect, long probeIntervalMillis, long hintIntervalMillis,
                       int hintBatchSize, long tombstoneGraceMillis, long antiEntropyIntervalMillis,
                       int antiEntropyKeysPerSecond, long tombstoneGcIntervalMillis) {
        this(systemEngine, failuresToSuspect, probeIntervalMillis, hintIntervalMillis, hintBatchSize,
                tombstoneGraceMillis, antiEntropyIntervalMillis, antiEntropyKeysPerSecond, tombstoneGcIntervalMillis,
                AntiEntropy.DEFAULT_MAX_DIGESTS);
    }

    private static void positive(String what, long value) {
        if (value < 1) {
            throw new IllegalArgumentException(what + " must be >= 1, was " + value);
        }
    }

    public NodeOptions withSystemEngine(String engine) {
        return new NodeOptions(engine, failuresToSuspect, probeIntervalMillis, hintIntervalMillis, hintBatchSize,
                tombstoneGraceMillis, antiEntropyIntervalMillis, antiEntropyKeysPerSecond, tombstoneGcIntervalMillis,
                antiEntropyMaxDigests, antiEntropyCrossZoneKeysPerSecond, requestLimits);
    }

    public NodeOptions withAntiEntropy(long intervalMillis, int keysPerSecond) {
        return new NodeOptions(systemEngine, failuresToSuspect, probeIntervalMillis, hintIntervalMillis, hintBatchSize,
                tombstoneGraceMillis, intervalMillis, keysPerSecond, tombstoneGcIntervalMillis, antiEntropyMaxDigests,
                antiEntropyCrossZoneKeysPerSecond, requestLimits);
    }

    public NodeOptions withTombstones(long graceMillis, long gcIntervalMillis) {
        return new NodeOptions(systemEngine, failuresToSuspect, probeIntervalMillis, hintIntervalMillis, hintBatchSize,
                graceMillis, antiEntropyIntervalMillis, antiEntropyKeysPerSecond, gcIntervalMillis, antiEntropyMaxDigests,
                antiEntropyCrossZoneKeysPerSecond, requestLimits);
    }

    public NodeOptions withAntiEntropyMaxDigests(int maxDigests) {
        return new NodeOptions(systemEngine, failuresToSuspect, probeIntervalMillis, hintIntervalMillis, hintBatchSize,
                tombstoneGraceMillis, antiEntropyIntervalMillis, antiEntropyKeysPerSecond, tombstoneGcIntervalMillis,
                maxDigests, antiEntropyCrossZoneKeysPerSecond, requestLimits);
    }

    /** These options with anti-entropy repairs with peers of other zones paced at {@code keysPerSecond}. */
    public NodeOptions withCrossZoneAntiEntropy(int keysPerSecond) {
        return new NodeOptions(systemEngine, failuresToSuspect, probeIntervalMillis, hintIntervalMillis, hintBatchSize,
                tombstoneGraceMillis, antiEntropyIntervalMillis, antiEntropyKeysPerSecond, tombstoneGcIntervalMillis,
                antiEntropyMaxDigests, keysPerSecond, requestLimits);
    }

    public NodeOptions withHints(long intervalMillis, int batchSize) {
        return new NodeOptions(systemEngine, failuresToSuspect, probeIntervalMillis, intervalMillis, batchSize,
                tombstoneGraceMillis, antiEntropyIntervalMillis, antiEntropyKeysPerSecond, tombstoneGcIntervalMillis,
                antiEntropyMaxDigests, antiEntropyCrossZoneKeysPerSecond, requestLimits);
    }

    public NodeOptions withRequestLimits(RequestLimits limits) {
        return new NodeOptions(systemEngine, failuresToSuspect, probeIntervalMillis, hintIntervalMillis, hintBatchSize,
                tombstoneGraceMillis, antiEntropyIntervalMillis, antiEntropyKeysPerSecond, tombstoneGcIntervalMillis,
                antiEntropyMaxDigests, antiEntropyCrossZoneKeysPerSecond, limits);
    }
}
