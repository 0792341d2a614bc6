package dev.dynamo.core.coordination;

import dev.dynamo.core.protocol.Message;
import dev.dynamo.core.table.Table;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * This node's side of a coordinator's replica requests: reads and writes of a key's versions
 * (its own, or hints it keeps for another node) and the conditional removal of purged
 * tombstones. One method per message type, registered in the node's
 * {@link dev.dynamo.core.protocol.MessageHandlers}.
 *
 * <pre>{@code
 * ReplicaService replica = new ReplicaService(local, node::table);
 * handlers.register(Message.ReplicaRead.class, replica::read)
 *         .register(Message.ReplicaWrite.class, replica::write)
 *         .register(Message.Purge.class, replica::purge);
 * }</pre>
 */
public final class ReplicaService {
    private final LocalReplica local;
    private final Function<String, Table> tables;

    /** @param tables the open table of a name, or {@link dev.dynamo.api.UnknownTableException} */
    public ReplicaService(LocalReplica local, Function<String, Table> tables) {
        this.local = Objects.requireNonNull(local, "local");
        this.tables = Objects.requireNonNull(tables, "tables");
    }

    public CompletableFuture<Message.ReplicaReadResult> read(String from, Message.ReplicaRead rr) {
        Table t = tables.apply(rr.table());
        return CompletableFuture.completedFuture(new Message.ReplicaReadResult(
                local.read(t, rr.partition(), rr.key(), rr.hintFor())));
    }

    /**
     * Merges the versions; a write asked to be durable is answered only once they are on disk:
     * also when it changed nothing, since the versions it found may have come with an
     * earlier write that was not synced yet.
     */
    public CompletableFuture<Message.ReplicaWriteResult> write(String from, Message.ReplicaWrite rw) {
        Table t = tables.apply(rw.table());
        boolean changed = local.store(t, rw.partition(), rw.key(), rw.siblings(), rw.hintFor());
        if (rw.sync()) {
            local.sync(t, rw.hintFor());
        }
        return CompletableFuture.completedFuture(new Message.ReplicaWriteResult(changed));
    }

    /** Removes a purged tombstone, only if the key still holds exactly the versions the purger saw. */
    public CompletableFuture<Message.ReplicaWriteResult> purge(String from, Message.Purge pg) {
        Table t = tables.apply(pg.table());
        return CompletableFuture.completedFuture(new Message.ReplicaWriteResult(
                t.store().removeIfUnchanged(pg.partition(), pg.key(), pg.expected())));
    }
}
