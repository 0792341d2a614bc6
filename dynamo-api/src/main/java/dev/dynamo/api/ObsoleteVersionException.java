package dev.dynamo.api;

/** A write carried a version that a stored version already supersedes ({@link ErrorCode#OBSOLETE_VERSION}). */
public class ObsoleteVersionException extends DynamoException {
    private static final long serialVersionUID = 1L;

    public ObsoleteVersionException(String message) {
        super(ErrorCode.OBSOLETE_VERSION, message);
    }
}
