package dev.dynamo.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ClusterMemberTest {

    @Test
    void parsesAnEntry() {
        ClusterMember m = ClusterMember.parse(" n2@127.0.0.1:7082:8082 ");
        assertEquals(new ClusterMember("n2", "127.0.0.1", 7082, 8082, 1.0), m);
        assertEquals("127.0.0.1:7082", m.binaryAddress());
        assertEquals("127.0.0.1:8082", m.httpAddress());
        assertEquals("n2@127.0.0.1:7082:8082", m.toString());
    }

    @Test
    void parsesCapacityAndIpv6() {
        ClusterMember m = ClusterMember.parse("big@[::1]:7000:8000/2.5");
        assertEquals("[::1]", m.host());
        assertEquals(7000, m.binaryPort());
        assertEquals(8000, m.httpPort());
        assertEquals(2.5, m.capacity());
        assertEquals("big@[::1]:7000:8000/2.5", m.toString());
        assertEquals(m, ClusterMember.parse(m.toString()));
    }

    @Test
    void parsesAZone() {
        ClusterMember m = ClusterMember.parse("n4@[::1]:7000:8000/2; zone=dc-2 ");
        assertEquals(new ClusterMember("n4", "[::1]", 7000, 8000, 2.0, "dc-2"), m);
        assertEquals("n4@[::1]:7000:8000/2.0;zone=dc-2", m.toString());
        assertEquals(m, ClusterMember.parse(m.toString()));
        assertEquals("dc-2", m.nodeInfo().zone());
        assertEquals("default", ClusterMember.parse("n1@h:1:2").zone());
    }

    @Test
    void rejectsMalformedEntries() {
        for (String bad : new String[] {"", "n1", "@h:1:2", "n1@h:1", "n1@:1:2", "n1@h:1:2/0", "n1@h:-1:2",
                                        "n 1@h:1:2", "n1@h h:1:2",
                                        "n1@h:1:2;", "n1@h:1:2;zone=", "n1@h:1:2;zone=a b", "n1@h:1:2;dc=x",
                                        "n1@h:1:2;zone=a;zone=b"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ClusterMember.parse(bad),
                    bad);
            assertEquals(true, e.getMessage().startsWith("entry '" + bad.trim() + "' is not "
                    + ClusterMember.FORM), e.getMessage());
        }
    }
}
