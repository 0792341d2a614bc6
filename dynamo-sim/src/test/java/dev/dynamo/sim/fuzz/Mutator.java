package dev.dynamo.sim.fuzz;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;

/**
 * Seeded mutations of valid inputs, as coverage-blind fuzzers do: bit flips, byte
 * overwrites with interesting values (0, 0x7f, 0x80, 0xff), inserted and deleted runs,
 * truncation, splices of two inputs, and varint-shaped "huge length" bytes planted anywhere
 * (a length field claiming gigabytes must be refused before anything is allocated).
 *
 * <pre>{@code
 * Mutator m = new Mutator(new Random(seed));
 * byte[] input = m.mutate(validEncoding, otherValidEncoding);
 * }</pre>
 */
public final class Mutator {
    private static final byte[] INTERESTING = {0, 1, 0x7f, (byte) 0x80, (byte) 0xff, (byte) 0xfe, 0x40, 0x20};
    /** Varints of 2^31 - 1 and 2^63 - 1 and a 4-byte big-endian 0x7fffffff: lengths claiming gigabytes. */
    private static final byte[][] HUGE = {
        {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x07},
        {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff,
            0x7f},
        {(byte) 0xfe, (byte) 0xff, (byte) 0xff, (byte) 0x7f},
        {0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff},
    };

    private final Random random;

    public Mutator(Random random) {
        this.random = random;
    }

    public Random random() {
        return random;
    }

    /** Random bytes, 0 to {@code max} of them. */
    public byte[] randomBytes(int max) {
        byte[] b = new byte[random.nextInt(max + 1)];
        random.nextBytes(b);
        return b;
    }

    /** One to four mutations of {@code input}; {@code other} is spliced in sometimes. */
    public byte[] mutate(byte[] input, byte[] other) {
        byte[] b = input.clone();
        int rounds = 1 + random.nextInt(4);
        for (int i = 0; i < rounds; i++) {
            b = mutateOnce(b, other);
        }
        return b;
    }

    private byte[] mutateOnce(byte[] b, byte[] other) {
        int op = random.nextInt(8);
        if (b.length == 0 && op < 6) {
            op = 6;
        }
        switch (op) {
            case 0 -> {
                int i = random.nextInt(b.length);
                b[i] ^= (byte) (1 << random.nextInt(8));
                return b;
            }
            case 1 -> {
                b[random.nextInt(b.length)] = INTERESTING[random.nextInt(INTERESTING.length)];
                return b;
            }
            case 2 -> {
                b[random.nextInt(b.length)] = (byte) random.nextInt(256);
                return b;
            }
            case 3 -> {
                return Arrays.copyOf(b, random.nextInt(b.length)); // truncate
            }
            case 4 -> {
                int from = random.nextInt(b.length);
                int len = 1 + random.nextInt(Math.min(16, b.length - from));
                byte[] out = new byte[b.length - len];
                System.arraycopy(b, 0, out, 0, from);
                System.arraycopy(b, from + len, out, from, b.length - from - len);
                return out;
            }
            case 5 -> {
                byte[] huge = HUGE[random.nextInt(HUGE.length)];
                int at = random.nextInt(b.length);
                byte[] out = b.clone();
                System.arraycopy(huge, 0, out, at, Math.min(huge.length, out.length - at));
                return out;
            }
            case 6 -> {
                int at = random.nextInt(b.length + 1);
                byte[] ins = random.nextBoolean() ? randomBytes(8) : HUGE[random.nextInt(HUGE.length)];
                byte[] out = new byte[b.length + ins.length];
                System.arraycopy(b, 0, out, 0, at);
                System.arraycopy(ins, 0, out, at, ins.length);
                System.arraycopy(b, at, out, at + ins.length, b.length - at);
                return out;
            }
            default -> {
                if (other.length == 0) {
                    return b;
                }
                int cut = random.nextInt(b.length + 1);
                int from = random.nextInt(other.length);
                byte[] out = Arrays.copyOf(b, cut + other.length - from);
                System.arraycopy(other, from, out, cut, other.length - from);
                return out;
            }
        }
    }

    /** Hex of at most the first 256 bytes, for a failure message. */
    public static String hex(byte[] b) {
        String h = HexFormat.of().formatHex(b, 0, Math.min(b.length, 256));
        return b.length > 256 ? h + "... (" + b.length + " bytes)" : h;
    }
}
