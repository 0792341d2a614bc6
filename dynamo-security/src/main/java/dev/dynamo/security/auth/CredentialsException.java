package dev.dynamo.security.auth;

import java.nio.file.Path;

/**
 * A credentials file that cannot be used, naming the file and the line
 * ({@code /etc/dynamo/users: line 3: ...}). The message never repeats the line's content, which
 * may hold a password pasted by mistake.
 */
public final class CredentialsException extends Exception {
    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final int line;

    /** A problem on {@code line} (1-based; 0 for the file as a whole). */
    public CredentialsException(Path file, int line, String problem) {
        this(file, line, problem, null);
    }

    /** A problem on {@code line} caused by {@code cause}. */
    public CredentialsException(Path file, int line, String problem, Throwable cause) {
        super(file + (line > 0 ? ": line " + line : "") + ": " + problem, cause);
        this.file = file;
        this.line = line;
    }

    /** The file. */
    public Path file() {
        return file;
    }

    /** The 1-based line at fault, or 0 when the problem is the file as a whole. */
    public int line() {
        return line;
    }
}
