package dev.dynamo.sim;

import dev.dynamo.core.transport.local.LocalNetwork;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Injects one {@link FaultKind} (or, for {@link FaultKind#MIXED}, a random kind per episode)
 * into a {@link SimCluster} on virtual time: episodes of a fault lasting 300 to 1500 ms,
 * separated by 100 to 600 ms of calm, from {@code start} until {@code end}; then
 * {@link #healAll} undoes everything (restarts crashed nodes, clears network faults and clock
 * skew). Every action goes to the {@link History}, so a failing run lists the faults around
 * the violation. All choices come from the seeded {@code random}.
 *
 * <pre>{@code
 * Nemesis n = new Nemesis(cluster, FaultKind.PARTITION_HALVES, new Random(seed), history);
 * n.schedule(500, 5_500);
 * time.runFor(6_000);
 * n.healAll();
 * }</pre>
 */
final class Nemesis {
    private static final List<FaultKind> SINGLE = List.of(FaultKind.PARTITION_HALVES, FaultKind.PARTITION_BRIDGE,
            FaultKind.ISOLATE_ONE, FaultKind.DROP, FaultKind.DELAY, FaultKind.DUPLICATE, FaultKind.REORDER,
            FaultKind.CRASH_RESTART, FaultKind.PAUSE, FaultKind.CLOCK_SKEW, FaultKind.DISK_FULL, FaultKind.FSYNC_FAIL,
            FaultKind.TOMBSTONE_SKEW);

    private final SimCluster cluster;
    private final LocalNetwork network;
    private final FaultKind kind;
    private final Random random;
    private final History history;
    private long end;
    private int episodes;
    private int crashes;
    private final List<DiskFault> diskFaults = new ArrayList<>();

    Nemesis(SimCluster cluster, FaultKind kind, Random random, History history) {
        this.cluster = cluster;
        this.network = cluster.network();
        this.kind = kind;
        this.random = random;
        this.history = history;
    }

    /** Schedules episodes from {@code startMillis} to {@code endMillis} (relative to now). */
    void schedule(long startMillis, long endMillis) {
        this.end = cluster.time().clock().millis() + endMillis;
        if (kind != FaultKind.NONE) {
            cluster.time().schedule(this::episode, startMillis);
        }
    }

    int episodes() {
        return episodes;
    }

    int crashes() {
        return crashes;
    }

    /** The disk-full and failing-fsync windows injected so far, for the checkers. */
    List<DiskFault> diskFaults() {
        return List.copyOf(diskFaults);
    }

    private long now() {
        return cluster.time().clock().millis();
    }

    private void episode() {
        long now = now();
        if (now >= end) {
            return;
        }
        FaultKind k = kind == FaultKind.MIXED ? SINGLE.get(random.nextInt(SINGLE.size())) : kind;
        long duration = Math.min(300 + random.nextInt(1_201), Math.max(1, end - now));
        episodes++;
        Runnable undo = inject(k, duration);
        cluster.time().schedule(() -> {
            undo.run();
            cluster.time().schedule(this::episode, 100 + random.nextInt(501));
        }, duration);
    }

    /** Starts one fault and returns what ends it. */
    private Runnable inject(FaultKind k, long duration) {
        List<String> ids = new ArrayList<>(cluster.ids());
        Collections.shuffle(ids, random);
        switch (k) {
            case PARTITION_HALVES -> {
                int cut = 1 + random.nextInt(ids.size() - 1);
                Set<String> a = new LinkedHashSet<>(ids.subList(0, cut));
                Set<String> b = new LinkedHashSet<>(ids.subList(cut, ids.size()));
                network.partition(a, b);
                log("partition " + a + " | " + b + " for " + duration + " ms");
                return () -> heal("partition healed");
            }
            case PARTITION_BRIDGE -> {
                String bridge = ids.get(0);
                List<String> rest = ids.subList(1, ids.size());
                int cut = rest.size() == 1 ? 1 : 1 + random.nextInt(rest.size() - 1);
                Set<String> a = new LinkedHashSet<>(rest.subList(0, cut));
                Set<String> b = new LinkedHashSet<>(rest.subList(cut, rest.size()));
                if (!b.isEmpty()) {
                    network.partition(a, b);
                }
                log("partition " + a + " | " + b + " bridged by " + bridge + " for " + duration + " ms");
                return () -> heal("bridge partition healed");
            }
            case ISOLATE_ONE -> {
                String node = ids.get(0);
                network.isolate(node);
                log("isolate " + node + " for " + duration + " ms");
                return () -> heal(node + " rejoined");
            }
            case DROP -> {
                double p = 0.1 + 0.3 * random.nextDouble();
                network.setDropProbability(p);
                log(String.format("drop %.0f%% of messages for %d ms", p * 100, duration));
                return () -> {
                    network.setDropProbability(0);
                    log("drops stopped");
                };
            }
            case DELAY -> {
                int links = 1 + random.nextInt(3);
                List<String[]> slowed = new ArrayList<>();
                StringBuilder sb = new StringBuilder("delay");
                for (int i = 0; i < links; i++) {
                    String from = ids.get(random.nextInt(ids.size()));
                    String to = ids.get(random.nextInt(ids.size()));
                    if (from.equals(to)) {
                        continue;
                    }
                    long extra = 100 + random.nextInt(1_401);
                    long jitter = random.nextInt(201);
                    network.setLinkDelay(from, to, extra, jitter);
                    slowed.add(new String[] {from, to});
                    sb.append(' ').append(from).append("->").append(to).append(" +").append(extra).append("ms");
                }
                log(sb + " for " + duration + " ms");
                return () -> {
                    for (String[] l : slowed) {
                        network.setLinkDelay(l[0], l[1], 0, 0);
                    }
                    log("delays removed");
                };
            }
            case DUPLICATE -> {
                double p = 0.3 + 0.3 * random.nextDouble();
                network.setDuplicateProbability(p);
                log(String.format("duplicate %.0f%% of requests for %d ms", p * 100, duration));
                return () -> {
                    network.setDuplicateProbability(0);
                    log("duplication stopped");
                };
            }
            case REORDER -> {
                long jitter = 5 + random.nextInt(56);
                network.setLatency(LocalNetwork.DEFAULT_LATENCY_MILLIS, jitter);
                log("latency jitter 0-" + jitter + " ms (reordering) for " + duration + " ms");
                return () -> {
                    network.setLatency(LocalNetwork.DEFAULT_LATENCY_MILLIS, 0);
                    log("jitter removed");
                };
            }
            case CRASH_RESTART -> {
                String node = ids.get(0);
                int lost = cluster.crash(node);
                crashes++;
                log("crash " + node + " (kill -9: " + lost + " unsynced keys rolled back), down " + duration + " ms");
                return () -> {
                    cluster.restart(node);
                    log("restart " + node + " from its data directory");
                };
            }
            case PAUSE -> {
                String node = ids.get(0);
                long millis = Math.min(duration, 200 + random.nextInt(1_301));
                network.pause(node, millis);
                log("pause " + node + " for " + millis + " ms");
                return () -> { };
            }
            case CLOCK_SKEW -> {
                StringBuilder sb = new StringBuilder("clock skew");
                for (String id : ids.subList(0, 1 + random.nextInt(ids.size()))) {
                    long skew = random.nextInt(6_001) - 3_000L;
                    cluster.clock(id).setSkew(skew);
                    sb.append(' ').append(id).append(skew >= 0 ? "+" : "").append(skew).append("ms");
                }
                log(sb.toString());
                return () -> { }; // skews stay until the next episode or the final heal
            }
            case TOMBSTONE_SKEW -> {
                // past the grace either way: a node ahead purges early, one behind writes "old" versions
                StringBuilder sb = new StringBuilder("clock skew past the tombstone grace");
                for (String id : ids.subList(0, 1 + random.nextInt(ids.size()))) {
                    long skew = (1_000 + random.nextInt(3_001)) * (random.nextBoolean() ? 1L : -1L);
                    cluster.clock(id).setSkew(skew);
                    sb.append(' ').append(id).append(skew >= 0 ? "+" : "").append(skew).append("ms");
                }
                if (random.nextBoolean()) {
                    // hints wait for the cut-off node, held by nodes whose clocks may be behind
                    String cut = ids.get(random.nextInt(ids.size()));
                    network.isolate(cut);
                    sb.append("; isolate ").append(cut).append(" for ").append(duration).append(" ms");
                    log(sb.toString());
                    return () -> heal(cut + " rejoined");
                }
                log(sb.toString());
                return () -> { };
            }
            case DISK_FULL -> {
                String node = ids.get(0);
                long from = now();
                cluster.disk(node).setFull(true);
                log("disk of " + node + " full for " + duration + " ms: its engine writes fail");
                return () -> {
                    cluster.disk(node).setFull(false);
                    diskFaults.add(new DiskFault(node, FaultKind.DISK_FULL, from, now()));
                    log("disk space back on " + node);
                };
            }
            case FSYNC_FAIL -> {
                return failFsync(ids.get(0), duration);
            }
            default -> throw new IllegalStateException("not a single fault kind: " + k);
        }
    }

    /**
     * Breaks fsync on {@code node} for the first 60% of the episode, then kills it: at once
     * (its syncs still failing) or, half of the time, at 80% (syncs have worked again for a
     * while, so writes acknowledged after the fault meet what the failed syncs left
     * volatile). The node restarts when the episode ends.
     */
    private Runnable failFsync(String node, long duration) {
        long from = now();
        long broken = Math.max(1, duration * 6 / 10);
        long killAt = random.nextBoolean() ? broken : Math.max(broken + 1, duration * 8 / 10);
        cluster.disk(node).setSyncFails(true);
        // the healthy nodes answer each other a little late, so that the failing node's answers
        // are the ones a coordinator counts first (a bug acknowledging its failed syncs shows then)
        long slow = 5 + random.nextInt(26);
        List<String[]> slowed = new ArrayList<>();
        for (String a : cluster.ids()) {
            for (String b : cluster.ids()) {
                if (!a.equals(b) && !a.equals(node) && !b.equals(node)) {
                    network.setLinkDelay(a, b, slow, 0);
                    slowed.add(new String[] {a, b});
                }
            }
        }
        log("fsync of " + node + " fails for " + broken + " ms (other links +" + slow + " ms), then it is killed at +"
                + killAt + " ms");
        cluster.time().schedule(() -> {
            for (String[] l : slowed) {
                network.setLinkDelay(l[0], l[1], 0, 0);
            }
            cluster.disk(node).setSyncFails(false);
            diskFaults.add(new DiskFault(node, FaultKind.FSYNC_FAIL, from, now()));
            log("fsync of " + node + " works again");
        }, broken);
        cluster.time().schedule(() -> {
            int lost = cluster.crash(node);
            crashes++;
            log("crash " + node + " after its failed fsync (kill -9: " + lost + " unsynced keys rolled back)");
        }, killAt);
        return () -> {
            if (!cluster.isUp(node)) {
                cluster.restart(node);
                log("restart " + node + " from its data directory");
            }
        };
    }

    private void heal(String what) {
        network.heal();
        log(what);
    }

    /** Ends every fault: restarts crashed nodes, clears network faults, jitter and skew. */
    void healAll() {
        end = now();
        for (String id : cluster.ids()) {
            if (!cluster.isUp(id)) {
                cluster.restart(id);
                log("restart " + id + " from its data directory");
            }
            cluster.clock(id).setSkew(0);
            cluster.disk(id).setFull(false);
            cluster.disk(id).setSyncFails(false);
        }
        network.clearFaults();
        network.setLatency(LocalNetwork.DEFAULT_LATENCY_MILLIS, 0);
        log("heal everything: network faults cleared, crashed nodes restarted, clocks in sync");
    }

    private void log(String text) {
        history.event(now(), text);
    }
}
