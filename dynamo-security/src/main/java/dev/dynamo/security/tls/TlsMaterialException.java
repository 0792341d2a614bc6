package dev.dynamo.security.tls;

import java.nio.file.Path;

/**
 * A certificate, key or CA file that cannot be used, with the file (and, once known, the
 * setting that named it) in the message, for example
 * {@code tls.cert /etc/dynamo/n1.pem: expired on 2027-01-01T00:00:00Z}. Messages never contain
 * key material.
 */
public final class TlsMaterialException extends Exception {
    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final String setting;
    private final String problem;

    /** A problem with {@code file}, not yet tied to a setting. */
    public TlsMaterialException(Path file, String problem) {
        this(null, file, problem, null);
    }

    /** A problem with {@code file} caused by {@code cause}. */
    public TlsMaterialException(Path file, String problem, Throwable cause) {
        this(null, file, problem, cause);
    }

    private TlsMaterialException(String setting, Path file, String problem, Throwable cause) {
        super((setting == null ? "" : setting + " ") + file + ": " + problem, cause);
        this.setting = setting;
        this.file = file;
        this.problem = problem;
    }

    /** The same problem, its message starting with the setting that named the file (e.g. {@code tls.key}). */
    public TlsMaterialException inSetting(String settingName) {
        TlsMaterialException named = new TlsMaterialException(settingName, file, problem, getCause());
        named.setStackTrace(getStackTrace());
        return named;
    }

    /** The file at fault. */
    public Path file() {
        return file;
    }

    /** The setting that named the file, or null when the file was given directly. */
    public String setting() {
        return setting;
    }

    /** What is wrong, without the file name. */
    public String problem() {
        return problem;
    }
}
