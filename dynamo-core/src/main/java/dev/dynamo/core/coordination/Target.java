package dev.dynamo.core.coordination;

/** A replica a request goes to; a non-empty {@code hintFor} makes it a substitute for that node. */
record Target(String node, String hintFor) {
    static Target replica(String node) {
        return new Target(node, "");
    }

    boolean isHint() {
        return !hintFor.isEmpty();
    }

    /** The substitute {@code node} taking this slot over: it keeps the hint for the slot's owner. */
    Target substitutedBy(String node) {
        return new Target(node, isHint() ? hintFor : this.node);
    }
}
