package dev.dynamo.transport.netty;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A seeded fuzz loop over the frame decoder: random bytes and mutated valid streams, fed in
 * random chunks. Nothing may escape but a closed channel, decoded frames must be well formed,
 * unmutated streams must decode exactly, and no buffer may grow past a bound set by the
 * maximum frame and the chunk size, whatever length the input claims. 100,000 runs (about
 * 10 s on a busy two-core machine); a slower machine stops at 20 s, after at least 5,000.
 */
class FrameCodecFuzzTest {

    private static final long SEED = 20_240_601L;
    private static final int ITERATIONS = 100_000;
    private static final long TIME_BOUND_NANOS = 20_000_000_000L;
    private static final int MAX_FRAME = 1024;
    private static final int MAX_CHUNK = 512;
    /** One partial frame plus one chunk, rounded up to a power of two, with room to spare. */
    private static final int CAPACITY_BOUND = 4 * (FrameCodec.LENGTH_FIELD_BYTES + MAX_FRAME);

    /** Heap buffers whose capacity may never pass {@link #CAPACITY_BOUND}; larger requests are counted. */
    private static final class BoundedAllocator extends AbstractByteBufAllocator {
        int oversizedRequests;
        int largestRequest;

        BoundedAllocator() {
            super(false);
        }

        @Override
        protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
            return allocate(initialCapacity);
        }

        @Override
        protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
            return allocate(initialCapacity);
        }

        private ByteBuf allocate(int initialCapacity) {
            largestRequest = Math.max(largestRequest, initialCapacity);
            if (initialCapacity > CAPACITY_BOUND) {
                oversizedRequests++;
                return UnpooledByteBufAllocator.DEFAULT.heapBuffer(initialCapacity);
            }
            return UnpooledByteBufAllocator.DEFAULT.heapBuffer(initialCapacity, CAPACITY_BOUND);
        }

        @Override
        public boolean isDirectBufferPooled() {
            return false;
        }
    }

    /** Builds the valid streams: no leak tracking, which would dominate the run time. */
    private static final UnpooledByteBufAllocator PLAIN = new UnpooledByteBufAllocator(false, true);

    private record Sent(Frame.Kind kind, long id, byte[] payload) {
    }

    @Test
    void randomAndMutatedInputNeverEscapesTheDecoder() {
        Random random = new Random(SEED);
        BoundedAllocator allocator = new BoundedAllocator();
        long start = System.nanoTime();
        int runs = 0;
        int closedRuns = 0;
        int decodedFrames = 0;
        int[] reasons = {0};
        for (; runs < ITERATIONS; runs++) {
            if (System.nanoTime() - start > TIME_BOUND_NANOS) {
                break;
            }
            List<Sent> sent = new ArrayList<>();
            byte[] valid = validStream(random, sent);
            int mode = random.nextInt(8);
            byte[] input = switch (mode) {
                case 0 -> valid;
                case 1 -> randomBytes(random, random.nextInt(64));
                case 2 -> flipBytes(random, valid);
                case 3 -> truncate(random, valid);
                case 4 -> insertBytes(random, valid);
                case 5 -> setLength(random, valid);
                case 6 -> concat(valid, randomBytes(random, random.nextInt(2 * MAX_FRAME)));
                default -> setHeaderByte(random, valid);
            };
            EmbeddedChannel ch = new EmbeddedChannel(new FrameCodec(MAX_FRAME, (what, reason) -> reasons[0]++));
            ch.config().setAllocator(allocator);
            List<Frame> decoded = new ArrayList<>();
            try {
                int at = 0;
                while (at < input.length && ch.isOpen()) {
                    int n = Math.min(input.length - at, 1 + random.nextInt(MAX_CHUNK));
                    ch.writeInbound(Unpooled.wrappedBuffer(input, at, n));
                    at += n;
                    for (Object o; (o = ch.readInbound()) != null; ) {
                        decoded.add((Frame) o);
                    }
                }
                if (!ch.isOpen()) {
                    closedRuns++;
                }
                decodedFrames += decoded.size();
                for (Frame f : decoded) {
                    assertTrue(f.content().readableBytes() <= FrameCodec.maxPayloadBytes(MAX_FRAME), "payload bound");
                }
                if (mode == 0) {
                    assertTrue(ch.isOpen(), "a valid stream keeps the channel open");
                    assertEquals(sent.size(), decoded.size(), "run " + runs + ": frames of a valid stream");
                    for (int i = 0; i < sent.size(); i++) {
                        assertEquals(sent.get(i).kind(), decoded.get(i).kind());
                        assertEquals(sent.get(i).id(), decoded.get(i).requestId());
                        assertArrayEquals(sent.get(i).payload(), ByteBufUtil.getBytes(decoded.get(i).content()));
                    }
                }
            } catch (RuntimeException e) {
                fail("run " + runs + " (mode " + mode + ", seed " + SEED + "): " + e, e);
            } finally {
                for (Frame f : decoded) {
                    f.release();
                }
                ch.finishAndReleaseAll();
            }
        }
        System.out.println("fuzz: " + runs + " runs in " + (System.nanoTime() - start) / 1_000_000 + " ms, "
                + closedRuns + " closed, " + decodedFrames + " frames, largest allocation " + allocator.largestRequest);
        assertEquals(closedRuns, reasons[0], "every closed channel was reported once, with its reason");
        assertEquals(0, allocator.oversizedRequests, "allocations over " + CAPACITY_BOUND + " bytes; largest "
                + allocator.largestRequest);
        assertTrue(runs >= 5_000, "only " + runs + " runs within the time bound");
        assertTrue(closedRuns > runs / 4, "malformed input closes channels: " + closedRuns + " of " + runs);
        assertTrue(decodedFrames > runs, "frames were decoded: " + decodedFrames);
    }

    private static byte[] validStream(Random random, List<Sent> sent) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int frames = 1 + random.nextInt(4);
        for (int i = 0; i < frames; i++) {
            Frame.Kind kind = Frame.Kind.of(random.nextInt(4));
            long id = random.nextLong();
            int size = random.nextInt(10) == 0 ? FrameCodec.maxPayloadBytes(MAX_FRAME) - random.nextInt(3)
                    : random.nextInt(200);
            byte[] payload = randomBytes(random, size);
            sent.add(new Sent(kind, id, payload));
            ByteBuf buf = FrameCodec.encode(PLAIN, kind, id, payload);
            try {
                out.writeBytes(ByteBufUtil.getBytes(buf));
            } finally {
                buf.release();
            }
        }
        return out.toByteArray();
    }

    private static byte[] randomBytes(Random random, int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    private static byte[] flipBytes(Random random, byte[] valid) {
        byte[] b = valid.clone();
        int flips = 1 + random.nextInt(4);
        for (int i = 0; i < flips; i++) {
            b[random.nextInt(b.length)] ^= (byte) (1 + random.nextInt(255));
        }
        return b;
    }

    private static byte[] truncate(Random random, byte[] valid) {
        byte[] b = new byte[random.nextInt(valid.length)];
        System.arraycopy(valid, 0, b, 0, b.length);
        return b;
    }

    private static byte[] insertBytes(Random random, byte[] valid) {
        int at = random.nextInt(valid.length + 1);
        byte[] extra = randomBytes(random, 1 + random.nextInt(16));
        byte[] b = new byte[valid.length + extra.length];
        System.arraycopy(valid, 0, b, 0, at);
        System.arraycopy(extra, 0, b, at, extra.length);
        System.arraycopy(valid, at, b, at + extra.length, valid.length - at);
        return b;
    }

    /** Overwrites the first frame's length with anything, often huge or tiny. */
    private static byte[] setLength(Random random, byte[] valid) {
        byte[] b = valid.clone();
        int length = switch (random.nextInt(4)) {
            case 0 -> random.nextInt();
            case 1 -> MAX_FRAME + 1 + random.nextInt(1 << 20);
            case 2 -> random.nextInt(FrameCodec.HEADER_BYTES);
            default -> FrameCodec.HEADER_BYTES + random.nextInt(MAX_FRAME - FrameCodec.HEADER_BYTES + 1);
        };
        b[0] = (byte) (length >>> 24);
        b[1] = (byte) (length >>> 16);
        b[2] = (byte) (length >>> 8);
        b[3] = (byte) length;
        return b;
    }

    /** Sets the first frame's version or kind byte to anything. */
    private static byte[] setHeaderByte(Random random, byte[] valid) {
        byte[] b = valid.clone();
        b[4 + random.nextInt(2)] = (byte) random.nextInt(256);
        return b;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] all = new byte[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
