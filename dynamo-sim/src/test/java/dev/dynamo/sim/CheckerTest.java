package dev.dynamo.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynamo.api.Context;
import dev.dynamo.core.store.StorageKeys;
import dev.dynamo.core.version.Dot;
import dev.dynamo.core.version.SiblingSet;
import dev.dynamo.core.version.SiblingSetCodec;
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

    @Test
    void aFoldedDeleteMustStillHaveDeletedWhatItRead() {
        // seed 7340222 (cart-w1): deletes #171 (n2's dot 18) and #173 (19) were made from one read;
        // the store keeps the later and drops the earlier, which is allowed only while what
        // they read stays deleted: bring back a cart they both covered and the drop is a loss
        SimConfig config = SimConfig.parse("cart-w1");
        long seed = 7340222;
        SimResult clean = Simulation.run(seed, config, FaultKind.forSeed(seed), SimOptions.DEFAULTS);
        assertTrue(clean.ok(), clean.report());
        Op read = clean.history().ops().stream()
                .filter(o -> o.kind() == Op.Kind.CART_ADD && o.status() == Op.Status.OK && o.dot() != null
                        && o.dot().counter() == 8 && isActorOf("n3", o.dot().node()))
                .findFirst().orElseThrow();
        Version resurrected = new Version(read.dot(), read.sent(), 1L, false,
                read.value().getBytes(StandardCharsets.UTF_8));
        SimResult r = Simulation.run(seed, config, FaultKind.forSeed(seed), SimOptions.DEFAULTS,
                state -> state.get(read.key()).replaceAll((node, set) -> {
                    List<Version> versions = new ArrayList<>(set.versions());
                    versions.add(resurrected);
                    return new SiblingSet(versions, set.seen());
                }));
        assertTrue(r.violations().stream().anyMatch(v -> v.checker().equals("b")
                && v.message().contains("#171")), r.report());
    }

    @Test
    void aReplacedVersionThatComesBackIsCaught() {
        // a put made from a read replaced what it read: put that back into every replica
        SimConfig config = SimConfig.parse("siblings-w2");
        SimResult clean = Simulation.run(3, config, FaultKind.NONE, SimOptions.DEFAULTS);
        List<Op> ops = clean.history().ops();
        Op replaced = ops.stream()
                .filter(a -> a.kind() == Op.Kind.BLIND_PUT && a.status() == Op.Status.OK && a.dot() != null)
                .filter(a -> ops.stream().anyMatch(b -> b.kind() == Op.Kind.PUT && b.status() == Op.Status.OK
                        && b.key().equals(a.key()) && b.sent().covers(a.dot().node(), a.dot().counter())))
                .findFirst().orElseThrow();
        Version back = new Version(replaced.dot(), replaced.sent(), 1L, false,
                replaced.value().getBytes(StandardCharsets.UTF_8));
        SimResult r = Simulation.run(3, config, FaultKind.NONE, SimOptions.DEFAULTS,
                state -> state.get(replaced.key()).replaceAll((node, set) -> {
                    List<Version> versions = new ArrayList<>(set.versions());
                    versions.add(back);
                    return new SiblingSet(versions, set.seen());
                }));
        assertTrue(checkers(r).contains("f"), r.report());
    }

    /**
     * (g): a value whose tombstone every replica purged, back in the final state (what a
     * delayed hint or a reused dot would do), is a resurrection; without it the same history
     * passes, the acknowledged delete counted as purged.
     */
    @Test
    void aDeletedValueComingBackAfterThePurgeIsCaught() {
        Version put = new Version(new Dot("n1", 1), Context.EMPTY, 1_000, false,
                "k0:c0:1".getBytes(StandardCharsets.UTF_8));
        Version delete = Version.tombstone(new Dot("n1", 2), put.fullContext(), 2_000);
        History history = new History();
        history.origin(0);
        Op p = history.invoke(0, SimConfig.TABLE, "k0", Op.Kind.BLIND_PUT, "n1", 1_000)
                .wrote("k0:c0:1", null, Context.EMPTY, -1).returned(put.fullContext(), put.dot()).ok(1_001);
        Op d = history.invoke(1, SimConfig.TABLE, "k0", Op.Kind.DELETE, "n1", 2_000)
                .wrote(null, null, put.fullContext(), -1).returned(delete.fullContext(), delete.dot()).ok(2_001);
        VersionLedger ledger = new VersionLedger();
        byte[] sk = StorageKeys.of(0, "k0".getBytes(StandardCharsets.UTF_8));
        SiblingSet deleted = new SiblingSet(List.of(put)).add(delete).set();
        for (String node : List.of("n1", "n2", "n3")) {
            ledger.stored(node, SimConfig.TABLE, sk, SiblingSetCodec.encode(new SiblingSet(List.of(put))),
                    1_000);
            ledger.stored(node, SimConfig.TABLE, sk, SiblingSetCodec.encode(deleted), 2_000);
            ledger.removed(node, SimConfig.TABLE, sk, SiblingSetCodec.encode(deleted), 3_500);
        }
        Map<Integer, Long> holders = Map.of(p.id(), 3L, d.id(), 3L);
        SimConfig config = SimConfig.parse("lww-w1");

        Map<String, Map<String, SiblingSet>> purged = Map.of("k0",
                Map.of("n1", SiblingSet.EMPTY, "n2", SiblingSet.EMPTY, "n3", SiblingSet.EMPTY));
        Checker clean = new Checker(config, history, ledger, purged, holders, true);
        assertTrue(clean.check().isEmpty(), clean.check().toString());
        assertEquals(1, clean.fateCounts().get(Checker.Fate.PURGED), clean.fateCounts().toString());

        SiblingSet back = new SiblingSet(List.of(put));
        Map<String, Map<String, SiblingSet>> resurrected = Map.of("k0", Map.of("n1", back, "n2", back, "n3", back));
        Set<String> fired = new Checker(config, history, ledger, resurrected, holders, true).check().stream()
                .map(Violation::checker).collect(Collectors.toSet());
        assertTrue(fired.contains("g"), fired.toString());
    }

    /** (a-durable): on a sync table, a write acknowledged before W nodes had synced it is reported. */
    @Test
    void aSyncWriteAcknowledgedWithoutDurableCopiesIsCaught() {
        Version put = new Version(new Dot("n1", 1), Context.EMPTY, 1_000, false,
                "k0:c0:1".getBytes(StandardCharsets.UTF_8));
        History history = new History();
        history.origin(0);
        Op p = history.invoke(0, SimConfig.TABLE, "k0", Op.Kind.BLIND_PUT, "n1", 1_000)
                .wrote("k0:c0:1", null, Context.EMPTY, -1).returned(put.fullContext(), put.dot()).ok(1_001);
        VersionLedger ledger = new VersionLedger();
        byte[] sk = StorageKeys.of(0, "k0".getBytes(StandardCharsets.UTF_8));
        byte[] value = SiblingSetCodec.encode(new SiblingSet(List.of(put)));
        ledger.stored("n1", SimConfig.TABLE, sk, value, 1_000);
        ledger.stored("n2", SimConfig.TABLE, sk, value, 1_000);
        ledger.durable("n1", SimConfig.TABLE, sk, value);
        SiblingSet held = new SiblingSet(List.of(put));
        Map<String, Map<String, SiblingSet>> state = Map.of("k0", Map.of("n1", held, "n2", held, "n3", held));
        SimConfig config = SimConfig.parse("siblings-w2-sync");

        Set<String> oneDurable = new Checker(config, history, ledger, state, Map.of(p.id(), 2L), true)
                .withDurability(Map.of(p.id(), 1L), List.of()).check().stream().map(Violation::checker)
                .collect(Collectors.toSet());
        assertTrue(oneDurable.contains("a-durable"), oneDurable.toString());
        List<Violation> twoDurable = new Checker(config, history, ledger, state, Map.of(p.id(), 2L), true)
                .withDurability(Map.of(p.id(), 2L), List.of()).check();
        assertTrue(twoDurable.isEmpty(), twoDurable.toString());
    }

    private static Set<String> checkers(SimResult r) {
        return r.violations().stream().map(Violation::checker).collect(Collectors.toSet());
    }

    /** Whether {@code actor} names writes of node {@code id}: its id, or {@code id#k} after a fresh start or crash. */
    private static boolean isActorOf(String id, String actor) {
        return actor.equals(id) || actor.startsWith(id + "#");
    }
}
