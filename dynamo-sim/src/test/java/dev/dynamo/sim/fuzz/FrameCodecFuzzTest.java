package dev.dynamo.sim.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynamo.transport.netty.Frame;
import dev.dynamo.transport.netty.FrameCodec;
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
import org.junit.jupiter.api.Timeout;

/**
 * Fuzzes the binary protocol's frame decoder ({@link FrameCodec}, what every client and
 * server connection reads through) on a Netty {@code EmbeddedChannel}: streams of valid
 * frames, mutated, fed in random chunk sizes. The contract: the decoder never throws into the
 * pipeline, every frame it emits is within the size limit, malformed input closes the
 * connection, valid streams decode to exactly the frames sent, and a length field claiming
 * gigabytes closes the connection before anything is buffered for it.
 */
class FrameCodecFuzzTest {
    private static final int MAX_FRAME = 64 * 1024;

    @Test
    @Timeout(600) // a guard against a hang, far above the CI share's run time
    void mutatedStreamsNeverBreakThePipeline() {
        int inputs = FuzzBudget.inputs(FuzzBudget.DEFAULT_INPUTS);
        long seed = FuzzBudget.seed() + 2;
        Mutator m = new Mutator(new Random(seed));
        int closed = 0;
        for (int i = 0; i < inputs; i++) {
            List<byte[]> payloads = new ArrayList<>();
            byte[] valid = stream(m.random(), payloads);
            boolean mutate = i % 8 != 0;
            byte[] input = !mutate ? valid : i % 16 == 1 ? m.randomBytes(200) : m.mutate(valid, stream(m.random(),
                    new ArrayList<>()));
            EmbeddedChannel ch = new EmbeddedChannel(new FrameCodec(MAX_FRAME));
            List<Frame> frames = new ArrayList<>();
            try {
                int at = 0;
                while (at < input.length && ch.isOpen()) { // bounded: each turn consumes >= 1 byte
                    int n = 1 + m.random().nextInt(Math.min(64, input.length - at));
                    ch.writeInbound(Unpooled.wrappedBuffer(input, at, n));
                    at += n;
                    drain(ch, frames);
                }
                ch.checkException();
                ch.finish();
                drain(ch, frames);
                for (Frame f : frames) {
                    assertTrue(f.content().readableBytes() <= FrameCodec.maxPayloadBytes(MAX_FRAME));
                }
                if (!mutate) {
                    assertEquals(payloads.size(), frames.size(), "seed " + seed + " input " + i);
                    for (int k = 0; k < frames.size(); k++) {
                        assertArrayEquals(payloads.get(k), ByteBufUtil.getBytes(frames.get(k).content()));
                    }
                }
                if (!ch.isOpen()) {
                    closed++;
                }
            } catch (RuntimeException | Error e) {
                throw new AssertionError("seed " + seed + " input " + i + ": " + e + " for " + Mutator.hex(input), e);
            } finally {
                frames.forEach(Frame::release);
                ch.finishAndReleaseAll();
            }
        }
        assertTrue(closed > 0, "no mutated stream was malformed enough to close the connection");
    }

    @Test
    void aLengthClaimingGigabytesClosesAtOnce() {
        EmbeddedChannel ch = new EmbeddedChannel(new FrameCodec(MAX_FRAME));
        ByteBuf header = Unpooled.buffer().writeInt(0x7fff_ffff).writeByte(FrameCodec.VERSION).writeByte(0);
        ch.writeInbound(header);
        assertFalse(ch.isOpen(), "a 2 GiB length must be refused before the body is awaited");
        assertNull(ch.readInbound());
        ch.finishAndReleaseAll();
    }

    private static void drain(EmbeddedChannel ch, List<Frame> frames) {
        for (Object o = ch.readInbound(); o != null; o = ch.readInbound()) { // bounded by what was written
            frames.add((Frame) o);
        }
    }

    /** One to four valid frames back to back. */
    private static byte[] stream(Random r, List<byte[]> payloads) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int n = 1 + r.nextInt(4);
        for (int i = 0; i < n; i++) {
            byte[] payload = new byte[r.nextInt(300)];
            r.nextBytes(payload);
            payloads.add(payload);
            Frame.Kind kind = Frame.Kind.values()[r.nextInt(Frame.Kind.values().length)];
            ByteBuf buf = FrameCodec.encode(UnpooledByteBufAllocator.DEFAULT, kind, r.nextLong(), payload);
            try {
                out.writeBytes(ByteBufUtil.getBytes(buf));
            } finally {
                buf.release();
            }
        }
        return out.toByteArray();
    }
}
