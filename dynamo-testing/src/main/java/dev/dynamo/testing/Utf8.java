package dev.dynamo.testing;

import java.nio.charset.StandardCharsets;

/** Keys and values of tests as text. */
public final class Utf8 {

    private Utf8() {
    }

    public static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    public static String string(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
