package dev.dynamo.sim;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynamo.api.Context;
import dev.dynamo.core.version.Dot;
import dev.dynamo.core.version.SiblingSet;
import dev.dynamo.core.version.Version;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The checkers fail when they should: each test damages the final state of a clean run the
 * way a bug would (a lost write, a diverging replica, a forged value) and expects the
 * matching checker to report it. Together with the planted-bug runs reported in
 * docs/simulation.md, this is what keeps a green matrix meaningful.
 */
class CheckerTest {

    @Test
    void aCleanRunPasses() {
        SimResult r = Simulation.run(3, SimConfig.parse("siblings-w2"), FaultKind.NONE, SimOptions.DEFAULTS);
        assertTrue(r.ok(), r.report());
    }

    @Test
    void lostAcknowledgedWritesAreCaught() {
        SimResult r = Simulation.run(3, SimConfig.parse("siblings-w2"), FaultKind.NONE, SimOptions.DEFAULTS,
                state -> state.values().forEach(replicas -> replicas.replaceAll((node, set) -> SiblingSet.EMPTY)));
        Set<String> checkers = checkers(r);
        assertTrue(checkers.contains("a") || checkers.contains("b"), r.report());
    }

    @Test
    void lostCartAddsAreCaught() {
        SimResult r = Simulation.run(3, SimConfig.parse("cart-w2"), FaultKind.NONE, SimOptions.DEFAULTS,
                state -> state.values().forEach(replicas -> replicas.replaceAll((node, set) -> SiblingSet.EMPTY)));
        assertTrue(checkers(r).contains("c"), r.report());
    }

    @Test
    void divergingReplicasAreCaught() {
        SimResult r = Simulation.run(3, SimConfig.parse("lww-w2"), FaultKind.NONE, SimOptions.DEFAULTS, state -> {
            Map<String, SiblingSet> replicas = state.values().iterator().next();
            String first = replicas.keySet().iterator().next();
            replicas.put(first, SiblingSet.EMPTY);
        });
        assertTrue(checkers(r).contains("d"), r.report());
    }

    @Test
    void inventedValuesAreCaught() {
        SimResult r = Simulation.run(3, SimConfig.parse("siblings-w1"), FaultKind.NONE, SimOptions.DEFAULTS,
                state -> state.values().forEach(replicas -> replicas.replaceAll((node, set) -> {
                    List<Version> versions = new ArrayList<>(set.versions());
                    versions.add(new Version(new Dot("forger", 1), Context.EMPTY, 1L, false,
                            "forged".getBytes(StandardCharsets.UTF_8)));
                    return new SiblingSet(versions, set.seen());
                })));
        assertTrue(checkers(r).contains("e"), r.report());
    }

    private static Set<String> checkers(SimResult r) {
        return r.violations().stream().map(Violation::checker).collect(Collectors.toSet());
    }
}
