package dev.dynamo.core.membership;

/**
 * Settings of gossip, failure detection and data movement, parsed once at start-up
 * (the server reads them from {@code conf/node.properties}, see docs/membership.md).
 *
 * <pre>{@code
 * MembershipConfig c = MembershipConfig.DEFAULTS.withGossipInterval(500);
 * PhiAccrualFailureDetector d = PhiAccrualFailureDetector.of(clock, c);
 * }</pre>
 *
 * @param gossipIntervalMillis      how often a node gossips with one random live peer (a "round")
 * @param gossipTimeoutMillis       how long a gossip exchange or a transfer chunk may take
 * @param phiThreshold              phi at and above which a peer is suspected (8: one in 10^8
 *                                  chance that a live peer is that late)
 * @param phiMinStdDevMillis        floor of the heartbeat inter-arrival deviation
 * @param phiAcceptablePauseMillis  silence tolerated on top of the mean heartbeat interval (GC pauses)
 * @param phiMaxSamples             heartbeat inter-arrival times remembered per peer
 * @param failuresToSuspect         consecutive failed requests that make a peer suspected
 * @param probeIntervalMillis       how often a suspected peer gets one request (a probe)
 * @param transferChunkKeys         most keys per partition transfer chunk
 * @param transferChunkBytes        about most bytes per partition transfer chunk
 * @param maxConcurrentTransfers    partition transfers a receiving node runs at once
 * @param moveBatchPartitions       partitions that switch owner together: the ring advances one
 *                                  version per batch, each once its transfers are complete
 * @param cleanupDelayMillis        how long after every node runs the final ring of a move a node
 *                                  deletes the data it no longer replicates
 * @param maxMembers                most member entries this node keeps from gossip (nodes of its
 *                                  ring or of the change in progress are always kept), and most
 *                                  peers its failure detector tracks
 * @param maxSeeds                  most seeds a node gossips with (configured and added by join)
 * @param maxRingVersionJump        most ring versions a gossiped ring or ring change may be ahead of
 *                                  this node's ring: a forged version near the top of the range
 *                                  would wedge every later change (their versions are counted up
 *                                  from it)
 */
public record MembershipConfig(long gossipIntervalMillis, long gossipTimeoutMillis, double phiThreshold,
                               long phiMinStdDevMillis, long phiAcceptablePauseMillis, int phiMaxSamples,
                               int failuresToSuspect, long probeIntervalMillis, int transferChunkKeys,
                               int transferChunkBytes, int maxConcurrentTransfers, int moveBatchPartitions,
                               long cleanupDelayMillis, int maxMembers, int maxSeeds,
                               long maxRingVersionJump) {

    /** Setting of {@link #maxMembers}, as its refusals are counted. */
    public static final String MAX_MEMBERS = "membership.max-members";
    /** Setting of {@link #maxSeeds}. */
    public static final String MAX_SEEDS = "membership.max-seeds";
    /** Setting of {@link #transferChunkKeys}: also the most keys this node serves in one chunk. */
    public static final String TRANSFER_CHUNK_KEYS = "membership.transfer-chunk-keys";
    /** Setting of {@link #transferChunkBytes}: also about the most bytes this node serves in one chunk. */
    public static final String TRANSFER_CHUNK_BYTES = "membership.transfer-chunk-bytes";
    /** Setting of {@link #maxRingVersionJump}. */
    public static final String MAX_RING_VERSION_JUMP = "membership.max-ring-version-jump";
    public static final int DEFAULT_MAX_MEMBERS = 1024;
    /**
     * A join or leave at 1024 partitions in batches of 8 takes 128 versions: a million lets a
     * node that slept through thousands of changes catch up in one exchange.
     */
    public static final long DEFAULT_MAX_RING_VERSION_JUMP = 1_000_000;
    public static final int DEFAULT_MAX_SEEDS = 64;

    /** Gossip every second; suspicion after about 3 s of silence beyond the usual interval. */
    public static final MembershipConfig DEFAULTS = new MembershipConfig(1_000, 2_000, 8.0, 200, 3_000, 200, 1,
            1_000, 1_000, 1 << 20, 4, 8, 10_000, DEFAULT_MAX_MEMBERS, DEFAULT_MAX_SEEDS,
            DEFAULT_MAX_RING_VERSION_JUMP);

    public MembershipConfig {
        positive("gossip interval", gossipIntervalMillis);
        positive("gossip timeout", gossipTimeoutMillis);
        if (!(phiThreshold > 0) || Double.isInfinite(phiThreshold)) {
            throw new IllegalArgumentException("phi threshold must be a number > 0, was " + phiThreshold);
        }
        positive("phi min std deviation", phiMinStdDevMillis);
        if (phiAcceptablePauseMillis < 0) {
            throw new IllegalArgumentException("phi acceptable pause must be >= 0 ms, was " + phiAcceptablePauseMillis);
        }
        if (phiMaxSamples < 2) {
            throw new IllegalArgumentException("phi max samples must be >= 2, was " + phiMaxSamples);
        }
        positive("failures to suspect", failuresToSuspect);
        positive("probe interval", probeIntervalMillis);
        positive("transfer chunk keys", transferChunkKeys);
        positive("transfer chunk bytes", transferChunkBytes);
        positive("max concurrent transfers", maxConcurrentTransfers);
        positive("move batch partitions", moveBatchPartitions);
        if (cleanupDelayMillis < 0) {
            throw new IllegalArgumentException("cleanup delay must be >= 0 ms, was " + cleanupDelayMillis);
        }
        positive("max members", maxMembers);
        positive("max seeds", maxSeeds);
        positive("max ring version jump", maxRingVersionJump);
    }

    /** Settings with the default member and seed limits. */
    public MembershipConfig(long gossipIntervalMillis, long gossipTimeoutMillis, double phiThreshold,
                            long phiMinStdDevMillis, long phiAcceptablePauseMillis, int phiMaxSamples,
                            int failuresToSuspect, long probeIntervalMillis, int transferChunkKeys,
                            int transferChunkBytes, int maxConcurrentTransfers, int moveBatchPartitions,
                            long cleanupDelayMillis) {
        this(gossipIntervalMillis, gossipTimeoutMillis, phiThreshold, phiMinStdDevMillis, phiAcceptablePauseMillis,
                phiMaxSamples, failuresToSuspect, probeIntervalMillis, transferChunkKeys, transferChunkBytes,
                maxConcurrentTransfers, moveBatchPartitions, cleanupDelayMillis, DEFAULT_MAX_MEMBERS, DEFAULT_MAX_SEEDS,
                DEFAULT_MAX_RING_VERSION_JUMP);
    }

    private static void positive(String what, long value) {
        if (value < 1) {
            throw new IllegalArgumentException(what + " must be >= 1, was " + value);
        }
    }

    public MembershipConfig withGossipInterval(long millis) {
        return new MembershipConfig(millis, gossipTimeoutMillis, phiThreshold, phiMinStdDevMillis,
                phiAcceptablePauseMillis, phiMaxSamples, failuresToSuspect, probeIntervalMillis, transferChunkKeys,
                transferChunkBytes, maxConcurrentTransfers, moveBatchPartitions, cleanupDelayMillis, maxMembers, maxSeeds,
                maxRingVersionJump);
    }

    public MembershipConfig withPhi(double threshold, long minStdDevMillis, long acceptablePauseMillis) {
        return new MembershipConfig(gossipIntervalMillis, gossipTimeoutMillis, threshold, minStdDevMillis,
                acceptablePauseMillis, phiMaxSamples, failuresToSuspect, probeIntervalMillis, transferChunkKeys,
                transferChunkBytes, maxConcurrentTransfers, moveBatchPartitions, cleanupDelayMillis, maxMembers, maxSeeds,
                maxRingVersionJump);
    }

    public MembershipConfig withTransfers(int chunkKeys, int chunkBytes, int concurrent, int batchPartitions) {
        return new MembershipConfig(gossipIntervalMillis, gossipTimeoutMillis, phiThreshold, phiMinStdDevMillis,
                phiAcceptablePauseMillis, phiMaxSamples, failuresToSuspect, probeIntervalMillis, chunkKeys,
                chunkBytes, concurrent, batchPartitions, cleanupDelayMillis, maxMembers, maxSeeds,
                maxRingVersionJump);
    }

    public MembershipConfig withCleanupDelay(long millis) {
        return new MembershipConfig(gossipIntervalMillis, gossipTimeoutMillis, phiThreshold, phiMinStdDevMillis,
                phiAcceptablePauseMillis, phiMaxSamples, failuresToSuspect, probeIntervalMillis, transferChunkKeys,
                transferChunkBytes, maxConcurrentTransfers, moveBatchPartitions, millis, maxMembers, maxSeeds,
                maxRingVersionJump);
    }

    public MembershipConfig withLimits(int members, int seeds) {
        return new MembershipConfig(gossipIntervalMillis, gossipTimeoutMillis, phiThreshold, phiMinStdDevMillis,
                phiAcceptablePauseMillis, phiMaxSamples, failuresToSuspect, probeIntervalMillis, transferChunkKeys,
                transferChunkBytes, maxConcurrentTransfers, moveBatchPartitions, cleanupDelayMillis, members, seeds,
                maxRingVersionJump);
    }

    public MembershipConfig withMaxRingVersionJump(long versions) {
        return new MembershipConfig(gossipIntervalMillis, gossipTimeoutMillis, phiThreshold, phiMinStdDevMillis,
                phiAcceptablePauseMillis, phiMaxSamples, failuresToSuspect, probeIntervalMillis, transferChunkKeys,
                transferChunkBytes, maxConcurrentTransfers, moveBatchPartitions, cleanupDelayMillis, maxMembers, maxSeeds,
                versions);
    }
}
