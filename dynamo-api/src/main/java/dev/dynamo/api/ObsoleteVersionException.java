package dev.dynamo.api;

/** A write carried a version that a stored version already supersedes. */
public class ObsoleteVersionException extends DynamoException {
    private static final long serialVersionUID = 1L;

    public ObsoleteVersionException(String message) {
        super(message);
    }

    @Override
    public String code() {
        return "obsolete_version";
    }
}
