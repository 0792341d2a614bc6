package dev.dynamo.security.auth;

import dev.dynamo.security.tls.Names;
import java.util.Set;

/**
 * An authenticated HTTP user and its grants.
 *
 * <pre>{@code
 * Optional<Principal> who = credentials.verify(user, password);
 * if (who.isEmpty()) { return 401; }
 * if (!who.get().allows(Action.WRITE, table)) { return 403; }
 * }</pre>
 *
 * @param name  the user name
 * @param roles its grants
 */
public record Principal(String name, Set<Role> roles) {

    public Principal {
        Names.require(name, "user name");
        roles = Set.copyOf(roles);
    }

    /**
     * Whether some grant permits {@code action} on {@code table}. The table is ignored for
     * {@link Action#ADMIN}; for reads and writes it must be given.
     */
    public boolean allows(Action action, String table) {
        if (action != Action.ADMIN && table == null) {
            throw new IllegalArgumentException(action + " needs a table");
        }
        for (Role role : roles) {
            if (role.allows(action, table)) {
                return true;
            }
        }
        return false;
    }
}
