package dev.dynamo.server.cli;

/** Exit codes of the command line (documented in docs/operating.md, "Exit codes"). */
final class ExitCodes {
    /** The command did what was asked. */
    static final int OK = 0;
    /** get: the key does not exist (or was deleted); status: some node does not answer. */
    static final int NOT_FOUND = 1;
    /** Any error: bad usage, bad configuration, or a store error (its code printed to stderr). */
    static final int ERROR = 2;

    private ExitCodes() {
    }
}
