package dev.dynamo.bench.ycsb;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RecordCodecTest {

    @Test
    void aYcsbRecordRoundTripsInOrderAndTakesAbout1Kb() {
        Map<String, byte[]> record = new LinkedHashMap<>();
        for (int i = 9; i >= 0; i--) {
            byte[] v = new byte[100];
            Arrays.fill(v, (byte) i);
            record.put("field" + i, v);
        }
        byte[] encoded = RecordCodec.encode(record);
        assertEquals(1082, encoded.length);
        Map<String, byte[]> decoded = RecordCodec.decode(encoded);
        assertEquals(List.copyOf(record.keySet()), List.copyOf(decoded.keySet()));
        record.forEach((k, v) -> assertArrayEquals(v, decoded.get(k), k));
    }

    @Test
    void emptyAndUnicodeAndLongFieldsRoundTrip() {
        Map<String, byte[]> record = new LinkedHashMap<>();
        record.put("", new byte[0]);
        record.put("größe", new byte[300]);
        Map<String, byte[]> decoded = RecordCodec.decode(RecordCodec.encode(record));
        assertEquals(0, decoded.get("").length);
        assertEquals(300, decoded.get("größe").length);
        assertEquals(Map.of(), RecordCodec.decode(RecordCodec.encode(Map.of())));
    }

    @Test
    void malformedValuesAreRejectedNotMisread() {
        byte[] good = RecordCodec.encode(Map.of("f", new byte[] {1, 2, 3}));
        for (byte[] bad : List.of(new byte[0], new byte[] {2, 0}, Arrays.copyOf(good, good.length - 1),
                Arrays.copyOf(good, good.length + 1), new byte[] {1, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF,
                        (byte) 0xFF, (byte) 0x7F})) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RecordCodec.decode(bad),
                    Arrays.toString(bad));
            assertTrue(e.getMessage().startsWith("malformed record"), e.getMessage());
        }
    }
}
