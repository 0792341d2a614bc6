package dev.dynamo.sim.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.dynamo.api.Context;
import dev.dynamo.api.VectorClock;
import dev.dynamo.api.Versioned;
import dev.dynamo.core.node.DynamoNode;
import dev.dynamo.core.protocol.Message;
import dev.dynamo.core.protocol.MessageCodec;
import dev.dynamo.core.table.TableConfig;
import dev.dynamo.core.version.Dot;
import dev.dynamo.core.version.SiblingSet;
import dev.dynamo.core.version.SiblingSetCodec;
import dev.dynamo.core.version.Version;
import dev.dynamo.testing.TestCluster;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fuzzes the node-to-node binary codec ({@link MessageCodec#decode}, with the
 * {@link SiblingSetCodec} and {@link Context} decoders inside it) and a node's
 * {@link DynamoNode#handle} with random bytes and mutations of valid encodings of every
 * message kind. The contract: decode returns a message or throws
 * {@link IllegalArgumentException}, nothing else; no input makes it allocate far beyond
 * its own size; a node answers every input with a decodable message (an error for garbage),
 * never an internal error. {@code -Dfuzz.inputs=1000000} runs a million inputs.
 */
class MessageCodecFuzzTest {

    @TempDir
    Path dir;

    @Test
    @Timeout(600) // a guard against a hang, far above the CI share's run time
    void decodeAcceptsOrRejectsCleanly() {
        int inputs = FuzzBudget.inputs(FuzzBudget.DEFAULT_INPUTS);
        long seed = FuzzBudget.seed();
        Mutator m = new Mutator(new Random(seed));
        List<byte[]> corpus = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            corpus.add(MessageCodec.encode(randomMessage(m.random())));
        }
        int decoded = 0;
        for (int i = 0; i < inputs; i++) {
            byte[] input = i % 10 == 0 ? m.randomBytes(64)
                    : m.mutate(corpus.get(m.random().nextInt(corpus.size())), corpus.get(m.random().nextInt(corpus.size())));
            long before = FuzzBudget.allocatedBytes();
            try {
                Message msg = MessageCodec.decode(input);
                decoded++;
                if (msg instanceof Message.Put p) {
                    Context.fromBytes(p.context()); // what a coordinator does with it next
                }
            } catch (IllegalArgumentException expected) {
                // the documented rejection
            } catch (RuntimeException | Error e) {
                throw new AssertionError("input " + i + " (seed " + seed + "): " + e + " decoding " + Mutator.hex(input), e);
            }
            long allocated = FuzzBudget.allocatedBytes() - before;
            if (before >= 0 && allocated > 64L * input.length + (1 << 20)) {
                fail("input " + i + " (seed " + seed + "): decoding " + input.length + " bytes allocated " + allocated
                        + " bytes: " + Mutator.hex(input));
            }
        }
        assertTrue(decoded > inputs / 50, "mutations left too few decodable inputs: " + decoded);
    }

    @Test
    void lengthsClaimingGigabytesAreRefusedBeforeAllocating() {
        byte[] huge = {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x07}; // varint 2^31 - 1
        for (int type = 1; type <= 20; type++) {
            byte[] input = new byte[1 + huge.length + 3];
            input[0] = (byte) type;
            System.arraycopy(huge, 0, input, 1, huge.length);
            long before = FuzzBudget.allocatedBytes();
            assertThrows(IllegalArgumentException.class, () -> MessageCodec.decode(input), "type " + type);
            if (before >= 0) {
                long allocated = FuzzBudget.allocatedBytes() - before;
                assertTrue(allocated < (1 << 20), "type " + type + " allocated " + allocated + " bytes");
            }
        }
    }

    @Test
    @Timeout(600)
    void aNodeAnswersEveryInputWithAClearMessage() throws Exception {
        int inputs = Math.max(1, FuzzBudget.inputs(FuzzBudget.DEFAULT_INPUTS) / 5);
        long seed = FuzzBudget.seed() + 1;
        Mutator m = new Mutator(new Random(seed));
        try (TestCluster c = TestCluster.builder().nodes(1).partitions(8).seed(seed).dataDir(dir)
                .table(TableConfig.of("t", 1, 1, 1, "memory", "siblings")).build()) {
            DynamoNode node = c.node("n1");
            List<byte[]> corpus = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                corpus.add(MessageCodec.encode(randomMessage(m.random(), "t", 8)));
            }
            for (int i = 0; i < inputs; i++) {
                byte[] input = m.mutate(corpus.get(m.random().nextInt(corpus.size())),
                        corpus.get(m.random().nextInt(corpus.size())));
                CompletableFuture<byte[]> reply = node.handle("fuzzer", input);
                c.runFor(10);
                if (!reply.isDone()) {
                    c.runFor(5_000);
                }
                assertTrue(reply.isDone(), "input " + i + " (seed " + seed + ") got no answer: " + Mutator.hex(input));
                Message answer = MessageCodec.decode(reply.get());
                if (answer instanceof Message.Error e && e.code().equals("internal")) {
                    fail("input " + i + " (seed " + seed + "): internal error '" + e.message() + "' for "
                            + Mutator.hex(input));
                }
            }
        }
    }

    @Test
    void everyGeneratedMessageRoundTrips() {
        Random r = new Random(1);
        for (int i = 0; i < 500; i++) {
            Message msg = randomMessage(r);
            byte[] once = MessageCodec.encode(msg);
            assertEquals(Mutator.hex(once), Mutator.hex(MessageCodec.encode(MessageCodec.decode(once))), msg.toString());
        }
    }

    // ------------------------------------------------------------------ valid inputs

    static Message randomMessage(Random r) {
        return randomMessage(r, "t" + r.nextInt(3), 1 << 20);
    }

    static Message randomMessage(Random r, String table, int partitions) {
        int partition = r.nextInt(partitions);
        return switch (r.nextInt(20)) {
            case 0 -> new Message.Get(table, bytes(r, 12), r.nextInt(4), r.nextInt(5_000));
            case 1 -> new Message.Put(table, bytes(r, 12), context(r).toBytes(), bytes(r, 40), r.nextBoolean(),
                    r.nextInt(4), r.nextInt(5_000), r.nextBoolean());
            case 2 -> new Message.GetResult(List.of(new Versioned(bytes(r, 20), r.nextInt(1 << 30), clock(r))),
                    context(r).toBytes());
            case 3 -> new Message.PutResult(context(r).toBytes());
            case 4 -> new Message.ReplicaRead(table, partition, bytes(r, 12), r.nextBoolean() ? "" : "n2");
            case 5 -> new Message.ReplicaReadResult(siblings(r));
            case 6 -> new Message.ReplicaWrite(table, partition, bytes(r, 12), siblings(r), r.nextBoolean(),
                    r.nextBoolean() ? "" : "n" + (1 + r.nextInt(3)));
            // with and without the trailing fields (replica, start key, next key), so mutations cut and graft them
            case 7 -> new Message.ReplicaWriteResult(r.nextBoolean(), r.nextBoolean());
            case 8 -> new Message.RingRequest();
            // with and without the trailing table field, so mutations cut and graft it too
            case 9 -> r.nextBoolean() ? new Message.Error("bad_request", "oops " + r.nextInt(), r.nextInt(3), r.nextInt(3))
                    : new Message.Error("unknown_table", "table '" + table + "' is not configured", 0, 0, table);
            case 10 -> new Message.MerkleRequest(table, partition, r.nextInt(16));
            case 11 -> new Message.MerkleHashes(new long[] {r.nextLong(), r.nextLong(), r.nextLong()});
            case 12 -> new Message.DigestRequest(table, partition, new int[] {r.nextInt(256), r.nextInt(256)},
                    r.nextBoolean() ? new byte[0] : bytes(r, 12));
            case 13 -> new Message.Digests(List.of(new Message.KeyDigest(bytes(r, 12), r.nextLong())),
                    r.nextBoolean() ? new byte[0] : bytes(r, 12));
            case 14 -> new Message.Purge(table, partition, bytes(r, 12), siblings(r));
            case 15 -> new Message.Gossip(bytes(r, 40));
            case 16 -> new Message.GossipReply(bytes(r, 40));
            case 17 -> new Message.PartitionPull(table, partition, bytes(r, 8), 1 + r.nextInt(100), 1 + r.nextInt(1 << 20));
            case 18 -> new Message.PartitionChunk(List.of(new Message.TransferEntry(bytes(r, 8),
                    SiblingSetCodec.encode(siblings(r)))), bytes(r, 8), r.nextBoolean());
            default -> new Message.RingResult(bytes(r, 30), List.of(new Message.NodeAddress("n1", "h:1", "h:2")),
                    List.of(new Message.TablePlacement(table, 3, "md5")));
        };
    }

    private static byte[] bytes(Random r, int max) {
        byte[] b = new byte[1 + r.nextInt(max)];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) ('a' + r.nextInt(26)); // printable, so failures read well
        }
        return b;
    }

    private static VectorClock clock(Random r) {
        VectorClock c = VectorClock.EMPTY;
        int entries = r.nextInt(4);
        for (int i = 0; i < entries; i++) {
            c = c.withCounter("n" + (1 + i), 1 + r.nextInt(50), 1_700_000_000_000L + r.nextInt(1 << 20));
        }
        return c;
    }

    private static Context context(Random r) {
        Context c = Context.of(clock(r));
        if (r.nextBoolean()) {
            c = c.with("n" + (1 + r.nextInt(5)), 60 + r.nextInt(50), 1_700_000_000_000L);
        }
        return c;
    }

    private static SiblingSet siblings(Random r) {
        List<Version> versions = new ArrayList<>();
        int n = r.nextInt(4);
        for (int i = 0; i < n; i++) {
            Dot dot = new Dot("n" + (1 + i), 100 + r.nextInt(50));
            versions.add(r.nextInt(5) == 0 ? Version.tombstone(dot, context(r), 1_700_000_000_000L)
                    : new Version(dot, context(r), 1_700_000_000_000L + r.nextInt(1000), false,
                    ("v" + r.nextInt(1000)).getBytes(StandardCharsets.UTF_8)));
        }
        return new SiblingSet(versions);
    }
}
