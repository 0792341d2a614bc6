package dev.dynamo.core.ring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynamo.core.spi.Partitioner;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class RingTest {

    private static final List<NodeInfo> ABCD = List.of(NodeInfo.of("a"), NodeInfo.of("b"), NodeInfo.of("c"),
            NodeInfo.of("d"));

    /** a a b a c with d owning nothing. */
    private static Ring sample() {
        return Ring.of(7, ABCD, List.of("a", "a", "b", "a", "c"));
    }

    @Test
    void exposesWhatItWasBuiltFrom() {
        Ring ring = sample();
        assertEquals(7, ring.version());
        assertEquals(5, ring.q());
        assertEquals(ABCD, ring.nodes());
        assertEquals("b", ring.ownerOf(2));
        assertEquals(List.of(0, 1, 3), ring.partitionsOf("a"));
        assertEquals(List.of(4), ring.partitionsOf("c"));
        assertEquals(List.of(), ring.partitionsOf("d"));
        assertEquals(List.of(), ring.partitionsOf("nobody"));
        assertEquals(Optional.of(NodeInfo.of("b")), ring.node("b"));
        assertEquals(Optional.empty(), ring.node("z"));
        assertTrue(ring.contains("d"));
        assertFalse(ring.contains("z"));
        assertEquals("Ring{version=7, q=5, partitions={a=3, b=1, c=1, d=0}}", ring.toString());
    }

    @Test
    void preferenceListTakesTheFirstDistinctOwnersWalkingAndWrapping() {
        Ring ring = sample();
        assertEquals(List.of("a"), ring.preferenceList(0, 1));
        assertEquals(List.of("a", "b"), ring.preferenceList(0, 2));
        assertEquals(List.of("a", "b", "c"), ring.preferenceList(0, 3));
        assertEquals(List.of("b", "a", "c"), ring.preferenceList(2, 3));
        assertEquals(List.of("c", "a", "b"), ring.preferenceList(4, 3));
        assertEquals(List.of("a", "c", "b"), ring.preferenceList(3, 3));
        // d owns nothing: fewer owners than n gives all of them
        assertEquals(List.of("c", "a", "b"), ring.preferenceList(4, 4));
        assertEquals(List.of("a", "b", "c"), ring.preferenceList(1, 100));
    }

    @Test
    void preferenceListRejectsBadArguments() {
        Ring ring = sample();
        assertEquals("n must be >= 1, was 0",
                assertThrows(IllegalArgumentException.class, () -> ring.preferenceList(0, 0)).getMessage());
        assertEquals("partition must be in [0, 5), was 5",
                assertThrows(IllegalArgumentException.class, () -> ring.preferenceList(5, 1)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> ring.preferenceList(-1, 1));
        assertThrows(IllegalArgumentException.class, () -> ring.ownerOf(5));
    }

    @Test
    void partitionOfAKeyFollowsThePartitioner() {
        Ring ring = new RingPlanner().initial(1024, ABCD);
        Partitioner md5 = new Md5Partitioner();
        for (int i = 0; i < 100; i++) {
            byte[] key = ("k" + i).getBytes(StandardCharsets.UTF_8);
            assertEquals(md5.partition(key, 1024), ring.partitionOf(key, md5));
            assertEquals(ring.partitionOf(md5.position(key)), ring.partitionOf(key, md5));
        }
        assertEquals(0, ring.partitionOf(0L));
        assertEquals(1023, ring.partitionOf(-1L));
    }

    @Test
    void viewsAreImmutable() {
        Ring ring = sample();
        assertThrows(UnsupportedOperationException.class, () -> ring.nodes().add(NodeInfo.of("e")));
        assertThrows(UnsupportedOperationException.class, () -> ring.partitionsOf("a").add(4));
        assertThrows(UnsupportedOperationException.class, () -> ring.preferenceList(0, 2).add("x"));
    }

    @Test
    void equalityIsByValue() {
        assertEquals(sample(), sample());
        assertEquals(sample().hashCode(), sample().hashCode());
        assertNotEquals(sample(), Ring.of(8, ABCD, List.of("a", "a", "b", "a", "c")));
        assertNotEquals(sample(), Ring.of(7, ABCD, List.of("a", "a", "b", "c", "a")));
        assertNotEquals(sample(), Ring.of(7, ABCD.subList(0, 3), List.of("a", "a", "b", "a", "c")));
    }

    @Test
    void rejectsInconsistentInput() {
        assertEquals("owner of partition 1 is 'z', which is not among the nodes [a]",
                assertThrows(IllegalArgumentException.class,
                        () -> Ring.of(1, List.of(NodeInfo.of("a")), List.of("a", "z"))).getMessage());
        assertEquals("duplicate node id 'a'", assertThrows(IllegalArgumentException.class,
                () -> Ring.of(1, List.of(NodeInfo.of("a"), new NodeInfo("a", null, 2)), List.of("a"))).getMessage());
        assertEquals("q must be in [1, 1048576], was 0", assertThrows(IllegalArgumentException.class,
                () -> Ring.of(1, ABCD, List.of())).getMessage());
        assertEquals("number of nodes must be in [1, 65536], was 0", assertThrows(IllegalArgumentException.class,
                () -> new Ring(1, List.of(), new int[] {0})).getMessage());
        assertEquals("version must be >= 0, was -1", assertThrows(IllegalArgumentException.class,
                () -> Ring.of(-1, ABCD, List.of("a"))).getMessage());
        assertEquals("owner of partition 0 is node index 4, but there are 4 nodes",
                assertThrows(IllegalArgumentException.class, () -> new Ring(1, ABCD, new int[] {4})).getMessage());
    }

    /** A ring with arbitrary owners (not planned): the walk semantics hold whatever the layout. */
    @Property(tries = 300)
    void preferenceListsAreTheFirstDistinctOwners(@ForAll @IntRange(min = 1, max = 12) int nodeCount,
            @ForAll @IntRange(min = 1, max = 64) int q, @ForAll long seed,
            @ForAll @IntRange(min = 1, max = 14) int n) {
        java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
        List<NodeInfo> nodes = new ArrayList<>();
        for (int i = 0; i < nodeCount; i++) {
            nodes.add(NodeInfo.of("n" + i));
        }
        List<String> owners = new ArrayList<>();
        for (int p = 0; p < q; p++) {
            owners.add("n" + random.nextInt(nodeCount));
        }
        Ring ring = Ring.of(1, nodes, owners);
        int owning = new HashSet<>(owners).size();
        for (int p = 0; p < q; p++) {
            List<String> list = ring.preferenceList(p, n);
            assertEquals(Math.min(n, owning), list.size());
            assertEquals(list.size(), new HashSet<>(list).size(), "distinct");
            assertEquals(ring.ownerOf(p), list.get(0));
            // exactly the first occurrences along the walk
            List<String> expected = new ArrayList<>();
            Set<String> seen = new HashSet<>();
            for (int i = 0; i < q && expected.size() < n; i++) {
                String owner = owners.get((p + i) % q);
                if (seen.add(owner)) {
                    expected.add(owner);
                }
            }
            assertEquals(expected, list);
        }
    }
}
