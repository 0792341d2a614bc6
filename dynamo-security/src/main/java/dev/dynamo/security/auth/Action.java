package dev.dynamo.security.auth;

/** What an HTTP request does, for {@link Principal#allows(Action, String)}. */
public enum Action {
    /** Reads a table's keys: GET of a key. */
    READ,
    /** Changes a table's keys: PUT and DELETE of a key. */
    WRITE,
    /** Operates the cluster: membership (join, leave, remove), repair, metrics and status. */
    ADMIN
}
