package dev.dynamo.core.coordination;

import dev.dynamo.core.handoff.HintStore;
import dev.dynamo.core.table.Table;
import dev.dynamo.core.version.SiblingSet;
import java.util.Objects;

/**
 * This node as a replica: a key's versions read from or merged into a table, or, when the
 * node stands in for another one (sloppy quorum, paper §4.6), into the hint store on that
 * node's behalf. Used both for requests from coordinators ({@link ReplicaService}) and by
 * this node's own coordinators, so a local replica behaves exactly like a remote one.
 *
 * <pre>{@code
 * LocalReplica local = new LocalReplica("n1", hints);
 * boolean changed = local.store(table, partition, key, siblings, "");   // into the table
 * local.store(table, partition, key, siblings, "n3");                   // a hint for n3
 * }</pre>
 */
public final class LocalReplica {
    private final String self;
    private final HintStore hints;

    public LocalReplica(String self, HintStore hints) {
        this.self = Objects.requireNonNull(self, "self");
        this.hints = Objects.requireNonNull(hints, "hints");
    }

    /** What this node holds of a key: its table's versions, or what it keeps for {@code hintFor}. */
    public SiblingSet read(Table t, int partition, byte[] key, String hintFor) {
        return isOwn(hintFor)
                ? t.store().get(partition, key)
                : hints.read(hintFor, t.config().name(), partition, key);
    }

    /** Merges versions into the table, or keeps them as a hint for {@code hintFor}; true when something changed. */
    public boolean store(Table t, int partition, byte[] key, SiblingSet set, String hintFor) {
        if (isOwn(hintFor)) {
            return t.store().merge(partition, key, set).changed();
        }
        return hints.store(hintFor, t.config().name(), partition, key, set);
    }

    /**
     * Makes a write that {@link #store} made durable, together with every earlier write to
     * the table or the hint store: also when this write changed nothing because an earlier,
     * not yet synced one had brought the same versions (group commit: free when nothing is
     * left unsynced, and on a {@code sync} table it waits for the fsync such a write started).
     */
    public void sync(Table t, String hintFor) {
        if (isOwn(hintFor)) {
            t.store().sync();
        } else {
            hints.sync();
        }
    }

    /** True when {@code hintFor} names another node: what is stored is kept for it, as a hint. */
    public boolean isHint(String hintFor) {
        return !isOwn(hintFor);
    }

    private boolean isOwn(String hintFor) {
        return hintFor.isEmpty() || hintFor.equals(self);
    }
}
