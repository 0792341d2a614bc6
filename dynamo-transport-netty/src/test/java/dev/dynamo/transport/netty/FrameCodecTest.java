package dev.dynamo.transport.netty;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FrameCodecTest {

    private static final int MAX = 1024;

    private final List<EmbeddedChannel> channels = new ArrayList<>();

    @AfterEach
    void releaseAll() {
        for (EmbeddedChannel ch : channels) {
            ch.finishAndReleaseAll();
        }
    }

    private EmbeddedChannel channel() {
        EmbeddedChannel ch = new EmbeddedChannel(new FrameCodec(MAX));
        channels.add(ch);
        return ch;
    }

    private static byte[] frame(Frame.Kind kind, long id, byte[] payload) {
        ByteBuf buf = FrameCodec.encode(UnpooledByteBufAllocator.DEFAULT, kind, id, payload);
        try {
            return ByteBufUtil.getBytes(buf);
        } finally {
            buf.release();
        }
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] all = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        return all;
    }

    private static void assertFrame(Frame f, Frame.Kind kind, long id, byte[] payload) {
        try {
            assertEquals(kind, f.kind());
            assertEquals(id, f.requestId());
            assertArrayEquals(payload, ByteBufUtil.getBytes(f.content()));
        } finally {
            f.release();
        }
    }

    @Test
    void encodingIsTheDocumentedLayout() {
        assertEquals("0000000d" + "01" + "00" + "0000000000000007" + "010203",
                HexFormat.of().formatHex(frame(Frame.Kind.REQUEST, 7, new byte[] {1, 2, 3})));
        assertEquals("0000000b" + "01" + "01" + "0000000000000007" + "2a",
                HexFormat.of().formatHex(frame(Frame.Kind.RESPONSE, 7, new byte[] {42})));
    }

    @Test
    void decodesFramesArrivingByteByByte() {
        EmbeddedChannel ch = channel();
        byte[] bytes = concat(frame(Frame.Kind.REQUEST, 1, new byte[] {9, 8}), frame(Frame.Kind.FAILURE, -5, new byte[0]));
        for (byte b : bytes) {
            ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {b}));
        }
        assertFrame(ch.readInbound(), Frame.Kind.REQUEST, 1, new byte[] {9, 8});
        assertFrame(ch.readInbound(), Frame.Kind.FAILURE, -5, new byte[0]);
        assertNull(ch.readInbound());
        assertTrue(ch.isOpen());
    }

    @Test
    void decodesManyFramesFromOneBuffer() {
        EmbeddedChannel ch = channel();
        List<byte[]> frames = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            frames.add(frame(Frame.Kind.of(i % 4), i, new byte[i]));
        }
        ch.writeInbound(Unpooled.wrappedBuffer(concat(frames.toArray(new byte[0][]))));
        for (int i = 0; i < 50; i++) {
            assertFrame(ch.readInbound(), Frame.Kind.of(i % 4), i, new byte[i]);
        }
        assertTrue(ch.isOpen());
    }

    @Test
    void acceptsAFrameOfExactlyTheMaximum() {
        EmbeddedChannel ch = channel();
        byte[] payload = new byte[FrameCodec.maxPayloadBytes(MAX)];
        payload[payload.length - 1] = 7;
        ch.writeInbound(Unpooled.wrappedBuffer(frame(Frame.Kind.RESPONSE, 3, payload)));
        assertFrame(ch.readInbound(), Frame.Kind.RESPONSE, 3, payload);
        assertTrue(ch.isOpen());
    }

    @Test
    void lengthShorterThanTheHeaderClosesTheConnection() {
        assertClosedBy(new byte[] {0, 0, 0, 9, 1, 0, 0, 0, 0, 0, 0, 0, 0});
    }

    @Test
    void lengthOverTheMaximumClosesAtOnceWithoutWaitingForTheBody() {
        assertClosedBy(new byte[] {0, 0, 0x04, 0x01}); // 1025
        assertClosedBy(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff});
        assertClosedBy(new byte[] {0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff, 1, 0});
    }

    @Test
    void wrongVersionClosesAtOnce() {
        assertClosedBy(new byte[] {0, 0, 0, 10, 2});
        assertClosedBy(new byte[] {0, 0, 0, 10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
    }

    @Test
    void unknownKindClosesAtOnce() {
        assertClosedBy(new byte[] {0, 0, 0, 10, 1, 4});
        assertClosedBy(new byte[] {0, 0, 0, 10, 1, (byte) 0xff, 0, 0, 0, 0, 0, 0, 0, 0});
    }

    @Test
    void framesBeforeAMalformedOneAreDeliveredAndInputAfterItIsDropped() {
        EmbeddedChannel ch = channel();
        byte[] good = frame(Frame.Kind.REQUEST, 11, new byte[] {1});
        ch.writeInbound(Unpooled.wrappedBuffer(concat(good, new byte[] {0, 0, 0, 10, 9}, good)));
        assertFrame(ch.readInbound(), Frame.Kind.REQUEST, 11, new byte[] {1});
        assertNull(ch.readInbound());
        assertFalse(ch.isOpen());
    }

    @Test
    void aTruncatedFrameAtCloseIsDroppedQuietly() {
        EmbeddedChannel ch = channel();
        byte[] f = frame(Frame.Kind.REQUEST, 1, new byte[100]);
        ch.writeInbound(Unpooled.wrappedBuffer(f, 0, 50));
        assertNull(ch.readInbound());
        ch.close().syncUninterruptibly();
        assertNull(ch.readInbound());
    }

    @Test
    void maximumBelowTheHeaderIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new FrameCodec(9));
    }

    private void assertClosedBy(byte[] input) {
        EmbeddedChannel ch = channel();
        ch.writeInbound(Unpooled.wrappedBuffer(input));
        assertNull(ch.readInbound(), "nothing decoded");
        assertFalse(ch.isOpen(), "connection closed after " + HexFormat.of().formatHex(input));
    }
}
