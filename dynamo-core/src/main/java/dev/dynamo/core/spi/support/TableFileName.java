package dev.dynamo.core.spi.support;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Turns a table name into a file name that is valid on every file system: bytes of the name's
 * UTF-8 encoding outside {@code [A-Za-z0-9_-]} become {@code %XX} (upper-case hex), and the
 * empty name becomes {@code %}.
 *
 * <p>Caller may assume: the result is never empty, contains no path separator, dot or space,
 * and is the same for the same table in every release (engines find their existing files by
 * it, so it must not change); two different table names give two different file names.
 *
 * <pre>{@code
 * Path file = TableFileName.in(context.dataDir(), context.table(), ".mv.db");
 * // table "my table" -> <dataDir>/my%20table.mv.db
 * }</pre>
 */
public final class TableFileName {

    private TableFileName() {
    }

    /** {@code table} made safe as a file name. */
    public static String of(String table) {
        if (table.isEmpty()) {
            return "%";
        }
        StringBuilder out = new StringBuilder(table.length());
        for (byte b : table.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xFF;
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xF, 16)));
            }
        }
        return out.toString();
    }

    /** {@code dir/<of(table)><suffix>}, e.g. {@code in(dir, "carts", ".rocksdb")}. */
    public static Path in(Path dir, String table, String suffix) {
        return dir.resolve(of(table) + suffix);
    }
}
