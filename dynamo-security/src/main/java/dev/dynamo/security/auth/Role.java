package dev.dynamo.security.auth;

import dev.dynamo.security.tls.Names;
import java.util.Locale;
import java.util.Objects;

/**
 * One grant of an HTTP user, written in the credentials file as {@code admin},
 * {@code read:<table>}, {@code write:<table>}, {@code read:*} or {@code write:*}. Write implies
 * read on the same tables. {@code admin} grants the cluster operations only, not data: an
 * operator who also reads data holds both, e.g. {@code admin,read:*}.
 *
 * <pre>{@code
 * Role role = Role.parse("write:orders");
 * role.allows(Action.READ, "orders");   // true: write implies read
 * role.allows(Action.WRITE, "users");   // false
 * }</pre>
 *
 * @param kind  the kind of grant
 * @param table the table name, {@link #ALL_TABLES} for every table, or null for {@link Kind#ADMIN}
 */
public record Role(Kind kind, String table) {
    /** The table of a grant on every table. */
    public static final String ALL_TABLES = "*";

    /** The kinds of grant. */
    public enum Kind {
        /** Cluster operations. */
        ADMIN,
        /** Reads of a table. */
        READ,
        /** Reads and writes of a table. */
        WRITE
    }

    public Role {
        Objects.requireNonNull(kind, "kind");
        if (kind == Kind.ADMIN) {
            if (table != null) {
                throw new IllegalArgumentException("admin takes no table");
            }
        } else if (!ALL_TABLES.equals(table) && !Names.isValid(table)) {
            throw new IllegalArgumentException("a read or write role needs a table name (1 to 64 letters, digits,"
                    + " '-' or '_') or '*'");
        }
    }

    /** The {@code admin} role. */
    public static Role admin() {
        return new Role(Kind.ADMIN, null);
    }

    /** Read access to {@code table} (or {@code *}). */
    public static Role read(String table) {
        return new Role(Kind.READ, table);
    }

    /** Read and write access to {@code table} (or {@code *}). */
    public static Role write(String table) {
        return new Role(Kind.WRITE, table);
    }

    /**
     * Parses the file form.
     *
     * @throws IllegalArgumentException if {@code text} is none of the forms; the message does not repeat it
     */
    public static Role parse(String text) {
        if ("admin".equals(text)) {
            return admin();
        }
        int colon = text.indexOf(':');
        if (colon > 0) {
            String kind = text.substring(0, colon);
            String table = text.substring(colon + 1);
            if (kind.equals("read")) {
                return read(table);
            }
            if (kind.equals("write")) {
                return write(table);
            }
        }
        throw new IllegalArgumentException("a role is admin, read:<table>, write:<table>, read:* or write:*");
    }

    /**
     * Whether this grant permits {@code action} on {@code table} (ignored for {@link Action#ADMIN}).
     */
    public boolean allows(Action action, String table) {
        return switch (action) {
            case ADMIN -> kind == Kind.ADMIN;
            case READ -> (kind == Kind.READ || kind == Kind.WRITE) && covers(table);
            case WRITE -> kind == Kind.WRITE && covers(table);
        };
    }

    private boolean covers(String requested) {
        return requested != null && (ALL_TABLES.equals(table) || table.equals(requested));
    }

    /** The file form, e.g. {@code read:orders}. */
    @Override
    public String toString() {
        return kind == Kind.ADMIN ? "admin" : kind.name().toLowerCase(Locale.ROOT) + ":" + table;
    }
}
