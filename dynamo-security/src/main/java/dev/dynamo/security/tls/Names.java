package dev.dynamo.security.tls;

import java.util.regex.Pattern;

/**
 * The one rule for names that end up in certificates and file names: node ids, client names and
 * HTTP user names are 1 to 64 letters, digits, {@code -} or {@code _} (the rule node ids already
 * follow in {@code node.properties}).
 */
public final class Names {
    /** 1 to 64 letters, digits, '-' or '_'. */
    public static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    private Names() {
    }

    /** Whether {@code name} follows the rule. */
    public static boolean isValid(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    /**
     * Returns {@code name} if it follows the rule.
     *
     * @param what what the name is, for the message (e.g. "node id")
     * @throws IllegalArgumentException naming {@code what} and the rule otherwise
     */
    public static String require(String name, String what) {
        if (!isValid(name)) {
            throw new IllegalArgumentException(what + " '" + name + "' must be 1 to 64 letters, digits, '-' or '_'");
        }
        return name;
    }
}
