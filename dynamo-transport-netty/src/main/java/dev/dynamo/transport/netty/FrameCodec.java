package dev.dynamo.transport.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The frame format of the binary protocol (see the package documentation): a decoder from
 * bytes to {@link Frame}s and {@link #encode an encoder} from a kind, a request id and a
 * payload to one pooled buffer.
 *
 * <p>Decoding: each {@link Frame}'s payload is a retained slice of the input (no copy). The
 * header is checked as soon as its bytes arrive, before the rest of the frame is awaited,
 * and nothing is ever allocated from the length field: a frame is buffered only as its
 * bytes come in, and a length over {@code maxFrameBytes} is refused at once. Malformed
 * input (length shorter than the header or over the maximum, a version other than
 * {@value #VERSION}, an unknown kind) closes that connection and is reported once, with the
 * reason and the remote address, to the listener given (by default a DEBUG line: the
 * {@link BinaryServer} and {@link BinaryClient} count it and log it rate-limited, since a
 * remote party chooses how often it happens); input after that is discarded. The decoder
 * never throws. One instance per channel (it keeps state).
 *
 * <p>Encoding: {@link #encode} copies the payload once, on the caller's thread, into a
 * buffer holding the whole frame; the caller may reuse its array as soon as it returns.
 * The buffer is written to the channel as is (no encoder handler is needed).
 *
 * <pre>{@code
 * pipeline.addLast(new FrameCodec(FrameCodec.DEFAULT_MAX_FRAME_BYTES));
 * pipeline.addLast(new SimpleChannelInboundHandler<Frame>() { ... });
 * channel.writeAndFlush(FrameCodec.encode(channel.alloc(), Frame.Kind.REQUEST, 42, payload));
 * }</pre>
 */
public final class FrameCodec extends ByteToMessageDecoder {
    private static final Logger LOG = LoggerFactory.getLogger(FrameCodec.class);

    /** Bytes of the length prefix. */
    public static final int LENGTH_FIELD_BYTES = 4;
    /** Bytes after the length prefix and before the payload: version, kind, request id. */
    public static final int HEADER_BYTES = 1 + 1 + 8;
    /** The protocol version this codec reads and writes. */
    public static final byte VERSION = 1;
    /** Default bound on the length field: 32 MiB. */
    public static final int DEFAULT_MAX_FRAME_BYTES = 32 << 20;

    /** What made input malformed. */
    enum Malformation {
        /** A length field shorter than the header. */
        TOO_SHORT,
        /** A length field over {@code max-frame-bytes}: a refusal of that limit. */
        TOO_LONG,
        /** A version other than {@value #VERSION}. */
        BAD_VERSION,
        /** A kind byte no {@link Frame.Kind} has. */
        UNKNOWN_KIND
    }

    /** Told once per connection the codec closes for malformed input. Called on the event loop. */
    @FunctionalInterface
    interface MalformedListener {
        /** {@code reason} names the remote address and what was wrong. */
        void malformed(Malformation what, String reason);
    }

    private final int maxFrameBytes;
    private final MalformedListener onMalformed;
    private boolean failed;

    /**
     * A decoder accepting frames whose length field is at most {@code maxFrameBytes}; malformed
     * input is logged at DEBUG.
     *
     * @throws IllegalArgumentException when {@code maxFrameBytes} is below {@link #HEADER_BYTES}
     */
    public FrameCodec(int maxFrameBytes) {
        this(maxFrameBytes, (what, reason) -> LOG.debug(reason));
    }

    /**
     * As {@link #FrameCodec(int)}, but each time it closes a connection it hands what was wrong
     * and the reason (naming the remote address) to {@code onMalformed} instead of logging it.
     */
    FrameCodec(int maxFrameBytes, MalformedListener onMalformed) {
        if (maxFrameBytes < HEADER_BYTES) {
            throw new IllegalArgumentException("maxFrameBytes: " + maxFrameBytes + " is below the "
                    + HEADER_BYTES + "-byte header");
        }
        this.maxFrameBytes = maxFrameBytes;
        this.onMalformed = onMalformed;
    }

    /** The largest payload a frame may carry under {@code maxFrameBytes}. */
    public static int maxPayloadBytes(int maxFrameBytes) {
        return maxFrameBytes - HEADER_BYTES;
    }

    /**
     * One complete frame in a buffer from {@code alloc}: the length prefix, the header and a
     * copy of {@code payload}. The caller owns the buffer (writing it to a channel releases it).
     */
    public static ByteBuf encode(ByteBufAllocator alloc, Frame.Kind kind, long requestId, byte[] payload) {
        int length = HEADER_BYTES + payload.length;
        ByteBuf buf = alloc.ioBuffer(LENGTH_FIELD_BYTES + length);
        buf.writeInt(length);
        buf.writeByte(VERSION);
        buf.writeByte(kind.code());
        buf.writeLong(requestId);
        buf.writeBytes(payload);
        return buf;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (failed) {
            in.skipBytes(in.readableBytes());
            return;
        }
        int readable = in.readableBytes();
        if (readable < LENGTH_FIELD_BYTES) {
            return;
        }
        int start = in.readerIndex();
        long length = in.getUnsignedInt(start);
        if (length < HEADER_BYTES) {
            malformed(ctx, in, Malformation.TOO_SHORT, "frame length " + length + " is shorter than the " + HEADER_BYTES
                    + "-byte header");
            return;
        }
        if (length > maxFrameBytes) {
            malformed(ctx, in, Malformation.TOO_LONG, "frame length " + length + " exceeds max-frame-bytes "
                    + maxFrameBytes);
            return;
        }
        if (readable > LENGTH_FIELD_BYTES) {
            byte version = in.getByte(start + LENGTH_FIELD_BYTES);
            if (version != VERSION) {
                malformed(ctx, in, Malformation.BAD_VERSION, "protocol version " + (version & 0xff)
                        + ", this node speaks " + VERSION);
                return;
            }
        }
        Frame.Kind kind = null;
        if (readable > LENGTH_FIELD_BYTES + 1) {
            int code = in.getByte(start + LENGTH_FIELD_BYTES + 1) & 0xff;
            kind = Frame.Kind.of(code);
            if (kind == null) {
                malformed(ctx, in, Malformation.UNKNOWN_KIND, "unknown frame kind " + code);
                return;
            }
        }
        if (readable < LENGTH_FIELD_BYTES + length) {
            return; // wait for the rest; the cumulation grows only with bytes received
        }
        in.skipBytes(LENGTH_FIELD_BYTES + 2);
        long requestId = in.readLong();
        ByteBuf payload = in.readRetainedSlice((int) length - HEADER_BYTES);
        out.add(new Frame(kind, requestId, payload));
    }

    @Override
    protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (!failed) {
            decode(ctx, in, out);
        }
        if (in.isReadable()) {
            LOG.debug("binary protocol: connection with {} closed in the middle of a frame ({} bytes dropped)",
                    ctx.channel().remoteAddress(), in.readableBytes());
            in.skipBytes(in.readableBytes());
        }
    }

    private void malformed(ChannelHandlerContext ctx, ByteBuf in, Malformation what, String reason) {
        failed = true;
        in.skipBytes(in.readableBytes());
        try {
            onMalformed.malformed(what, "binary protocol: closing connection with " + ctx.channel().remoteAddress()
                    + ": " + reason);
        } finally {
            ctx.close();
        }
    }
}
