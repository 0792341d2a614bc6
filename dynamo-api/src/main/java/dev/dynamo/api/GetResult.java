package dev.dynamo.api;

import java.util.List;
import java.util.Objects;

/**
 * What a get returns: zero versions (absent or deleted), one (reconciled), or several
 * concurrent siblings the table's reconciler chose to keep; and the context to hand back
 * to the next put or delete so that it supersedes all of them.
 *
 * <pre>{@code
 * GetResult r = client.get("default", key);
 * if (r.isFound() && !r.hasSiblings()) use(r.value());
 * }</pre>
 */
public record GetResult(List<Versioned> siblings, Context context) {
    public GetResult {
        siblings = List.copyOf(Objects.requireNonNull(siblings, "siblings"));
        Objects.requireNonNull(context, "context");
    }

    public static GetResult notFound(Context context) {
        return new GetResult(List.of(), context);
    }

    public boolean isFound() {
        return !siblings.isEmpty();
    }

    public boolean hasSiblings() {
        return siblings.size() > 1;
    }

    /**
     * The single value.
     *
     * @throws IllegalStateException when absent or when there are siblings
     */
    public byte[] value() {
        if (siblings.size() != 1) {
            throw new IllegalStateException(siblings.isEmpty()
                    ? "key not found" : "key has " + siblings.size() + " siblings; read siblings()");
        }
        return siblings.get(0).value();
    }
}
