package dev.dynamo.core.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.dynamo.api.Context;
import dev.dynamo.core.spi.Sibling;
import dev.dynamo.core.version.Dot;
import dev.dynamo.core.version.SiblingSet;
import dev.dynamo.core.version.Version;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;

class SiblingCompactorTest {

    /** Last-write-wins by timestamp: settles any set on one of its versions. */
    private final SiblingCompactor lww = new SiblingCompactor(
            siblings -> List.of(siblings.stream().max(Comparator.comparingLong(Sibling::timestamp)).orElseThrow()));

    private static Version put(String node, long counter, Context context, long timestamp, String value) {
        return new Version(new Dot(node, counter), context, timestamp, false, value.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aConcurrentLoserIsDroppedOnWrite() {
        SiblingSet s = SiblingSet.EMPTY.add(put("n1", 1, Context.EMPTY, 10, "a")).set()
                .add(put("n2", 1, Context.EMPTY, 20, "b")).set();
        assertEquals(List.of(new Dot("n2", 1)), lww.apply(s).versions().stream().map(Version::dot).toList());
    }

    /**
     * A client writes v1 blind through n2 (n2's second write of the key, so the context it gets
     * back names n2:2 exactly, beside an empty clock), then writes v2 through n1 with that
     * context: v2 replaces v1. n1 has not received v1 yet. A concurrent w, later than v2, wins
     * on n1, and v2 is dropped. Then v1 arrives. Were v2 dropped with everything it knew, n1
     * would not know that v1 was replaced (its seen clock holds clocks, not exact events) and
     * would take v1 back; with n2's clock ahead (v1's timestamp the latest), v1 would even win.
     */
    @Test
    void aDroppedLoserKeepsWhatItReplacedFromComingBack() {
        Version v1 = put("n2", 2, Context.EMPTY, 400, "v1");
        Context afterV1 = v1.fullContext();
        assertFalse(afterV1.events().isEmpty(), "the context names n2:2 as an exact event");
        Version v2 = put("n1", 1, afterV1, 200, "v2");
        Version w = put("n3", 1, Context.EMPTY, 300, "w");
        SiblingSet onN1 = lww.apply(SiblingSet.EMPTY.add(v2).set());
        onN1 = lww.apply(onN1.merge(new SiblingSet(List.of(w))).set());
        SiblingSet v1Alone = new SiblingSet(List.of(v1));

        // v1 delivered to n1, and n1's set delivered to a replica that holds only v1: both end with w
        assertEquals(List.of(w), lww.apply(onN1.merge(v1Alone).set()).versions());
        assertEquals(List.of(w), lww.apply(v1Alone.merge(onN1).set()).versions());
    }
}
