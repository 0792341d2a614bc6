package dev.dynamo.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynamo.core.cluster.ClusterState;
import dev.dynamo.core.protocol.Message;
import dev.dynamo.core.ring.NodeInfo;
import dev.dynamo.core.ring.Ring;
import dev.dynamo.core.ring.RingPlanner;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RingFileTest {
    @TempDir
    Path dir;

    private final Ring ring = new RingPlanner().initial(8, List.of(NodeInfo.of("n1"), NodeInfo.of("n2")));

    private static Message.NodeAddress address(String id, String binary, String http) {
        return new Message.NodeAddress(id, binary, http);
    }

    @Test
    void whatIsSavedLoadsBackIncludingAddressesNotKnown() {
        RingFile file = new RingFile(dir);
        ClusterState state = ClusterState.of(ring, List.of(address("n1", "10.0.0.1:7081", "10.0.0.1:8081"),
                address("n2", "", ""), address("n3", "[::1]:7081", "")));

        file.save(state);

        assertEquals(state, file.load().orElseThrow());
        assertFalse(Files.exists(dir.resolve(RingFile.NAME + ".tmp")), "no temporary file is left behind");
    }

    @Test
    void aGossipedAddressWithASpaceFailsTheSaveAndLeavesTheSavedRingAsItWas() throws Exception {
        RingFile file = new RingFile(dir);
        ClusterState good = ClusterState.of(ring, List.of(address("n1", "10.0.0.1:7081", "10.0.0.1:8081")));
        file.save(good);
        byte[] before = Files.readAllBytes(file.path());

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> file.save(
                ClusterState.of(ring, List.of(address("n1", "10.0.0.1:7081", "10.0.0.1:8081"),
                        address("n2", "evil host:7081", "h:8081")))));

        assertTrue(e.getMessage().contains("binary address of node 'n2' ('evil host:7081')"), e.getMessage());
        assertTrue(e.getMessage().contains(file.path().toString()), e.getMessage());
        assertEquals(new String(before, StandardCharsets.UTF_8),
                new String(Files.readAllBytes(file.path()), StandardCharsets.UTF_8));
        assertEquals(good, file.load().orElseThrow(), "the node still restarts with the last good ring");
    }

    @Test
    void aDamagedFileFailsTheLoadNamingTheFileAndTheProblem() throws Exception {
        RingFile file = new RingFile(dir);
        file.save(ClusterState.of(ring, List.of(address("n1", "h:1", "h:2"))));
        Files.writeString(file.path(), Files.readString(file.path()) + "address.n2=a b c\n");

        IllegalStateException e = assertThrows(IllegalStateException.class, file::load);

        assertTrue(e.getMessage().startsWith("cannot read the saved ring " + file.path() + ": "), e.getMessage());
        assertTrue(e.getMessage().contains("entry 'address.n2' must be '<binary address> <http address>'"),
                e.getMessage());

        Files.writeString(file.path(), "ring=bm90IGEgcmluZw==\n");
        e = assertThrows(IllegalStateException.class, file::load);
        assertTrue(e.getMessage().contains("its 'ring' entry is not a ring"), e.getMessage());

        Files.writeString(file.path(), "address.n1=h:1 h:2\n");
        e = assertThrows(IllegalStateException.class, file::load);
        assertTrue(e.getMessage().contains("it has no 'ring' entry"), e.getMessage());
    }

    @Test
    void noFileIsNoSavedRing() {
        assertTrue(new RingFile(dir.resolve("none")).load().isEmpty());
    }
}
