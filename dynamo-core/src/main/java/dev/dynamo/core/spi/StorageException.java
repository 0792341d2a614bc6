package dev.dynamo.core.spi;

/** An engine failed: I/O error, bad data directory, use after close. The message says which and where. */
public class StorageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StorageException(String message) {
        super(message);
    }

    public StorageException(String message, Throwable cause) {
        super(message, cause);
    }
}
