package dev.dynamo.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The simulation matrix CI runs: for each configuration (N=3, W=1..3, tables lww, siblings,
 * cart-union, buffered durability), {@code sim.seeds} seeds (default 50), seed {@code s}
 * injecting fault kind {@code FaultKind.forSeed(s)}, so every kind (and the mixed one) runs
 * at least four times per configuration; plus the sync-durability configurations under
 * crashes. A failing seed fails the test with its replay command and the history around the
 * violation. {@code -Dsim.seeds=500} runs more, {@code -Dsim.first-seed=S} others,
 * {@code -Dsim.configs=a,b} only some configurations.
 */
@Execution(ExecutionMode.CONCURRENT)
class SimulationTest {

    private static final int SEEDS = Integer.getInteger("sim.seeds", 50);
    private static final long FIRST_SEED = Long.getLong("sim.first-seed", 0);

    /** {@code -Dsim.configs=siblings-w1,cart-w2-sync} runs only those configurations. */
    private static final Set<String> ONLY = System.getProperty("sim.configs", "").isBlank() ? Set.of()
            : Set.of(System.getProperty("sim.configs").split(","));

    static Stream<SimConfig> matrix() {
        return SimConfig.MATRIX.stream().filter(c -> ONLY.isEmpty() || ONLY.contains(c.name()));
    }

    static Stream<SimConfig> sync() {
        return SimConfig.SYNC.stream().filter(c -> ONLY.isEmpty() || ONLY.contains(c.name()));
    }

    @ParameterizedTest(name = "{0}", allowZeroInvocations = true) // zero: -Dsim.configs left none
    @MethodSource("matrix")
    void everyCheckerHoldsOnEverySeed(SimConfig config) {
        runSeeds(config, SEEDS, null);
    }

    /** Sync tables promise more (no loss in crashes at all), so crashes are what they are tested under. */
    @ParameterizedTest(name = "{0}", allowZeroInvocations = true) // zero: -Dsim.configs left none
    @MethodSource("sync")
    void syncTablesLoseNothingInCrashes(SimConfig config) {
        runSeeds(config, Math.max(4, SEEDS / 4), FaultKind.CRASH_RESTART);
    }

    private static void runSeeds(SimConfig config, int seeds, FaultKind only) {
        List<SimResult> failed = new ArrayList<>();
        Set<FaultKind> kinds = EnumSet.noneOf(FaultKind.class);
        int acknowledged = 0;
        for (long seed = FIRST_SEED; seed < FIRST_SEED + seeds; seed++) {
            FaultKind kind = only != null ? only : FaultKind.forSeed(seed);
            SimResult r = Simulation.run(seed, config, kind, SimOptions.DEFAULTS);
            kinds.add(kind);
            acknowledged += r.acknowledged();
            if (!r.ok()) {
                failed.add(r);
            }
        }
        if (!failed.isEmpty()) {
            StringBuilder sb = new StringBuilder(failed.size() + " of " + seeds + " seeds of " + config
                    + " broke a guarantee; seeds:");
            failed.forEach(r -> sb.append(' ').append(r.seed()).append('(').append(r.kind().label()).append(')'));
            sb.append(System.lineSeparator()).append(failed.get(0).report());
            throw new AssertionError(sb.toString());
        }
        // the run did work: writes were acknowledged under every kind it was meant to cover
        assertTrue(acknowledged > seeds * 20, config + ": only " + acknowledged + " writes acknowledged in " + seeds
                + " seeds");
        if (only == null && seeds >= FaultKind.values().length) {
            assertEquals(EnumSet.allOf(FaultKind.class), kinds);
        }
    }

    @Test
    void aSeedReplaysExactly() {
        SimConfig config = SimConfig.parse("siblings-w2");
        SimResult a = Simulation.run(7, config, FaultKind.MIXED, SimOptions.DEFAULTS);
        SimResult b = Simulation.run(7, config, FaultKind.MIXED, SimOptions.DEFAULTS);
        String all = a.history().render(null, Long.MIN_VALUE, Long.MAX_VALUE, Integer.MAX_VALUE);
        assertEquals(all, b.history().render(null, Long.MIN_VALUE, Long.MAX_VALUE, Integer.MAX_VALUE));
        assertEquals(a.acknowledged(), b.acknowledged());
        assertTrue(a.history().events().size() > 3, "the mixed nemesis injected faults");
    }

    @Test
    void tombstoneSkewRunsPurgeTombstones() {
        // the kind is about purged tombstones: without purges its resurrection checker (g) checks nothing
        int purged = 0;
        for (long seed = 0; seed < 6; seed++) {
            SimResult r = Simulation.run(seed, SimConfig.parse("siblings-w2"), FaultKind.TOMBSTONE_SKEW,
                    SimOptions.DEFAULTS);
            assertTrue(r.ok(), r.report());
            purged += r.purged();
        }
        assertTrue(purged >= 6, "only " + purged + " tombstones purged in 6 tombstone-skew runs");
    }

    /** Sync tables promise more under a failing fsync too: no acknowledged write is lost when the node is killed. */
    @ParameterizedTest(name = "{0}", allowZeroInvocations = true) // zero: -Dsim.configs left none
    @MethodSource("sync")
    void syncTablesLoseNothingAfterAFailedFsync(SimConfig config) {
        runSeeds(config, Math.max(4, SEEDS / 4), FaultKind.FSYNC_FAIL);
    }

    @Test
    void mvstoreDiskBehavesLikeTheMemoryDisk() {
        // the same durability model over real MVStore files, reopened on restart
        SimResult r = Simulation.run(8, SimConfig.parse("siblings-w2"), FaultKind.CRASH_RESTART,
                SimOptions.DEFAULTS.withDisk("mvstore"));
        assertTrue(r.ok(), r.report());
        assertTrue(r.history().events().stream().anyMatch(e -> e.text().startsWith("restart")), r.report());
    }
}
