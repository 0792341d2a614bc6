package dev.dynamo.reconcilers;

import static java.nio.charset.StandardCharsets.UTF_16;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CartTest {

    @Test
    void buildsAndWritesCanonicalJson() {
        Cart cart = Cart.empty().with("pen", 3).with("book", 1);
        assertEquals("{\"items\":{\"book\":1,\"pen\":3}}", cart.toJsonString());
        assertEquals(List.of("book", "pen"), List.copyOf(cart.items().keySet()));
        assertEquals(3, cart.quantity("pen"));
        assertEquals(0, cart.quantity("absent"));
        assertEquals("{\"items\":{}}", Cart.empty().toJsonString());
    }

    @Test
    void readsWhatItWrites() {
        Cart cart = Cart.of(Map.of("a", 1L, "b", Long.MAX_VALUE, "\"quoted\\", 0L, "caf\u00e9 \uD83D\uDED2", 2L));
        assertEquals(cart, Cart.fromJson(cart.toJson()));
        assertEquals(cart, Cart.fromJson(cart.toJsonString()));
    }

    @Test
    void unionTakesMaxPerSku() {
        Cart x = Cart.fromJson("{\"items\":{\"a\":1,\"b\":2}}");
        Cart y = Cart.fromJson("{\"items\":{\"b\":3,\"c\":1}}");
        assertEquals(Cart.fromJson("{\"items\":{\"a\":1,\"b\":3,\"c\":1}}"), x.union(y));
        assertEquals(x.union(y), y.union(x));
    }

    @Test
    void isImmutable() {
        Map<String, Long> items = new HashMap<>(Map.of("a", 1L));
        Cart cart = Cart.of(items);
        items.put("b", 2L);
        assertEquals(Map.of("a", 1L), cart.items());
        assertThrows(UnsupportedOperationException.class, () -> cart.items().put("c", 3L));
    }

    @Test
    void rejectsBadItems() {
        assertThrows(IllegalArgumentException.class, () -> Cart.empty().with("a", -1));
        assertThrows(IllegalArgumentException.class, () -> Cart.empty().with("", 1));
        assertThrows(IllegalArgumentException.class, () -> Cart.empty().with("\uD800", 1));
        assertThrows(NullPointerException.class, () -> Cart.empty().with(null, 1));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "", " ", "null", "1", "\"x\"", "[]", "{}", "{\"items\":[]}", "{\"items\":null}", "{\"item\":{}}",
        "{\"items\":{\"a\":-1}}", "{\"items\":{\"a\":1.0}}", "{\"items\":{\"a\":1e3}}", "{\"items\":{\"a\":\"1\"}}",
        "{\"items\":{\"a\":true}}", "{\"items\":{\"a\":null}}", "{\"items\":{\"a\":{}}}", "{\"items\":{\"a\":01}}",
        "{\"items\":{\"a\":9223372036854775808}}", "{\"items\":{\"a\":1,\"a\":1}}", "{\"items\":{\"\":1}}",
        "{\"items\":{\"\\udc00\":1}}", "{\"items\":{},\"items\":{}}", "{\"items\":{},\"x\":1}",
        "{\"x\":1,\"items\":{}}", "{\"items\":{}} {}", "{\"items\":{}}x", "{\"items\":{\"a\":1}", "{\"items\":{\"a\" 1}}",
        "{'items':{}}", "{\"items\":{\"a\":NaN}}", "{\"items\":{}} // comment"
    })
    void anythingButACartIsRejectedWithoutQuotingIt(String json) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Cart.fromJson(json));
        assertTrue(e.getMessage().startsWith("not valid cart JSON: "), e.getMessage());
        assertTrue(Cart.tryFromJson(json.getBytes(UTF_8)).isEmpty());
    }

    @Test
    void rejectsMalformedUtf8() {
        assertNotACart(json("{\"items\":{\"", 0xc3, "\":1}}"));         // truncated sequence
        assertNotACart(json("{\"items\":{\"", 0xc0, 0xa2, "\":1}}"));   // overlong encoding
        assertNotACart(json("{\"items\":{\"", 0xed, 0xa0, 0x80, "\":1}}")); // encoded surrogate
        assertNotACart(json("{\"items\":{\"", 0xff, "\":1}}"));
        assertNotACart("{\"items\":{}}".getBytes(UTF_16));
        assertNotACart(new byte[] {0, 0, 0, 0});
    }

    @Test
    void rejectsHugeAndDeepInputQuickly() {
        assertNotACart(("{\"items\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}").getBytes(UTF_8));
        assertNotACart(("[".repeat(100_000) + "]".repeat(100_000)).getBytes(UTF_8));
        assertNotACart(("{\"items\":{\"a\":" + "9".repeat(100_000) + "}}").getBytes(UTF_8));
    }

    @Test
    void rejectsUnpairedSurrogateInAString() {
        assertThrows(IllegalArgumentException.class, () -> Cart.fromJson("{\"items\":{\"\uD800\":1}}"));
    }

    private static void assertNotACart(byte[] value) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Cart.fromJson(value));
        assertTrue(e.getMessage().startsWith("not valid cart JSON: "), e.getMessage());
        assertTrue(Cart.tryFromJson(value).isEmpty());
    }

    /** Concatenates UTF-8 text and raw bytes (given as ints). */
    private static byte[] json(Object... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Object part : parts) {
            if (part instanceof String text) {
                out.writeBytes(text.getBytes(UTF_8));
            } else {
                out.write((Integer) part);
            }
        }
        return out.toByteArray();
    }

    @Test
    void acceptsLooseButValidJson() {
        assertEquals(Cart.empty().with("a", 0).with("b", 2),
                Cart.fromJson(" {\n\"items\" : { \"b\" : 2, \"a\" : -0 } }\n"));
    }

    @Property
    void jsonRoundTripsAndIsCanonical(@ForAll("carts") Cart cart) {
        byte[] json = cart.toJson();
        Cart read = Cart.fromJson(json);
        assertEquals(cart, read);
        assertArrayEquals(json, read.toJson());
    }

    @Property
    void unionIsASemilattice(@ForAll("carts") Cart x, @ForAll("carts") Cart y, @ForAll("carts") Cart z) {
        assertEquals(x.union(y), y.union(x));
        assertEquals(x.union(y).union(z), x.union(y.union(z)));
        assertEquals(x, x.union(x));
    }

    @Provide
    Arbitrary<Cart> carts() {
        return Arbitraries.maps(
                        Arbitraries.strings().all().ofMinLength(1).ofMaxLength(6)
                                .filter(s -> s.codePoints().noneMatch(c -> c >= 0xD800 && c <= 0xDFFF)),
                        Arbitraries.longs().between(0, Long.MAX_VALUE))
                .ofMaxSize(5)
                .map(Cart::of);
    }
}
