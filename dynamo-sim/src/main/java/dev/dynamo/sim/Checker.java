package dev.dynamo.sim;

import dev.dynamo.core.spi.Plugins;
import dev.dynamo.core.spi.Reconciler;
import dev.dynamo.core.spi.Sibling;
import dev.dynamo.core.version.Dot;
import dev.dynamo.core.version.SiblingSet;
import dev.dynamo.core.version.Version;
import dev.dynamo.reconcilers.Cart;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Judges one run's {@link History} against the final state of the replicas and the
 * {@link VersionLedger}, checking exactly what the table's configuration promises (see
 * {@code docs/simulation.md}, "Guarantees"):
 *
 * <ul>
 *   <li>(a) every acknowledged write is in the final state, or causally superseded (a later
 *       write's context covers its dot; on {@code siblings} tables its client must also have
 *       seen it, see {@link #saw}), or discarded by design: by a concurrent write that
 *       wins last-write-wins ({@code lww}), folded into a cart that contains it, lost to a
 *       concurrent cart add ({@code cart-union}: add wins) or, a delete, folded into a later
 *       concurrent delete ({@code cart-union}, while what it deleted stays deleted), or, on a
 *       {@code buffered} table
 *       only, lost because every node that stored it crashed before its engine flushed it.
 *       Also (a-ack): an acknowledged write was stored on at least W nodes (table or hint)
 *       when it was acknowledged, unless already discarded by one of the same reasons;</li>
 *   <li>(b) on {@code siblings} and {@code cart-union} tables, a write lost while a
 *       concurrent acknowledged write survived is reported as such;</li>
 *   <li>(c) {@code cart-union}: every acknowledged cart add's item is in the final merged
 *       cart, unless a delete covered the add, or ({@code buffered}) the add was lost in
 *       crashes;</li>
 *   <li>(d) after the heal, hint delivery and anti-entropy, every replica of every key holds
 *       the same versions and no hint is pending;</li>
 *   <li>(f) no version an acknowledged write's context covered is in the final state (what
 *       a write replaced stays replaced, even when the write's own version was dropped by
 *       design later), unless that write was lost in buffered crashes;</li>
 *   <li>(e) no value appears, in a read or in the final state, that no client wrote; no two
 *       different writes share one write id (dot), not even after a crash.</li>
 * </ul>
 *
 * <pre>{@code
 * Checker c = new Checker(config, history, ledger, finalState, holdersAtAck, converged);
 * List<Violation> v = c.check();
 * }</pre>
 */
final class Checker {

    /** How one acknowledged write ended up. */
    enum Fate { PRESENT, SUPERSEDED, DISCARDED_BY_DESIGN, LOST_IN_CRASH, PURGED, LOST }

    private final SimConfig config;
    private final History history;
    private final VersionLedger ledger;
    private final Map<String, Map<String, SiblingSet>> finalState;
    private final Map<Integer, Long> holdersAtAck;
    private final boolean converged;
    private final Reconciler lww = Plugins.reconciler("lww").create(SimConfig.TABLE, Map.of());
    private final Reconciler cart = Plugins.reconciler("cart-union").create(SimConfig.TABLE, Map.of());
    private final Map<Integer, Fate> fates = new LinkedHashMap<>();
    private Map<Integer, Long> durableAtAck = Map.of();
    private List<DiskFault> diskFaults = List.of();

    Checker(SimConfig config, History history, VersionLedger ledger, Map<String, Map<String, SiblingSet>> finalState,
            Map<Integer, Long> holdersAtAck, boolean converged) {
        this.config = config;
        this.history = history;
        this.ledger = ledger;
        this.finalState = finalState;
        this.holdersAtAck = holdersAtAck;
        this.converged = converged;
    }

    /**
     * Also checks durability at acknowledgement ({@code sync} tables: on W nodes, by the nodes
     * whose engine had synced it, see {@link VersionLedger.Known#durableOn()}) and how the
     * nodes behaved during {@code diskFaults}.
     */
    Checker withDurability(Map<Integer, Long> durableAtAck, List<DiskFault> diskFaults) {
        this.durableAtAck = Map.copyOf(durableAtAck);
        this.diskFaults = List.copyOf(diskFaults);
        return this;
    }

    List<Violation> check() {
        List<Violation> out = new ArrayList<>();
        checkConvergence(out);
        checkNoInventedValues(out);
        checkAcknowledgedWrites(out);
        checkSupersededStayGone(out);
        checkNoResurrection(out);
        checkStorageErrors(out);
        if (config.isCart()) {
            checkCartAdds(out);
        }
        return out;
    }

    /** Writes acknowledged to their client. */
    int acknowledgedWrites() {
        return (int) history.ops().stream().filter(o -> o.kind().isWrite() && o.status() == Op.Status.OK).count();
    }

    /** Acknowledged writes gone from the final state without an allowed reason (violations). */
    int acknowledgedLost() {
        return (int) fates.values().stream().filter(f -> f == Fate.LOST).count();
    }

    /** Acknowledged writes gone by design (lww, cart merge, buffered crash). */
    Map<Fate, Integer> fateCounts() {
        Map<Fate, Integer> out = new LinkedHashMap<>();
        for (Fate f : Fate.values()) {
            out.put(f, 0);
        }
        fates.values().forEach(f -> out.merge(f, 1, Integer::sum));
        return out;
    }

    // ------------------------------------------------------------------ (d)

    private void checkConvergence(List<Violation> out) {
        if (converged && finalState.values().stream().allMatch(Checker::agree)) {
            return;
        }
        long at = lastEventTime();
        for (Map.Entry<String, Map<String, SiblingSet>> e : finalState.entrySet()) {
            SiblingSet first = null;
            for (SiblingSet s : e.getValue().values()) {
                if (first == null) {
                    first = s;
                } else if (!sameVersions(first, s)) {
                    StringBuilder sb = new StringBuilder("replicas differ after heal and anti-entropy:");
                    e.getValue().forEach((node, set) -> sb.append("\n      ").append(node).append(": ")
                            .append(describe(set)));
                    out.add(new Violation("d", e.getKey(), at, sb.toString()));
                    break;
                }
            }
        }
        if (out.isEmpty()) {
            out.add(new Violation("d", null, at, "hints still pending after the last convergence round"));
        }
    }

    // ------------------------------------------------------------------ (e)

    private void checkNoInventedValues(List<Violation> out) {
        Map<String, Set<String>> written = new HashMap<>();
        Map<String, Set<String>> items = new HashMap<>();
        for (Op op : history.ops()) {
            if (op.value() != null) {
                written.computeIfAbsent(op.key(), k -> new HashSet<>()).add(op.value());
            }
            if (op.item() != null) {
                items.computeIfAbsent(op.key(), k -> new HashSet<>()).add(op.item());
            }
        }
        for (Op op : history.ops()) {
            if (op.kind() != Op.Kind.GET || op.status() != Op.Status.OK) {
                continue;
            }
            for (String v : op.readValues()) {
                String bad = invented(op.key(), v, written, items);
                if (bad != null) {
                    out.add(new Violation("e", op.key(), op.invokedAt(), "get #" + op.id() + " read " + bad));
                }
            }
        }
        finalState.forEach((key, replicas) -> replicas.forEach((node, set) -> {
            for (Version v : set.live()) {
                String value = new String(v.value(), StandardCharsets.UTF_8);
                if (!written.getOrDefault(key, Set.of()).contains(value)) {
                    out.add(new Violation("e", key, lastEventTime(), "replica " + node + " holds '" + value
                            + "' (dot " + dot(v.dot()) + "), which no client wrote to this key"));
                }
            }
        }));
        Set<VersionLedger.WriteId> reported = new HashSet<>();
        for (VersionLedger.Anomaly a : ledger.anomalies()) {
            if (reported.add(a.earlier().id())) {
                out.add(new Violation("e-dot", a.earlier().id().key(), a.at(), a.toString()));
            }
        }
    }

    /** Null when {@code value} is something a client wrote (cart: every item of it was added), else why not. */
    private String invented(String key, String value, Map<String, Set<String>> written,
                            Map<String, Set<String>> items) {
        if (!config.isCart()) {
            return written.getOrDefault(key, Set.of()).contains(value) ? null
                    : "'" + value + "', which no client wrote to this key";
        }
        Optional<Cart> cart = Cart.tryFromJson(value.getBytes(StandardCharsets.UTF_8));
        if (cart.isEmpty()) {
            return "'" + value + "', which is not a cart";
        }
        for (String item : cart.get().items().keySet()) {
            if (!items.getOrDefault(key, Set.of()).contains(item)) {
                return "a cart with item '" + item + "', which no client added to this key";
            }
        }
        return null;
    }

    // ------------------------------------------------------------------ (a), (b)

    private void checkAcknowledgedWrites(List<Violation> out) {
        Map<String, Map<Dot, Version>> present = new HashMap<>();
        finalState.forEach((key, replicas) -> {
            Map<Dot, Version> m = new HashMap<>();
            replicas.values().forEach(s -> s.versions().forEach(v -> m.putIfAbsent(v.dot(), v)));
            present.put(key, m);
        });
        List<Op> acked = new ArrayList<>();
        for (Op op : history.ops()) {
            if (op.kind().isWrite() && op.status() == Op.Status.OK) {
                acked.add(op);
            }
        }
        for (Op op : acked) {
            VersionLedger.Known known = op.dot() == null ? null
                    : ledger.known(new VersionLedger.WriteId(op.table(), op.key(), op.dot()));
            if (known == null && discardedOnCoordination(op)) {
                // lww (or a cart delete losing to a concurrent add) can drop the new version in the
                // coordinator's own compaction, before any engine stores it: by design
                fates.put(op.id(), Fate.DISCARDED_BY_DESIGN);
                continue;
            }
            if (known == null || !sameWrite(known.version(), op)) {
                fates.put(op.id(), Fate.LOST);
                out.add(new Violation("a-ack", op.key(), op.completedAt(), "acknowledged " + op.kind() + " #"
                        + op.id() + " (dot " + (op.dot() == null ? "?" : dot(op.dot())) + ") was never stored"
                        + " by any node" + (known == null ? "" : "; that dot names another write: "
                        + VersionLedger.describe(known.version()))));
                continue;
            }
            Version mine = known.version();
            Version held = present.get(op.key()).get(op.dot());
            long holders = holdersAtAck.getOrDefault(op.id(), 0L);
            if (holders < config.w() && designExcuse(op, mine, op.completedAt()) == null) {
                out.add(new Violation("a-ack", op.key(), op.completedAt(), "acknowledged " + op.kind() + " #"
                        + op.id() + " (dot " + dot(op.dot()) + ") was stored on " + holders + " node(s) when it was"
                        + " acknowledged, fewer than w=" + config.w()));
            }
            long durable = durableAtAck.getOrDefault(op.id(), 0L);
            if (config.durability() == dev.dynamo.core.table.TableConfig.Durability.SYNC && durable < config.w()
                    && designExcuse(op, mine, op.completedAt()) == null) {
                out.add(new Violation("a-durable", op.key(), op.completedAt(), "acknowledged " + op.kind() + " #"
                        + op.id() + " (dot " + dot(op.dot()) + ") on a sync table was durable on " + durable
                        + " node(s) " + known.durableOn() + " when it was acknowledged, fewer than w=" + config.w()
                        + " (stored by " + known.holders() + ")"));
            }
            if (held != null && sameVersion(held, mine)) {
                fates.put(op.id(), Fate.PRESENT);
                continue;
            }
            if (mine.tombstone() && !known.purgedOn().isEmpty() && deleteHolds(op.key(), op.sent())) {
                // the purge removed it once every replica held it; what it deleted must stay deleted ((g) too)
                fates.put(op.id(), Fate.PURGED);
                continue;
            }
            String excuse = designExcuse(op, mine, Long.MAX_VALUE);
            if (excuse != null) {
                fates.put(op.id(), excuse.startsWith("superseded") ? Fate.SUPERSEDED : Fate.DISCARDED_BY_DESIGN);
                continue;
            }
            if (config.durability() == dev.dynamo.core.table.TableConfig.Durability.BUFFERED
                    && known.lostEverywhereInCrashes()) {
                fates.put(op.id(), Fate.LOST_IN_CRASH);
                continue;
            }
            fates.put(op.id(), Fate.LOST);
            String where = "stored by " + known.holders() + (known.lostOn().isEmpty() ? ""
                    : ", lost in crashes on " + known.lostOn());
            Op survivor = null;
            if (!config.isLww()) {
                for (Op other : acked) {
                    Version ov = other.dot() == null ? null : present.get(other.key()).get(other.dot());
                    if (other != op && other.key().equals(op.key()) && ov != null && concurrent(ov, mine)) {
                        survivor = other;
                        break;
                    }
                }
            }
            if (survivor != null) {
                out.add(new Violation("b", op.key(), op.completedAt(), "acknowledged " + op.kind() + " #" + op.id()
                        + " (dot " + dot(op.dot()) + ") is gone while the concurrent acknowledged " + survivor.kind()
                        + " #" + survivor.id() + " (dot " + dot(survivor.dot()) + ") survived; it was " + where
                        + "; final: " + describe(finalState.get(op.key()))));
            } else {
                out.add(new Violation("a", op.key(), op.completedAt(), "acknowledged " + op.kind() + " #" + op.id()
                        + " (dot " + dot(op.dot()) + ") is gone and no stored write superseded it; it was " + where
                        + "; final: " + describe(finalState.get(op.key()))));
            }
        }
    }

    /**
     * (f) What an acknowledged write replaced stays replaced: no version whose dot the
     * context of an acknowledged put or delete covered (its client had read it, or read
     * something that had) is in the final state, whatever happened to that write's own
     * version afterwards (superseded, or dropped by design). Unless that write was lost
     * in buffered crashes: the crash rolled back what it dropped as well.
     */
    private void checkSupersededStayGone(List<Violation> out) {
        for (Map.Entry<String, Map<String, SiblingSet>> e : finalState.entrySet()) {
            Map<Dot, Version> present = new LinkedHashMap<>();
            e.getValue().values().forEach(set -> set.versions().forEach(v -> present.putIfAbsent(v.dot(), v)));
            for (Version p : present.values()) {
                for (Op op : history.ops()) {
                    if (op.key().equals(e.getKey()) && op.kind().isWrite() && op.status() == Op.Status.OK
                            && p.isCoveredBy(op.sent()) && fates.get(op.id()) != Fate.LOST_IN_CRASH
                            && fates.get(op.id()) != Fate.LOST) {
                        out.add(new Violation("f", e.getKey(), op.completedAt(), "version " + dot(p.dot())
                                + (p.tombstone() ? " (a tombstone)" : " '" + new String(p.value(),
                                StandardCharsets.UTF_8) + "'") + " is in the final state though acknowledged "
                                + op.kind() + " #" + op.id() + " (dot " + (op.dot() == null ? "?" : dot(op.dot()))
                                + ") had read and replaced it; final: " + describe(e.getValue())));
                        break;
                    }
                }
            }
        }
    }

    /**
     * (g) A purged tombstone's key does not come back: no version that a tombstone some node
     * purged had covered is in the final state, whether the delete was acknowledged or of
     * unknown outcome (it was stored, so its effect was visible). A tombstone lost in buffered
     * crashes on every node that stored it is exempt: its effect went with it.
     */
    private void checkNoResurrection(List<Violation> out) {
        for (Map.Entry<String, Map<String, SiblingSet>> e : finalState.entrySet()) {
            Map<Dot, Version> present = new LinkedHashMap<>();
            e.getValue().values().forEach(set -> set.versions().forEach(v -> present.putIfAbsent(v.dot(), v)));
            for (VersionLedger.Known t : ledger.versionsOf(SimConfig.TABLE, e.getKey())) {
                if (!t.version().tombstone() || t.purgedOn().isEmpty()
                        || config.durability() == dev.dynamo.core.table.TableConfig.Durability.BUFFERED
                        && t.lostEverywhereInCrashes()) {
                    continue;
                }
                for (Version p : present.values()) {
                    if (!p.dot().equals(t.version().dot()) && p.isCoveredBy(t.version().context())) {
                        out.add(new Violation("g", e.getKey(), t.firstStoredAt(), "resurrection: version "
                                + dot(p.dot()) + (p.tombstone() ? " (a tombstone)" : " '" + new String(p.value(),
                                StandardCharsets.UTF_8) + "'") + " is in the final state though tombstone "
                                + dot(t.version().dot()) + ", purged on " + t.purgedOn() + ", had deleted it; final: "
                                + describe(e.getValue())));
                        break;
                    }
                }
            }
        }
    }

    /**
     * A failing engine reaches clients as a typed error ({@code DynamoException}), never as
     * the engine's own exception; a node whose disk is full still serves reads (a get
     * through it fails only for the reasons any get may: too few replicas, the deadline).
     */
    private void checkStorageErrors(List<Violation> out) {
        for (Op op : history.ops()) {
            String error = op.error();
            if (error == null || op.status() == Op.Status.OK) {
                continue;
            }
            if (error.startsWith("StorageException")) {
                out.add(new Violation("u", op.key(), op.completedAt(), op.kind() + " #" + op.id() + " via "
                        + op.node() + " failed with the engine's untyped exception: " + error));
            }
            if (op.kind() == Op.Kind.GET && error.contains("no space left")) {
                for (DiskFault f : diskFaults) {
                    if (f.kind() == FaultKind.DISK_FULL && f.covers(op.node(), op.invokedAt())) {
                        out.add(new Violation("u", op.key(), op.completedAt(), "get #" + op.id() + " via "
                                + op.node() + " failed because that node's disk was full: " + error));
                        break;
                    }
                }
            }
        }
    }

    /**
     * Why the table may have dropped {@code mine} by design, considering versions first
     * stored by {@code until}; null when nothing excuses it.
     */
    private String designExcuse(Op op, Version mine, long until) {
        for (Op w : history.ops()) {
            // a write no engine kept (lww, or a cart delete losing to a concurrent add), acknowledged
            // or of unknown outcome, still dropped at its coordinator the versions its context covered
            if (w.kind().isWrite() && w != op && w.key().equals(op.key()) && w.invokedAt() <= until
                    && mine.isCoveredBy(w.sent()) && saw(w, mine, 0)) {
                return "superseded by #" + w.id();
            }
        }
        if (keepsAll()) {
            // every stored version has its writer above, which must have seen it
            return null;
        }
        Cart myCart = config.isCart() && !mine.tombstone() ? Cart.tryFromJson(mine.value()).orElse(null) : null;
        for (VersionLedger.Known k : ledger.versionsOf(op.table(), op.key())) {
            Version v = k.version();
            if (v.dot().equals(mine.dot()) || k.firstStoredAt() > until) {
                continue;
            }
            if (mine.isSupersededBy(v)) {
                return "superseded by " + dot(v.dot());
            }
            if (!concurrent(v, mine)) {
                continue;
            }
            if (config.isLww() && lww.reconcile(List.of(mine.toSibling(), v.toSibling())).get(0).equals(v.toSibling())) {
                return "lww: concurrent " + dot(v.dot()) + " wins";
            }
            if (config.isCart() && !v.tombstone()) {
                Optional<Cart> other = Cart.tryFromJson(v.value());
                if (other.isPresent() && (mine.tombstone() || other.get().union(myCart).equals(other.get()))) {
                    return mine.tombstone() ? "cart: a concurrent add wins over a delete"
                            : "cart: folded into concurrent cart " + dot(v.dot());
                }
            }
            if (config.isCart() && mine.tombstone() && v.tombstone() && keptInstead(mine, v)
                    && deleteHolds(op.key(), mine.context())) {
                return "cart: concurrent delete " + dot(v.dot()) + " kept in its place";
            }
        }
        return null;
    }

    /**
     * True when the cart reconciler, given the concurrent tombstones {@code mine} and
     * {@code other}, keeps {@code other} alone: the later timestamp (by the coordinators'
     * clocks). Two tombstones with one timestamp are identical to the reconciler, and the
     * store then keeps both, so neither is excused.
     */
    private boolean keptInstead(Version mine, Version other) {
        Sibling m = mine.toSibling();
        Sibling o = other.toSibling();
        return !m.equals(o) && cart.reconcile(List.of(m, o)).equals(List.of(o));
    }

    /**
     * True when what a delete with context {@code deleted} covered is still gone: no version
     * of the key whose dot that context covers is in the final state. A delete folded into a
     * concurrent one (or lost to a concurrent cart add) is dropped by design, but only as a
     * version: its effect on what it had read must stay.
     */
    private boolean deleteHolds(String key, dev.dynamo.api.Context deleted) {
        for (SiblingSet replica : finalState.getOrDefault(key, Map.of()).values()) {
            for (Version v : replica.versions()) {
                if (v.isCoveredBy(deleted)) {
                    return false;
                }
            }
        }
        return true;
    }

    /** A {@code siblings} table: a get returns every live version, so what a client saw is known. */
    private boolean keepsAll() {
        return config.reconciler().equals("siblings");
    }

    /**
     * True when write {@code w}'s client had seen {@code mine} when it made its context: it
     * read mine's value, or a version whose writer in turn had seen mine, or a delete covered
     * it; a chained write inherits what its client's previous write had seen. Only checked on
     * {@code siblings} tables (elsewhere reads show a reconciled value, and true otherwise):
     * a context also covers versions a replica dropped while remembering their ids, which is
     * how a bug that drops siblings would otherwise pass as "superseded".
     */
    private boolean saw(Op w, Version mine, int depth) {
        if (!keepsAll() || mine.tombstone() || depth > 50) {
            return true;
        }
        if (w.readOf() >= 0) {
            return explained(history.op(w.readOf()), mine, depth);
        }
        if (w.kind() == Op.Kind.CHAINED_PUT || w.kind() == Op.Kind.CHAINED_CART_ADD) {
            Op prev = null;
            for (Op o : history.ops()) { // bounded: the history is finite; the last OK write before w
                if (o.id() >= w.id()) {
                    break;
                }
                if (o.client() == w.client() && o.key().equals(w.key()) && o.kind().isWrite()
                        && o.status() == Op.Status.OK && o.completedAt() <= w.invokedAt()) {
                    prev = o;
                }
            }
            return prev != null && (mine.dot().equals(prev.dot()) || saw(prev, mine, depth + 1));
        }
        return false;
    }

    /** True when get {@code g} showed {@code mine}, or something whose writer had seen it. */
    private boolean explained(Op g, Version mine, int depth) {
        String value = new String(mine.value(), StandardCharsets.UTF_8);
        if (g.readValues().contains(value)) {
            return true;
        }
        for (String read : g.readValues()) {
            VersionLedger.Known u = ledger.byValue(g.table(), g.key(), read);
            Op writer = u == null ? null : writerOf(g.key(), u.version());
            if (u != null && mine.isSupersededBy(u.version()) && (writer == null || saw(writer, mine, depth + 1))) {
                return true;
            }
        }
        for (VersionLedger.Known k : ledger.versionsOf(g.table(), g.key())) {
            if (k.version().tombstone() && k.firstStoredAt() <= g.completedAt() && mine.isSupersededBy(k.version())) {
                Op writer = writerOf(g.key(), k.version());
                if (writer == null || saw(writer, mine, depth + 1)) {
                    return true; // reads do not show tombstones: a delete that covered it explains it
                }
            }
        }
        return false;
    }

    /** The operation that wrote {@code v}, or null when unknown (a delete of unknown outcome). */
    private Op writerOf(String key, Version v) {
        String value = v.tombstone() ? null : new String(v.value(), StandardCharsets.UTF_8);
        for (Op o : history.ops()) {
            if (o.key().equals(key) && o.kind().isWrite()
                    && (v.dot().equals(o.dot()) || value != null && value.equals(o.value()))) {
                return o;
            }
        }
        return null;
    }

    /**
     * True when a write no engine ever stored may have been dropped at once, by its
     * coordinator's compaction, in favour of a concurrent version the coordinator held
     * (stored before the acknowledgement): under lww any such version (the new version's
     * timestamp is not recorded here, so any may have won); on a cart table, for a delete a
     * concurrent cart (add wins) or a concurrent delete (the later one is kept; see
     * {@link #keptInstead}), provided what the delete covered stays deleted; for a cart add a
     * concurrent cart that already holds every item of it. The last happens when a forwarded
     * write is retried after a timeout whose first attempt was applied after all: the item is
     * already in the cart, and the retry's version adds nothing.
     */
    private boolean discardedOnCoordination(Op op) {
        if (op.dot() == null || !(config.isLww() || config.isCart())) {
            return false;
        }
        Cart myCart = config.isCart() && !op.kind().isDelete() && op.value() != null
                ? Cart.tryFromJson(op.value().getBytes(StandardCharsets.UTF_8)).orElse(null) : null;
        if (config.isCart() && !op.kind().isDelete() && myCart == null) {
            return false;
        }
        for (VersionLedger.Known k : ledger.versionsOf(op.table(), op.key())) {
            Version v = k.version();
            boolean concurrent = !v.dot().equals(op.dot()) && !op.sent().covers(v.dot().node(), v.dot().counter())
                    && !v.context().covers(op.dot().node(), op.dot().counter());
            if (!concurrent || k.firstStoredAt() > op.completedAt()) {
                continue;
            }
            if (config.isLww()) {
                return true;
            }
            if (op.kind().isDelete()) {
                if (!v.tombstone() || deleteHolds(op.key(), op.sent())) {
                    return true;
                }
            } else if (!v.tombstone()) {
                Optional<Cart> other = Cart.tryFromJson(v.value());
                if (other.isPresent() && other.get().union(myCart).equals(other.get())) {
                    return true;
                }
            }
        }
        return false;
    }

    // ------------------------------------------------------------------ (c)

    private void checkCartAdds(List<Violation> out) {
        for (Map.Entry<String, Map<String, SiblingSet>> e : finalState.entrySet()) {
            Cart merged = Cart.empty();
            for (SiblingSet s : e.getValue().values()) {
                for (Version v : s.live()) {
                    merged = merged.union(Cart.tryFromJson(v.value()).orElse(Cart.empty()));
                }
            }
            for (Op op : history.ops()) {
                if (!op.key().equals(e.getKey()) || op.item() == null || op.status() != Op.Status.OK
                        || merged.items().containsKey(op.item())) {
                    continue;
                }
                VersionLedger.Known known = op.dot() == null ? null
                        : ledger.known(new VersionLedger.WriteId(op.table(), op.key(), op.dot()));
                if (op.dot() != null && deletedLater(op, op.dot())) {
                    continue;
                }
                if (known != null && config.durability() == dev.dynamo.core.table.TableConfig.Durability.BUFFERED
                        && known.lostEverywhereInCrashes()) {
                    continue;
                }
                out.add(new Violation("c", op.key(), op.completedAt(), "acknowledged " + op.kind() + " #" + op.id()
                        + " added '" + op.item() + "' (dot " + (op.dot() == null ? "?" : dot(op.dot()))
                        + "), which is not in the final cart " + merged.toJsonString() + " and no delete covered it"));
            }
        }
    }

    /**
     * True when a delete's context covers the add: a stored tombstone's, or that of a delete
     * whose tombstone no engine kept (a concurrent add won over it at once, but the versions
     * its context covered were dropped all the same). Deletes of unknown outcome count: they
     * may have been applied. By the add's dot, so that an add whose own version no engine
     * kept (folded at its coordinator into a cart already holding its item) counts as well.
     */
    private boolean deletedLater(Op op, Dot add) {
        for (VersionLedger.Known k : ledger.versionsOf(op.table(), op.key())) {
            if (k.version().tombstone() && !k.version().dot().equals(add)
                    && k.version().context().covers(add.node(), add.counter())) {
                return true;
            }
        }
        for (Op d : history.ops()) {
            if (d.kind().isDelete() && d.key().equals(op.key()) && d.status() != Op.Status.FAIL
                    && d.sent().covers(add.node(), add.counter())) {
                return true;
            }
        }
        return false;
    }

    // ------------------------------------------------------------------ helpers

    private static boolean agree(Map<String, SiblingSet> replicas) {
        SiblingSet first = null;
        for (SiblingSet s : replicas.values()) {
            if (first == null) {
                first = s;
            } else if (!sameVersions(first, s)) {
                return false;
            }
        }
        return true;
    }

    static boolean sameVersions(SiblingSet a, SiblingSet b) {
        if (a.versions().size() != b.versions().size()) {
            return false;
        }
        for (int i = 0; i < a.versions().size(); i++) {
            if (!sameVersion(a.versions().get(i), b.versions().get(i))) {
                return false;
            }
        }
        return true;
    }

    private static boolean sameVersion(Version a, Version b) {
        return a.dot().equals(b.dot()) && a.tombstone() == b.tombstone()
                && java.util.Arrays.equals(a.value(), b.value());
    }

    private static boolean sameWrite(Version v, Op op) {
        if (op.kind().isDelete()) {
            return v.tombstone();
        }
        return !v.tombstone() && new String(v.value(), StandardCharsets.UTF_8).equals(op.value());
    }

    private static boolean concurrent(Version a, Version b) {
        return !a.dot().equals(b.dot()) && !a.isSupersededBy(b) && !b.isSupersededBy(a);
    }

    private static String dot(Dot d) {
        return d.node() + ":" + d.counter();
    }

    private static String describe(SiblingSet set) {
        List<String> parts = new ArrayList<>();
        for (Version v : set.versions()) {
            parts.add(dot(v.dot()) + (v.tombstone() ? "=<tombstone>" : "='" + new String(v.value(),
                    StandardCharsets.UTF_8) + "'"));
        }
        return parts + " seen=" + set.seen();
    }

    private static String describe(Map<String, SiblingSet> replicas) {
        StringBuilder sb = new StringBuilder();
        replicas.forEach((node, set) -> sb.append(sb.length() == 0 ? "" : "; ").append(node).append(' ')
                .append(describe(set)));
        return sb.toString();
    }

    private long lastEventTime() {
        long at = history.origin();
        for (History.Event e : history.events()) {
            at = Math.max(at, e.at());
        }
        return at;
    }
}
