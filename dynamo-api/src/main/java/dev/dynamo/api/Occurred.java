package dev.dynamo.api;

/** How one vector clock relates to another. */
public enum Occurred {
    /** This clock happened before the other one: the other supersedes it. */
    BEFORE,
    /** This clock happened after the other one: it supersedes the other. */
    AFTER,
    /** The clocks are identical. */
    EQUAL,
    /** Neither clock saw the other: the versions are siblings. */
    CONCURRENT
}
