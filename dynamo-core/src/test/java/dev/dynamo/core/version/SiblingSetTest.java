package dev.dynamo.core.version;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynamo.api.Context;
import dev.dynamo.api.VectorClock;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class SiblingSetTest {

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void twoWritesWithTheSameContextThroughOneCoordinatorStaySiblings() {
        // Both clients read the empty context and write through n1. Plain per-node vector
        // clocks would give [n1:1] and [n1:2], which look ordered, and drop the first write.
        Version first = new Version(new Dot("n1", 1), Context.EMPTY, 10, false, b("x"));
        SiblingSet s = SiblingSet.EMPTY.add(first).set();
        Version second = new Version(new Dot("n1", s.maxCounter("n1") + 1), Context.EMPTY, 11, false, b("y"));
        s = s.add(second).set();
        assertEquals(2, s.size());
    }

    @Test
    void aWriteWhoseContextCoversAVersionSupersedesIt() {
        Version first = new Version(new Dot("n1", 1), Context.EMPTY, 10, false, b("x"));
        SiblingSet s = SiblingSet.EMPTY.add(first).set();
        Version second = new Version(new Dot("n2", 1), s.context(), 11, false, b("y"));
        SiblingSet.Added a = s.add(second);
        assertTrue(a.changed());
        assertEquals(List.of(second), a.set().versions());
    }

    @Test
    void theContextOfAWriteThatBecameASiblingClaimsOnlyWhatItsWriterSaw() {
        Version first = new Version(new Dot("n1", 1), Context.EMPTY, 10, false, b("x"));
        Version second = new Version(new Dot("n1", 2), Context.EMPTY, 11, false, b("y"));
        SiblingSet s = SiblingSet.EMPTY.add(first).set().add(second).set();
        Context secondsWriter = second.fullContext();
        assertTrue(secondsWriter.covers("n1", 2));
        assertFalse(secondsWriter.covers("n1", 1), "n1:1 was concurrent and unseen");
        Version third = Version.tombstone(new Dot("n1", 3), secondsWriter, 12);
        s = s.add(third).set();
        assertEquals(2, s.size(), "the delete removed only the writer's own value");
        assertEquals(List.of(first, third), s.versions());
    }

    @Test
    void anOldOrDuplicateVersionIsObsolete() {
        Version first = new Version(new Dot("n1", 1), Context.EMPTY, 10, false, b("x"));
        Version second = new Version(new Dot("n2", 1), first.fullContext(), 11, false, b("y"));
        SiblingSet s = SiblingSet.EMPTY.add(second).set();
        assertFalse(s.add(first).changed(), "first is covered by second's clock");
        assertFalse(s.add(second).changed(), "duplicate delivery");
    }

    @Test
    void tombstonesTakePartInCausality() {
        Version live = new Version(new Dot("n1", 1), Context.EMPTY, 10, false, b("x"));
        SiblingSet s = SiblingSet.EMPTY.add(live).set();
        Version delete = Version.tombstone(new Dot("n1", 2), s.context(), 11);
        s = s.add(delete).set();
        assertTrue(s.isDeleted());
        Version concurrentWrite = new Version(new Dot("n2", 1), Context.EMPTY, 12, false, b("z"));
        s = s.add(concurrentWrite).set();
        assertFalse(s.isDeleted(), "a write the delete did not see survives it");
        assertEquals(1, s.live().size());
    }

    /**
     * Random histories: clients read some replica, then write through a random coordinator
     * with the context they read; the coordinator replicates its whole sibling set to one
     * more replica. Whatever order the replicas then receive everything in, they end with
     * the same set, and it is exactly the writes no later writer had actually seen (tracked
     * here independently of clocks), so no write is lost to a context that claims too much.
     */
    @Property(tries = 500)
    void replicasConvergeToTheWritesNoWriterHadSeen(@ForAll long seed) {
        Random random = new Random(seed);
        String[] nodes = {"n1", "n2", "n3"};
        List<SiblingSet> replicas = new ArrayList<>(List.of(SiblingSet.EMPTY, SiblingSet.EMPTY, SiblingSet.EMPTY));
        List<SiblingSet> coordinated = new ArrayList<>();
        Map<Dot, Set<Dot>> seenBy = new HashMap<>();
        int writes = 1 + random.nextInt(14);
        for (int i = 0; i < writes; i++) {
            SiblingSet readFrom = replicas.get(random.nextInt(3));
            boolean blind = random.nextInt(4) == 0;
            Context read = blind ? Context.EMPTY : readFrom.context();
            Set<Dot> seen = new HashSet<>();
            if (!blind) {
                for (Version v : readFrom.versions()) {
                    seen.add(v.dot());
                    seen.addAll(seenBy.get(v.dot()));
                }
            }
            int c = random.nextInt(3);
            SiblingSet local = replicas.get(c);
            long counter = Math.max(local.maxCounter(nodes[c]), read.clock().counter(nodes[c])) + 1;
            Version v = new Version(new Dot(nodes[c], counter), read, i, random.nextInt(5) == 0, new byte[0]);
            seenBy.put(v.dot(), seen);
            SiblingSet after = local.add(v).set();
            replicas.set(c, after);
            coordinated.add(after);
            int other = random.nextInt(3);
            replicas.set(other, replicas.get(other).merge(after).set());
        }
        Set<Dot> expected = new HashSet<>(seenBy.keySet());
        seenBy.values().forEach(expected::removeAll);
        for (int r = 0; r < 3; r++) {
            List<SiblingSet> order = new ArrayList<>(coordinated);
            Collections.shuffle(order, random);
            SiblingSet s = replicas.get(r);
            for (SiblingSet delivered : order) {
                s = s.merge(delivered).set();
            }
            Set<Dot> actual = new HashSet<>();
            s.versions().forEach(v -> actual.add(v.dot()));
            assertEquals(expected, actual, "replica " + r);
        }
        SiblingSet a = replicas.get(0);
        SiblingSet b = replicas.get(1);
        assertEquals(a.merge(b).set(), b.merge(a).set(), "merge is commutative");
        assertEquals(a, a.merge(a).set(), "merge is idempotent");
    }

    /**
     * With a last-write-wins compactor, replicas drop losers on write. Dots must never be
     * issued twice (the seen clock remembers dropped ones), replicas must converge, and the
     * survivor is the latest of the writes no writer had seen.
     */
    @Property(tries = 500)
    void compactedReplicasConvergeOnTheLatestWriteWithoutReusingDots(@ForAll long seed) {
        Random random = new Random(seed);
        dev.dynamo.core.store.SiblingCompactor lww = new dev.dynamo.core.store.SiblingCompactor(siblings ->
                List.of(siblings.stream().max(java.util.Comparator.comparingLong(
                        dev.dynamo.core.spi.Sibling::timestamp)).orElseThrow()));
        String[] nodes = {"n1", "n2", "n3"};
        List<SiblingSet> replicas = new ArrayList<>(List.of(SiblingSet.EMPTY, SiblingSet.EMPTY, SiblingSet.EMPTY));
        List<SiblingSet> coordinated = new ArrayList<>();
        Set<Dot> issued = new HashSet<>();
        Map<Dot, Set<Dot>> seenBy = new HashMap<>();
        int writes = 1 + random.nextInt(14);
        for (int i = 0; i < writes; i++) {
            SiblingSet readFrom = replicas.get(random.nextInt(3));
            boolean blind = random.nextInt(3) == 0;
            Context read = blind ? Context.EMPTY : readFrom.context();
            int c = random.nextInt(3);
            SiblingSet local = replicas.get(c);
            Dot dot = new Dot(nodes[c], Math.max(local.maxCounter(nodes[c]), read.clock().counter(nodes[c])) + 1);
            assertTrue(issued.add(dot), "dot " + dot + " issued twice");
            Set<Dot> seen = new HashSet<>();
            if (!blind) {
                readFrom.versions().forEach(v -> seen.add(v.dot()));
                readFrom.versions().forEach(v -> seen.addAll(seenBy.get(v.dot())));
            }
            seenBy.put(dot, seen);
            Version v = new Version(dot, read, i, false, new byte[] {(byte) i});
            SiblingSet after = lww.apply(local.add(v).set());
            replicas.set(c, after);
            coordinated.add(after);
            int other = random.nextInt(3);
            replicas.set(other, lww.apply(replicas.get(other).merge(after).set()));
        }
        List<SiblingSet> finals = new ArrayList<>();
        for (int r = 0; r < 3; r++) {
            List<SiblingSet> order = new ArrayList<>(coordinated);
            Collections.shuffle(order, random);
            SiblingSet s = replicas.get(r);
            for (SiblingSet delivered : order) {
                s = lww.apply(s.merge(delivered).set());
            }
            finals.add(s);
        }
        assertEquals(finals.get(0).versions(), finals.get(1).versions());
        assertEquals(finals.get(0).versions(), finals.get(2).versions());
        Set<Dot> unseen = new HashSet<>(seenBy.keySet());
        seenBy.values().forEach(unseen::removeAll);
        long latest = unseen.stream().mapToLong(d -> {
            for (int i = 0; i < writes; i++) {
                // timestamps equal write order; find this dot's timestamp through the coordinated sets
                for (Version v : coordinated.get(i).versions()) {
                    if (v.dot().equals(d)) {
                        return v.timestamp();
                    }
                }
            }
            return -1;
        }).max().orElseThrow();
        assertEquals(1, finals.get(0).size());
        assertEquals(latest, finals.get(0).versions().get(0).timestamp());
    }

    @Test
    void codecRoundTripsAndRejectsGarbage() {
        Version v1 = new Version(new Dot("n1", 3), Context.of(VectorClock.EMPTY.increment("n2", 5)), 99, false, b("hello"));
        Version v2 = Version.tombstone(new Dot("n2", 7), Context.EMPTY, 100);
        SiblingSet s = new SiblingSet(List.of(v1, v2));
        SiblingSet back = SiblingSetCodec.decode(SiblingSetCodec.encode(s));
        assertEquals(s, back);
        assertEquals("hello", new String(back.versions().get(0).value(), StandardCharsets.UTF_8));
        Random random = new Random(7);
        for (int i = 0; i < 10_000; i++) {
            byte[] junk = new byte[random.nextInt(64)];
            random.nextBytes(junk);
            try {
                SiblingSetCodec.decode(junk);
            } catch (IllegalArgumentException expected) {
                // the only acceptable failure
            }
        }
    }

    @Test
    void aSetOfThousandsOfVersionsAndAWideClockDecodesAgain() {
        // a fixed cap of 4096 versions here once left keys stored that no read could decode
        List<Version> many = new ArrayList<>();
        List<VectorClock.Entry> wide = new ArrayList<>();
        for (int i = 1; i <= 5_000; i++) {
            many.add(new Version(new Dot("n1", i), Context.EMPTY, i, i % 2 == 0, i % 2 == 0 ? new byte[0] : b("v")));
            wide.add(new VectorClock.Entry("node-" + i, i, i));
        }
        SiblingSet s = new SiblingSet(many, VectorClock.of(wide));
        assertEquals(s, SiblingSetCodec.decode(SiblingSetCodec.encode(s)));
    }

    @Test
    void aCountLargerThanTheBytesLeftIsRefusedBeforeAnythingIsAllocated() {
        // format, empty seen clock, then a version count of 2^31 - 1 and nothing else
        byte[] hostile = {1, 0, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x07};
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SiblingSetCodec.decode(hostile));
        assertTrue(e.getMessage().contains("cannot fit"), e.getMessage());
        byte[] hostileClock = {1, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x07};
        assertThrows(IllegalArgumentException.class,
                () -> SiblingSetCodec.decode(hostileClock));
    }

    @Test
    void theSizeHintCoversTheEncodingSoTheWriterNeverGrows() {
        Random random = new Random(7);
        for (int round = 0; round < 200; round++) {
            SiblingSet set = SiblingSet.EMPTY;
            int siblings = 1 + random.nextInt(5);
            for (int i = 0; i < siblings; i++) {
                String node = "node-" + "x".repeat(random.nextInt(19)); // ids of up to 24 bytes
                byte[] value = new byte[random.nextInt(4096)];
                Context context = random.nextBoolean() ? Context.EMPTY : set.context();
                set = set.add(new Version(new Dot(node, set.maxCounter(node) + 1), context, 10 + i, false, value)).set();
            }
            int encoded = SiblingSetCodec.encode(set).length;
            assertTrue(encoded <= SiblingSetCodec.sizeHint(set),
                    "encoded " + encoded + " bytes, hint " + SiblingSetCodec.sizeHint(set) + " for " + set);
        }
    }
}
