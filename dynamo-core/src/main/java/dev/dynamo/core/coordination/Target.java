package dev.dynamo.core.coordination;

/** A replica a request goes to; a non-empty {@code hintFor} makes it a substitute for that node. */
record Target(String node, String hintFor) {
    static Target replica(String node) {
        return new Target(node, "");
    }

    /** The preference node this slot belongs to: the replica itself, or the one a substitute stands in for. */
    String owner() {
        return isHint() ? hintFor : node;
    }

    boolean isHint() {
        return !hintFor.isEmpty();
    }

    /** The substitute {@code node} taking this slot over: it keeps the hint for the slot's owner. */
    Target substitutedBy(String node) {
        return new Target(node, isHint() ? hintFor : this.node);
    }
}
