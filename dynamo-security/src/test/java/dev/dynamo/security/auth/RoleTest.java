package dev.dynamo.security.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RoleTest {

    @Test
    void theAllowDenyMatrix() {
        // role -> {read orders, write orders, read users, write users, admin}
        assertMatrix("read:orders", true, false, false, false, false);
        assertMatrix("write:orders", true, true, false, false, false);
        assertMatrix("read:*", true, false, true, false, false);
        assertMatrix("write:*", true, true, true, true, false);
        assertMatrix("admin", false, false, false, false, true);
    }

    @Test
    void aPrincipalHoldsTheUnionOfItsRoles() {
        Principal operator = new Principal("ops", Set.of(Role.admin(), Role.read("*")));
        assertTrue(operator.allows(Action.ADMIN, null));
        assertTrue(operator.allows(Action.READ, "orders"));
        assertFalse(operator.allows(Action.WRITE, "orders"));

        Principal app = new Principal("app", Set.of(Role.read("users"), Role.write("orders")));
        assertTrue(app.allows(Action.READ, "users"));
        assertTrue(app.allows(Action.WRITE, "orders"));
        assertFalse(app.allows(Action.WRITE, "users"));
        assertFalse(app.allows(Action.ADMIN, null));
        assertThrows(IllegalArgumentException.class, () -> app.allows(Action.READ, null));
    }

    @Test
    void aTableNamedLikeTheWildcardIsNotEveryTable() {
        assertFalse(Role.read("orders").allows(Action.READ, "*"));
    }

    @Test
    void theFileFormRoundTrips() {
        for (String text : List.of("admin", "read:orders", "write:orders", "read:*", "write:*", "read:a-b_9")) {
            assertEquals(text, Role.parse(text).toString());
        }
    }

    @Test
    void otherFormsAreRefusedWithoutRepeatingThem() {
        for (String text : List.of("", "Admin", "read", "read:", "write:a b", "delete:orders", "admin:orders", ":orders",
                "read:orders:x")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Role.parse(text), text);
            assertTrue(e.getMessage().equals("a role is admin, read:<table>, write:<table>, read:* or write:*")
                    || e.getMessage().equals("a read or write role needs a table name (1 to 64 letters, digits, '-' or '_')"
                            + " or '*'"), e.getMessage());
        }
    }

    private static void assertMatrix(String role, boolean readOrders, boolean writeOrders, boolean readUsers,
            boolean writeUsers, boolean admin) {
        Role r = Role.parse(role);
        assertEquals(List.of(readOrders, writeOrders, readUsers, writeUsers, admin),
                List.of(r.allows(Action.READ, "orders"), r.allows(Action.WRITE, "orders"), r.allows(Action.READ, "users"),
                        r.allows(Action.WRITE, "users"), r.allows(Action.ADMIN, null)),
                role);
    }
}
