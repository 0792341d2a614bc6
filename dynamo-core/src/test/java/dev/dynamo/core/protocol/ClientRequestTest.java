package dev.dynamo.core.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.dynamo.core.version.SiblingSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which requests a connection holding a client certificate may send (docs/security.md). */
class ClientRequestTest {

    @Test
    void onlyGetPutAndRingRequestAreClientRequests() {
        byte[] key = {1, 2};
        Map<Message, Boolean> expected = Map.ofEntries(
                Map.entry(new Message.Get("t", key, 0, 0), true),
                Map.entry(new Message.Put("t", key, new byte[0], new byte[] {9}, false, 0, 0, false), true),
                Map.entry(new Message.Put("t", key, new byte[0], new byte[0], true, 0, 0, false), true),
                Map.entry(new Message.RingRequest(), true),
                Map.entry(new Message.ReplicaRead("t", 0, key), false),
                Map.entry(new Message.ReplicaWrite("t", 0, key, SiblingSet.EMPTY, false), false),
                Map.entry(new Message.ReplicaWrite("t", 0, key, SiblingSet.EMPTY, false, "n2"), false),
                Map.entry(new Message.Purge("t", 0, key, SiblingSet.EMPTY), false),
                Map.entry(new Message.MerkleRequest("t", 0, -1), false),
                Map.entry(new Message.DigestRequest("t", 0, new int[] {1}), false),
                Map.entry(new Message.Gossip(new byte[] {1}), false),
                Map.entry(new Message.PartitionPull("t", 0, new byte[0], 10, 1024), false),
                // answers are not requests either
                Map.entry(new Message.GetResult(List.of(), new byte[0]), false),
                Map.entry(new Message.Error("internal", "x", 0, 0), false));
        for (Map.Entry<Message, Boolean> e : expected.entrySet()) {
            assertEquals(e.getValue(), MessageCodec.isClientRequest(MessageCodec.encode(e.getKey())),
                    e.getKey().getClass().getSimpleName());
        }
    }

    @Test
    void anEmptyOrUnknownRequestIsNotAClientRequest() {
        assertFalse(MessageCodec.isClientRequest(new byte[0]));
        assertFalse(MessageCodec.isClientRequest(new byte[] {(byte) 0xff}));
        assertFalse(MessageCodec.isClientRequest(new byte[] {0}));
    }
}
