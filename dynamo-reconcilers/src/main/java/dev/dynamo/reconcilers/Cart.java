package dev.dynamo.reconcilers;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A shopping cart as the {@code cart-union} reconciler understands it: quantities by SKU,
 * stored as the JSON object {@code {"items": {"<sku>": <quantity>, ...}}}.
 *
 * <p>A cart is immutable. SKUs are non-empty, well-formed strings (no unpaired UTF-16
 * surrogate); quantities are non-negative {@code long}s. {@link #items()} iterates in SKU
 * order ({@link String#compareTo}), and {@link #toJson()} writes that order as compact UTF-8
 * JSON, so equal carts always have identical bytes.
 *
 * <pre>{@code
 * Cart cart = Cart.empty().with("book-42", 1).with("pen", 3);
 * client.put("carts", userId, cart.toJson(), context);
 *
 * Cart read = Cart.fromJson(bytes);                 // throws IllegalArgumentException if not a cart
 * Optional<Cart> maybe = Cart.tryFromJson(bytes);   // empty if not a cart
 * Cart merged = read.union(other);                  // what cart-union does to concurrent carts
 * }</pre>
 *
 * <p><b>What is a cart.</b> {@link #fromJson(byte[])} accepts exactly one JSON object whose
 * only member is {@code "items"}, an object whose members are distinct SKUs mapped to JSON
 * integers from 0 to {@link Long#MAX_VALUE} (no fraction, no exponent), in well-formed UTF-8,
 * with nothing after it but white space. Anything else (other members, a negative or fractional quantity, a
 * duplicate SKU, malformed UTF-8 or JSON) is not a cart; {@code cart-union} then keeps that
 * value untouched as a separate sibling rather than guess.
 *
 * @param items quantities by SKU; copied, and iterated in SKU order
 */
public record Cart(Map<String, Long> items) {

    private static final Cart EMPTY = new Cart(Map.of());

    /** Read and write settings only; holds no field-name symbol table shared across parses. */
    private static final JsonFactory JSON = JsonFactory.builder()
            .disable(JsonFactory.Feature.CANONICALIZE_FIELD_NAMES)
            .build();

    /**
     * Validates and copies {@code items}.
     *
     * @throws IllegalArgumentException for an empty or malformed SKU or a negative quantity
     * @throws NullPointerException     for a null map, SKU or quantity
     */
    public Cart {
        Objects.requireNonNull(items, "items");
        TreeMap<String, Long> sorted = new TreeMap<>();
        for (Map.Entry<String, Long> e : items.entrySet()) {
            String sku = e.getKey();
            Long quantity = e.getValue();
            checkSku(sku);
            Objects.requireNonNull(quantity, () -> "quantity of sku '" + sku + "'");
            checkQuantity(sku, quantity);
            sorted.put(sku, quantity);
        }
        items = Collections.unmodifiableSortedMap(sorted);
    }

    /** The cart with no items: {@code {"items":{}}}. */
    public static Cart empty() {
        return EMPTY;
    }

    /** A cart holding {@code items}; same as the constructor. */
    public static Cart of(Map<String, Long> items) {
        return new Cart(items);
    }

    /** This cart with {@code sku}'s quantity set to {@code quantity} (added or replaced). */
    public Cart with(String sku, long quantity) {
        checkSku(sku);
        checkQuantity(sku, quantity);
        TreeMap<String, Long> changed = new TreeMap<>(items);
        changed.put(sku, quantity);
        return new Cart(changed);
    }

    /** The quantity of {@code sku}, 0 when the cart does not hold it. */
    public long quantity(String sku) {
        return items.getOrDefault(sku, 0L);
    }

    /**
     * Every SKU of either cart, with the larger of the two quantities: the merge of
     * {@code cart-union}. Commutative, associative and idempotent.
     *
     * <p>Taking the maximum means a concurrent removal (a quantity lowered, or an item left
     * out) does not survive a merge with a cart that still holds the item, as the Dynamo
     * paper notes for its shopping cart: deleted items can resurface.
     */
    public Cart union(Cart other) {
        TreeMap<String, Long> merged = new TreeMap<>(items);
        other.items.forEach((sku, quantity) -> merged.merge(sku, quantity, Math::max));
        return new Cart(merged);
    }

    /** The canonical JSON of this cart in UTF-8, e.g. {@code {"items":{"a":1,"b":3}}}. */
    public byte[] toJson() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(16 + 16 * items.size());
        try (JsonGenerator g = JSON.createGenerator(out, JsonEncoding.UTF8)) {
            g.writeStartObject();
            g.writeFieldName("items");
            g.writeStartObject();
            for (Map.Entry<String, Long> e : items.entrySet()) {
                g.writeNumberField(e.getKey(), e.getValue());
            }
            g.writeEndObject();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write cart JSON to memory", e);
        }
        return out.toByteArray();
    }

    /** {@link #toJson()} as a string. */
    public String toJsonString() {
        return new String(toJson(), StandardCharsets.UTF_8);
    }

    /**
     * Reads a cart from JSON bytes.
     *
     * @throws IllegalArgumentException saying why, when {@code json} is not a cart (see the
     *                                  class description); the message never quotes the value
     */
    public static Cart fromJson(byte[] json) {
        try {
            return read(json);
        } catch (NotACart e) {
            throw new IllegalArgumentException(e.getMessage(), e.getCause());
        }
    }

    /**
     * Reads a cart from a JSON string, under the rules of {@link #fromJson(byte[])}.
     *
     * @throws IllegalArgumentException saying why, when {@code json} is not a cart
     */
    public static Cart fromJson(String json) {
        try {
            return parse(Objects.requireNonNull(json, "json"));
        } catch (NotACart e) {
            throw new IllegalArgumentException(e.getMessage(), e.getCause());
        }
    }

    /** The cart in {@code json}, or empty when it is not one (see {@link #fromJson(byte[])}). */
    public static Optional<Cart> tryFromJson(byte[] json) {
        try {
            return Optional.of(read(json));
        } catch (NotACart e) {
            return Optional.empty();
        }
    }

    private static Cart read(byte[] json) {
        Objects.requireNonNull(json, "json");
        String text;
        try {
            // Strict UTF-8 first: Jackson would guess other encodings and let some malformed
            // sequences through in names.
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(json))
                    .toString();
        } catch (CharacterCodingException e) {
            throw notACart("not well-formed UTF-8");
        }
        return parse(text);
    }

    private static Cart parse(String text) {
        int start = 0;
        while (start < text.length() && isJsonWhitespace(text.charAt(start))) {
            start++;
        }
        if (start == text.length() || text.charAt(start) != '{') {
            throw notACart("expected a JSON object");  // cheap exit for arbitrary bytes
        }
        try (JsonParser p = JSON.createParser(text)) {
            expect(p, JsonToken.START_OBJECT, "a JSON object");
            expect(p, JsonToken.FIELD_NAME, "the member \"items\"");
            if (!"items".equals(p.currentName())) {
                throw notACart("the only member must be \"items\"");
            }
            expect(p, JsonToken.START_OBJECT, "an object as the value of \"items\"");
            TreeMap<String, Long> items = new TreeMap<>();
            for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
                if (t != JsonToken.FIELD_NAME) {
                    throw notACart("expected a SKU in \"items\", found " + t);
                }
                String sku = p.currentName();
                if (!isWellFormedSku(sku)) {
                    throw notACart("a SKU is empty or not well-formed Unicode");
                }
                if (p.nextToken() != JsonToken.VALUE_NUMBER_INT
                        || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                    throw notACart("the quantity of a SKU is not an integer from 0 to " + Long.MAX_VALUE);
                }
                long quantity = p.getLongValue();
                if (quantity < 0) {
                    throw notACart("the quantity of a SKU is negative");
                }
                if (items.put(sku, quantity) != null) {
                    throw notACart("a SKU appears twice");
                }
            }
            expect(p, JsonToken.END_OBJECT, "no member after \"items\"");
            if (p.nextToken() != null) {
                throw notACart("there is data after the JSON object");
            }
            return new Cart(items);
        } catch (IOException | RuntimeException e) {
            // Jackson reports malformed input with IOExceptions; anything else it throws on
            // hostile input is treated the same way: not a cart, never a crash.
            if (e instanceof NotACart n) {
                throw n;
            }
            if (e instanceof JsonProcessingException j && j.getLocation() != null) {
                throw new NotACart("not valid cart JSON: malformed JSON at line " + j.getLocation().getLineNr()
                        + ", column " + j.getLocation().getColumnNr(), e);
            }
            throw new NotACart("not valid cart JSON: " + e.getClass().getSimpleName(), e);
        }
    }

    private static void expect(JsonParser p, JsonToken token, String what) throws IOException {
        JsonToken t = p.nextToken();
        if (t != token) {
            throw notACart("expected " + what + ", found " + (t == null ? "end of input" : t));
        }
    }

    private static boolean isJsonWhitespace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r';
    }

    private static NotACart notACart(String why) {
        return new NotACart("not valid cart JSON: " + why, null);
    }

    private static void checkSku(String sku) {
        Objects.requireNonNull(sku, "sku");
        if (!isWellFormedSku(sku)) {
            throw new IllegalArgumentException("sku must be non-empty, well-formed Unicode (no unpaired surrogate); was '"
                    + sku + "'");
        }
    }

    private static void checkQuantity(String sku, long quantity) {
        if (quantity < 0) {
            throw new IllegalArgumentException("quantity of sku '" + sku + "' must be >= 0, was " + quantity);
        }
    }

    private static boolean isWellFormedSku(String sku) {
        if (sku.isEmpty()) {
            return false;
        }
        for (int i = 0; i < sku.length(); i++) {
            char c = sku.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 == sku.length() || !Character.isLowSurrogate(sku.charAt(i + 1))) {
                    return false;
                }
                i++;
            } else if (Character.isLowSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Why a value is not a cart, inside this class. Without a stack trace: the reconciler meets
     * non-carts on every read of a key that holds one, so this must be cheap.
     */
    private static final class NotACart extends RuntimeException {
        private static final long serialVersionUID = 1L;

        NotACart(String message, Throwable cause) {
            super(message, cause);
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    }
}
