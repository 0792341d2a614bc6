package dev.dynamo.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynamo.api.BadRequestException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class RequestTargetTest {

    @Test
    void routes() {
        assertEquals(RequestTarget.Route.TABLES, RequestTarget.parse("/tables").route());
        assertEquals(RequestTarget.Route.CLUSTER, RequestTarget.parse("/cluster?x=1").route());
        assertEquals(RequestTarget.Route.HEALTH, RequestTarget.parse("/health").route());
        assertEquals(RequestTarget.Route.METRICS, RequestTarget.parse("/metrics").route());
        assertEquals(RequestTarget.Route.NONE, RequestTarget.parse("/tables/t").route());
        assertEquals(RequestTarget.Route.NONE, RequestTarget.parse("*").route());
        assertEquals(RequestTarget.Route.HEALTH, RequestTarget.parse("http://host:1/health").route());
    }

    @Test
    void keyRouteDecodesTableKeyAndQuery() {
        RequestTarget t = RequestTarget.parse("/tables/default/keys/a%2Fb%20c/d?r=2&w=1&flag");
        assertEquals(RequestTarget.Route.KEY, t.route());
        assertEquals("default", t.table());
        assertArrayEquals("a/b c/d".getBytes(StandardCharsets.UTF_8), t.key());
        assertEquals(Map.of("r", "2", "w", "1", "flag", ""), t.query());
    }

    @Test
    void plusIsAPlus() {
        assertArrayEquals("a+b".getBytes(StandardCharsets.UTF_8), RequestTarget.parse("/tables/t/keys/a+b").key());
    }

    @Test
    void anyOctetMayBeEncoded() {
        assertArrayEquals(new byte[] {(byte) 0xFF, 0, 'x'}, RequestTarget.parse("/tables/t/keys/%ff%00x").key());
    }

    @Test
    void rawOctetsStandForThemselves() {
        // Netty hands request-line octets over one char each: raw UTF-8 survives
        String raw = new String("é".getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
        assertArrayEquals("é".getBytes(StandardCharsets.UTF_8), RequestTarget.parse("/tables/t/keys/" + raw).key());
    }

    @Test
    void malformedPercentEncodingIsRefused() {
        for (String bad : new String[] {"/tables/t/keys/%", "/tables/t/keys/%4", "/tables/t/keys/%4g",
                "/tables/t%/keys/k", "/tables/t/keys/k?r=%"}) {
            BadRequestException e = assertThrows(BadRequestException.class, () -> RequestTarget.parse(bad), bad);
            assertTrue(e.getMessage().contains("percent-encoding"), e.getMessage());
        }
    }

    @Test
    void emptyKeyNonUtf8TableAndRepeatedParameterAreRefused() {
        assertThrows(BadRequestException.class, () -> RequestTarget.parse("/tables/t/keys/"));
        assertThrows(BadRequestException.class, () -> RequestTarget.parse("/tables/%C3%28/keys/k"));
        assertThrows(BadRequestException.class, () -> RequestTarget.parse("/tables/t/keys/k?r=1&r=2"));
    }

    @Test
    void otherRoutesCarryNoKey() {
        assertNull(RequestTarget.parse("/tables").key());
    }

    @Property
    void encodingRoundTrips(@ForAll String key) {
        if (key.isEmpty()) {
            return;
        }
        byte[] utf8 = key.getBytes(StandardCharsets.UTF_8);
        assertArrayEquals(utf8, RequestTarget.parse("/tables/t/keys/" + PercentEncoding.encode(key)).key());
    }
}
