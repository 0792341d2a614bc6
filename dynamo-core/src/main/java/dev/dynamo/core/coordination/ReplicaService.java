package dev.dynamo.core.coordination;

import dev.dynamo.api.BadRequestException;
import dev.dynamo.core.protocol.Message;
import dev.dynamo.core.table.Table;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * This node's side of a coordinator's replica requests: reads and writes of a key's versions
 * (its own, or hints it keeps for another node) and the conditional removal of purged
 * tombstones. One method per message type, registered in the node's
 * {@link dev.dynamo.core.protocol.MessageHandlers}.
 *
 * <pre>{@code
 * ReplicaService replica = new ReplicaService(local, node::table, node::replicates, node::knows);
 * handlers.register(Message.ReplicaRead.class, replica::read)
 *         .register(Message.ReplicaWrite.class, replica::write)
 *         .register(Message.Purge.class, replica::purge);
 * }</pre>
 */
public final class ReplicaService {
    private final LocalReplica local;
    private final Function<String, Table> tables;
    private final Ownership ownership;
    private final Predicate<String> knownNode;

    /** A replica of every partition (tests, tools): see {@link #ReplicaService(LocalReplica, Function, Ownership, Predicate)}. */
    public ReplicaService(LocalReplica local, Function<String, Table> tables) {
        this(local, tables, Ownership.EVERY, node -> true);
    }

    /**
     * @param tables    the open table of a name, or {@link dev.dynamo.api.UnknownTableException}
     * @param ownership which partitions this node replicates under its ring: a write for another
     *                  one is stored but answered as not a replica's, so it does not count towards W
     * @param knownNode whether a node id is one this node knows (in its ring or its members): a
     *                  hint is kept only for such a node, since each hint target gets its own
     *                  books in the hint store and a peer must not create them for invented names
     */
    public ReplicaService(LocalReplica local, Function<String, Table> tables, Ownership ownership,
                          Predicate<String> knownNode) {
        this.local = Objects.requireNonNull(local, "local");
        this.tables = Objects.requireNonNull(tables, "tables");
        this.ownership = Objects.requireNonNull(ownership, "ownership");
        this.knownNode = Objects.requireNonNull(knownNode, "knownNode");
    }

    private void checkHintTarget(String hintFor) {
        if (local.isHint(hintFor) && !knownNode.test(hintFor)) {
            throw new BadRequestException("a hint for node '" + hintFor + "', which is neither in this node's ring"
                    + " nor among its members, is refused");
        }
    }

    public CompletableFuture<Message.ReplicaReadResult> read(String from, Message.ReplicaRead rr) {
        Table t = tables.apply(rr.table());
        checkHintTarget(rr.hintFor());
        return CompletableFuture.completedFuture(new Message.ReplicaReadResult(
                local.read(t, rr.partition(), rr.key(), rr.hintFor())));
    }

    /**
     * Merges the versions; a write asked to be durable is answered only once they are on disk:
     * also when it changed nothing, since the versions it found may have come with an
     * earlier write that was not synced yet. The answer says whether this node took the write
     * as one of the key's replicas (or as a hint for the node named): a write for a partition
     * it does not replicate under its ring is kept all the same (the sender's ring may be the
     * newer one; data movement and cleanup settle it), but it does not count towards W.
     */
    public CompletableFuture<Message.ReplicaWriteResult> write(String from, Message.ReplicaWrite rw) {
        Table t = tables.apply(rw.table());
        checkHintTarget(rw.hintFor());
        boolean counts = local.isHint(rw.hintFor()) || ownership.replicates(t, rw.partition());
        boolean changed = local.store(t, rw.partition(), rw.key(), rw.siblings(), rw.hintFor());
        if (rw.sync()) {
            local.sync(t, rw.hintFor());
        }
        return CompletableFuture.completedFuture(new Message.ReplicaWriteResult(changed, counts));
    }

    /** Removes a purged tombstone, only if the key still holds exactly the versions the purger saw. */
    public CompletableFuture<Message.ReplicaWriteResult> purge(String from, Message.Purge pg) {
        Table t = tables.apply(pg.table());
        return CompletableFuture.completedFuture(new Message.ReplicaWriteResult(
                t.store().removeIfUnchanged(pg.partition(), pg.key(), pg.expected())));
    }
}
