package dev.dynamo.core.ring;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** Zones: preference lists spread over them, rings without them unchanged, old rings readable. */
class RingZonesTest {

    private static final RingPlanner PLANNER = new RingPlanner();
    private static final int Q = 1024;

    /** The preference list as it was computed before zones existed: the first n distinct owners. */
    private static List<String> oneZoneWalk(Ring ring, int partition, int n) {
        Set<String> found = new LinkedHashSet<>();
        int owning = (int) ring.nodes().stream().filter(x -> !ring.partitionsOf(x.id()).isEmpty()).count();
        for (int p = partition; found.size() < Math.min(n, owning); p = (p + 1) % ring.q()) {
            found.add(ring.ownerOf(p));
        }
        return List.copyOf(found);
    }

    /** Nodes named z{zone}n{i}, {@code sizes[z]} of them in zone "dc{z}", capacities 1 to 3. */
    private static List<NodeInfo> zoned(int[] sizes, SplittableRandom random) {
        List<NodeInfo> nodes = new ArrayList<>();
        for (int z = 0; z < sizes.length; z++) {
            for (int i = 0; i < sizes[z]; i++) {
                nodes.add(new NodeInfo("z" + z + "n" + i, null, 1 + random.nextInt(3), "dc" + z));
            }
        }
        return nodes;
    }

    private static List<NodeInfo> withoutZones(List<NodeInfo> nodes) {
        return nodes.stream().map(n -> n.withZone(NodeInfo.DEFAULT_ZONE)).toList();
    }

    @Property(tries = 60)
    void withOneZoneTheListIsTodaysWalkExactly(@ForAll @IntRange(min = 1, max = 12) int nodeCount,
            @ForAll @IntRange(min = 1, max = 6) int n, @ForAll long seed, @ForAll boolean named) {
        SplittableRandom random = new SplittableRandom(seed);
        List<NodeInfo> nodes = new ArrayList<>();
        for (int i = 0; i < nodeCount; i++) {
            // one zone, whatever it is called: a cluster that puts all its nodes in "dc1" keeps its placement
            nodes.add(new NodeInfo("n" + i, null, 1 + random.nextInt(3), named ? "dc1" : NodeInfo.DEFAULT_ZONE));
        }
        Ring ring = PLANNER.initial(256, nodes);
        for (int p = 0; p < ring.q(); p++) {
            assertEquals(oneZoneWalk(ring, p, n), ring.preferenceList(p, n), "partition " + p);
        }
    }

    @Test
    void aRingWithoutZonesEncodesAsBeforeAndOldSavedRingsRead() {
        // format 1, as saved in cluster.ring and gossiped before zones existed
        Ring ring = Ring.of(7, List.of(new NodeInfo("a", "10.0.0.1:7000", 1), new NodeInfo("b", null, 2)),
                List.of("a", "b", "b"));
        byte[] bytes = ring.encode();
        assertEquals(RingCodec.FORMAT, bytes[2]);
        String saved = Base64.getEncoder().encodeToString(bytes);
        Ring read = Ring.decode(Base64.getDecoder().decode(saved));
        assertEquals(ring, read);
        assertEquals(List.of(NodeInfo.DEFAULT_ZONE), read.zones());
        assertEquals(NodeInfo.DEFAULT_ZONE, read.node("b").orElseThrow().zone());
    }

    @Test
    void zonesRoundTripInFormatTwo() {
        Ring ring = PLANNER.initial(64, List.of(new NodeInfo("a", "10.0.0.1:7000", 1, "dc1"),
                new NodeInfo("b", null, 2, "dc2"), new NodeInfo("c", null, 1)));
        byte[] bytes = ring.encode();
        assertEquals(RingCodec.FORMAT_ZONES, bytes[2]);
        Ring read = Ring.decode(bytes);
        assertEquals(ring, read);
        assertArrayEquals(bytes, read.encode());
        assertEquals(List.of("dc1", "dc2", NodeInfo.DEFAULT_ZONE), read.zones());
        assertEquals("dc2", read.zoneOf("b").orElseThrow());
    }

    @Test
    void badZonesAreRefused() {
        for (String zone : List.of("", "dc 1", "dc/1", "x".repeat(65), "zoné")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new NodeInfo("a", null, 1, zone));
            assertTrue(e.getMessage().contains("zone of node 'a'"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> new NodeInfo("a", null, 1, null));
        // a format-2 ring whose zone bytes were tampered with into a space
        Ring ring = Ring.of(1, List.of(new NodeInfo("a", null, 1, "dc1"), new NodeInfo("b", null, 1, "dc2")),
                List.of("a", "b"));
        byte[] bytes = ring.encode();
        String text = new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1);
        int at = text.indexOf("dc1");
        bytes[at + 2] = ' ';
        fixCrc(bytes);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Ring.decode(bytes));
        assertTrue(e.getMessage().contains("zone"), e.getMessage());
    }

    @Test
    void formatTwoWithoutZonesIsNotCanonical() {
        // a zone name as long as "default", rewritten into it: format 2 with nothing format 1 lacks
        Ring zoned = Ring.of(1, List.of(new NodeInfo("a", null, 1, "zone-07")), List.of("a"));
        byte[] bytes = zoned.encode();
        int at = new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1).indexOf("zone-07");
        byte[] name = NodeInfo.DEFAULT_ZONE.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        System.arraycopy(name, 0, bytes, at, name.length);
        fixCrc(bytes);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Ring.decode(bytes));
        assertTrue(e.getMessage().contains("not canonical"), e.getMessage());
    }

    private static void fixCrc(byte[] bytes) {
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(bytes, 0, bytes.length - 4);
        int sum = (int) crc.getValue();
        for (int i = 0; i < 4; i++) {
            bytes[bytes.length - 4 + i] = (byte) (sum >>> (24 - 8 * i));
        }
    }

    @Test
    void twoZonesAlternateInEveryList() {
        Ring ring = PLANNER.initial(Q, zoned(new int[] {3, 3}, new SplittableRandom(1)));
        for (int p = 0; p < Q; p++) {
            List<String> pref = ring.preferenceList(p, 3);
            assertEquals(ring.ownerOf(p), pref.get(0), "the owner coordinates");
            Set<String> zones = new HashSet<>();
            pref.subList(0, 2).forEach(node -> zones.add(ring.zoneOf(node).orElseThrow()));
            assertEquals(2, zones.size(), "the first two replicas of partition " + p + " are in both zones: " + pref);
        }
    }

    /**
     * The property at Q=1024, 2-5 zones of unequal sizes: no partition has two replicas
     * in one zone while another zone with a node left out has fewer than one less (with N at most
     * the number of zones: never two replicas in one zone).
     */
    @Property(tries = 40)
    void replicasSpreadOverZones(@ForAll @IntRange(min = 2, max = 5) int zoneCount,
            @ForAll @IntRange(min = 1, max = 6) int n, @ForAll long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int[] sizes = new int[zoneCount];
        for (int z = 0; z < zoneCount; z++) {
            sizes[z] = 1 + random.nextInt(4);
        }
        Ring ring = PLANNER.initial(Q, zoned(sizes, random));
        checkSpread(ring, n);
        // and after a join and a leave
        List<NodeInfo> after = new ArrayList<>(ring.nodes());
        after.add(new NodeInfo("joiner", null, 1, "dc" + random.nextInt(zoneCount)));
        after.remove(random.nextInt(after.size() - 1));
        checkSpread(PLANNER.plan(ring, after).ring(), n);
    }

    private static void checkSpread(Ring ring, int n) {
        Map<String, Integer> zoneSizes = new HashMap<>();
        int owning = 0;
        for (NodeInfo node : ring.nodes()) {
            if (!ring.partitionsOf(node.id()).isEmpty()) {
                zoneSizes.merge(node.zone(), 1, Integer::sum);
                owning++;
            }
        }
        for (int p = 0; p < ring.q(); p++) {
            List<String> pref = ring.preferenceList(p, n);
            assertEquals(Math.min(n, owning), pref.size());
            assertEquals(pref.size(), new HashSet<>(pref).size(), "distinct");
            assertEquals(ring.ownerOf(p), pref.get(0));
            Map<String, Integer> perZone = new HashMap<>();
            pref.forEach(node -> perZone.merge(ring.zoneOf(node).orElseThrow(), 1, Integer::sum));
            if (n <= zoneSizes.size()) {
                assertEquals(pref.size(), perZone.size(), "partition " + p + ": two replicas in one zone " + pref);
            }
            for (Map.Entry<String, Integer> full : perZone.entrySet()) {
                for (Map.Entry<String, Integer> zone : zoneSizes.entrySet()) {
                    int there = perZone.getOrDefault(zone.getKey(), 0);
                    boolean roomLeft = there < zone.getValue();
                    assertTrue(!roomLeft || there >= full.getValue() - 1, "partition " + p + ": " + full.getValue()
                            + " replicas in " + full.getKey() + " but " + there + " in " + zone.getKey()
                            + ", which has a node left out: " + pref);
                }
            }
            if (n > 1 && pref.size() == n) {
                assertEquals(pref.subList(0, pref.size() - 1), ring.preferenceList(p, n - 1), "prefix");
            }
        }
    }

    /** Σ over partitions of the nodes that become replicas: the (partition, replica) copies a change makes. */
    static int replicaCopies(Ring before, Ring after, int n) {
        int copies = 0;
        for (int p = 0; p < before.q(); p++) {
            Set<String> old = new HashSet<>(before.preferenceList(p, n));
            for (String node : after.preferenceList(p, n)) {
                if (!old.contains(node)) {
                    copies++;
                }
            }
        }
        return copies;
    }

    /**
     * Joins and leaves move the same partitions with zones as without (the planner does not
     * look at zones, and keeps its fewest moves), and the replica copies they cause stay
     * within twice the zone-less ring's (a replica list that must reach into every zone
     * changes more often when an owner changes, and removing a zone's only node takes a
     * replica from every partition).
     */
    @Test
    void joinAndLeaveMoveAsLittleAsWithoutZones() {
        int[][] layouts = {{1, 2, 4}, {2, 3}, {1, 1, 2, 3, 4}, {3, 3, 3}};
        for (int[] sizes : layouts) {
            List<NodeInfo> nodes = zoned(sizes, new SplittableRandom(sizes.length));
            Ring zonedRing = PLANNER.initial(Q, nodes);
            Ring plainRing = PLANNER.initial(Q, withoutZones(nodes));
            List<List<NodeInfo>> changes = new ArrayList<>();
            List<NodeInfo> join = new ArrayList<>(nodes);
            join.add(new NodeInfo("joiner", null, 1, "dc0"));
            changes.add(join);
            changes.add(nodes.subList(1, nodes.size()));
            changes.add(nodes.subList(0, nodes.size() - 1));
            for (List<NodeInfo> after : changes) {
                RingPlan zonedPlan = PLANNER.plan(zonedRing, after);
                RingPlan plainPlan = PLANNER.plan(plainRing, withoutZones(after));
                assertEquals(plainPlan.moves(), zonedPlan.moves(), "the same partitions move");
                int zonedCopies = replicaCopies(zonedRing, zonedPlan.ring(), 3);
                int plainCopies = replicaCopies(plainRing, plainPlan.ring(), 3);
                String layout = java.util.Arrays.toString(sizes) + " -> " + after.size() + " nodes";
                // measured: 0.67 to 1.75 times as many (docs/zones.md)
                assertTrue(zonedCopies <= 2 * plainCopies, layout + ": " + zonedCopies
                        + " replica copies with zones, " + plainCopies + " without");
            }
        }
    }
}
