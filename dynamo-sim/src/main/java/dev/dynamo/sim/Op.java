package dev.dynamo.sim;

import dev.dynamo.api.Context;
import dev.dynamo.core.version.Dot;
import java.util.List;

/**
 * One client operation in a simulation's history: invoked, then completed as
 * {@link Status#OK}, {@link Status#FAIL} (certainly had no effect) or {@link Status#INFO}
 * (outcome unknown: it may or may not have been applied), as in Jepsen. Filled in by the
 * workload as the operation progresses; read-only once completed.
 *
 * <pre>{@code
 * Op op = history.invoke(client, "t", "k1", Op.Kind.PUT, "n2", now);
 * op.wrote("v:k1:3:7", null, context);
 * op.ok(now2).returned(ctx2, dot);
 * }</pre>
 */
public final class Op {

    /** What the client did. */
    public enum Kind {
        /** A get. */
        GET(false, false),
        /** A put with the context of the client's get just before (read-modify-write). */
        PUT(true, false),
        /** A put with the empty context: supersedes nothing. */
        BLIND_PUT(true, false),
        /** A put with the context the client's previous write of the key returned. */
        CHAINED_PUT(true, false),
        /** A delete with the context of a get just before. */
        DELETE(true, true),
        /** A delete with the empty context. */
        BLIND_DELETE(true, true),
        /** Cart: read the cart, add one item, write it back with the context read. */
        CART_ADD(true, false),
        /** Cart: write a cart of only the new item with the empty context. */
        BLIND_CART_ADD(true, false),
        /** Cart: the client's last written cart plus one item, with that write's context. */
        CHAINED_CART_ADD(true, false);

        private final boolean write;
        private final boolean delete;

        Kind(boolean write, boolean delete) {
            this.write = write;
            this.delete = delete;
        }

        public boolean isWrite() {
            return write;
        }

        public boolean isDelete() {
            return delete;
        }
    }

    /** Outcome, Jepsen style. */
    public enum Status { PENDING, OK, FAIL, INFO }

    private final int id;
    private final int client;
    private final String table;
    private final String key;
    private final Kind kind;
    private final String node;
    private final long invokedAt;
    private long completedAt = -1;
    private Status status = Status.PENDING;
    private String value;
    private String item;
    private Context sent = Context.EMPTY;
    private Context returned;
    private Dot dot;
    private List<String> readValues = List.of();
    private String error;
    private int readOf = -1;

    Op(int id, int client, String table, String key, Kind kind, String node, long invokedAt) {
        this.id = id;
        this.client = client;
        this.table = table;
        this.key = key;
        this.kind = kind;
        this.node = node;
        this.invokedAt = invokedAt;
    }

    /** Records what a write sends: its value (null for a delete), the cart item it adds, its context. */
    Op wrote(String writtenValue, String addedItem, Context context, int fromRead) {
        this.value = writtenValue;
        this.item = addedItem;
        this.sent = context;
        this.readOf = fromRead;
        return this;
    }

    Op ok(long at) {
        return complete(Status.OK, at, null);
    }

    Op complete(Status s, long at, String why) {
        if (status == Status.PENDING) {
            status = s;
            completedAt = at;
            error = why;
        }
        return this;
    }

    Op returned(Context context, Dot written) {
        this.returned = context;
        this.dot = written;
        return this;
    }

    Op read(List<String> values, Context context) {
        this.readValues = List.copyOf(values);
        this.returned = context;
        return this;
    }

    public int id() {
        return id;
    }

    public int client() {
        return client;
    }

    public String table() {
        return table;
    }

    public String key() {
        return key;
    }

    public Kind kind() {
        return kind;
    }

    /** The node the client sent it to (the coordinator, or the node that forwarded it). */
    public String node() {
        return node;
    }

    public long invokedAt() {
        return invokedAt;
    }

    public long completedAt() {
        return completedAt;
    }

    public Status status() {
        return status;
    }

    public boolean isPending() {
        return status == Status.PENDING;
    }

    /** The value a put wrote; null for gets and deletes. */
    public String value() {
        return value;
    }

    /** The cart item a cart add added; null otherwise. */
    public String item() {
        return item;
    }

    public Context sent() {
        return sent;
    }

    /** The context a get or an acknowledged write returned; null otherwise. */
    public Context returned() {
        return returned;
    }

    /** The write event of an acknowledged write, from its returned context; null otherwise. */
    public Dot dot() {
        return dot;
    }

    public List<String> readValues() {
        return readValues;
    }

    public String error() {
        return error;
    }

    /** Id of the get whose context this write used, -1 when none. */
    public int readOf() {
        return readOf;
    }

    /** One line for a history listing. */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        sb.append('#').append(id).append(" c").append(client).append(' ').append(kind).append(' ').append(key)
                .append(" via ").append(node);
        if (kind == Kind.GET) {
            sb.append(" -> ").append(status);
            if (status == Status.OK) {
                sb.append(' ').append(readValues.isEmpty() ? "[not found]" : readValues).append(" ctx=")
                        .append(returned);
            }
        } else {
            if (item != null) {
                sb.append(" +").append(item);
            } else if (value != null) {
                sb.append(" '").append(value).append('\'');
            }
            sb.append(" ctx=").append(sent);
            if (readOf >= 0) {
                sb.append(" (from #").append(readOf).append(')');
            }
            sb.append(" -> ").append(status);
            if (dot != null) {
                sb.append(" dot=").append(dot.node()).append(':').append(dot.counter());
            }
        }
        if (error != null) {
            sb.append(" (").append(error).append(')');
        }
        return sb.toString();
    }
}
