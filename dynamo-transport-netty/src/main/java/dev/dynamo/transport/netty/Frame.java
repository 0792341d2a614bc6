package dev.dynamo.transport.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.DefaultByteBufHolder;
import java.util.Objects;

/**
 * One decoded frame of the binary protocol: its kind, its request id and its payload, a
 * (pooled, reference-counted) slice of the connection's input buffer. Whoever receives a
 * {@code Frame} from {@link FrameCodec} owns it and must {@link #release()} it.
 *
 * <pre>{@code
 * Frame f = ...;                       // from FrameCodec, in channelRead
 * try {
 *     byte[] payload = ByteBufUtil.getBytes(f.content());
 *     handle(f.kind(), f.requestId(), payload);
 * } finally {
 *     f.release();
 * }
 * }</pre>
 */
public final class Frame extends DefaultByteBufHolder {

    /** The kind byte of a frame. See the package documentation for who may send which. */
    public enum Kind {
        /** A request; payload = the request bytes. Client to server. */
        REQUEST(0),
        /** The answer to the request with the same id; payload = the answer bytes. Server to client. */
        RESPONSE(1),
        /** The request with the same id failed; payload = UTF-8 message. Server to client. */
        FAILURE(2),
        /** Optional first frame of a connection naming the sender (UTF-8 node id); request id 0. */
        HELLO(3);

        private final byte code;

        Kind(int code) {
            this.code = (byte) code;
        }

        /** The byte on the wire. */
        public byte code() {
            return code;
        }

        /** The kind with wire byte {@code code}, or null when no kind has it. */
        public static Kind of(int code) {
            switch (code) {
                case 0:
                    return REQUEST;
                case 1:
                    return RESPONSE;
                case 2:
                    return FAILURE;
                case 3:
                    return HELLO;
                default:
                    return null;
            }
        }
    }

    private final Kind kind;
    private final long requestId;

    /** A frame owning {@code payload} (its reference is transferred to the frame). */
    public Frame(Kind kind, long requestId, ByteBuf payload) {
        super(payload);
        this.kind = Objects.requireNonNull(kind, "kind");
        this.requestId = requestId;
    }

    public Kind kind() {
        return kind;
    }

    public long requestId() {
        return requestId;
    }

    @Override
    public Frame replace(ByteBuf content) {
        return new Frame(kind, requestId, content);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Frame f && f.kind == kind && f.requestId == requestId && super.equals(o);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, requestId, super.hashCode());
    }

    @Override
    public String toString() {
        return "Frame[" + kind + ", id=" + requestId + ", " + content().readableBytes() + " bytes]";
    }
}
