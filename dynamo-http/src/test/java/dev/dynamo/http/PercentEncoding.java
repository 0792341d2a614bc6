package dev.dynamo.http;

import java.nio.charset.StandardCharsets;

/**
 * Percent-encodes text as a path segment: UTF-8, every octet but the RFC 3986 unreserved
 * ones as %XX ({@code URLEncoder} is for forms: it writes ' ' as '+').
 *
 * <pre>{@code
 * PercentEncoding.encode("a b/c");   // "a%20b%2Fc"
 * }</pre>
 */
final class PercentEncoding {
    private PercentEncoding() {
    }

    static String encode(String text) {
        StringBuilder sb = new StringBuilder();
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xFF;
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || "-._~".indexOf(c) >= 0) {
                sb.append((char) c);
            } else {
                sb.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xF, 16)));
            }
        }
        return sb.toString();
    }
}
