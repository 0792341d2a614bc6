package dev.dynamo.core.backup;

/**
 * A backup that cannot be taken or a backup directory that cannot be restored: the message
 * names the directory or file and says what to do.
 */
public final class BackupException extends RuntimeException {
    public BackupException(String message) {
        super(message);
    }

    public BackupException(String message, Throwable cause) {
        super(message, cause);
    }
}
