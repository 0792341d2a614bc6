package dev.dynamo.core.spi;

import java.util.Set;

/** A configuration named a plugin that is not on the class path. */
public class UnknownPluginException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public UnknownPluginException(String kind, String name, Set<String> installed) {
        super(kind + " '" + name + "' is not installed; installed " + kind + "s: "
                + (installed.isEmpty() ? "(none)" : String.join(", ", installed)));
    }
}
