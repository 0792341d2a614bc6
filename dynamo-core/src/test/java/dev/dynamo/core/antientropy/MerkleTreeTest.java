package dev.dynamo.core.antientropy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class MerkleTreeTest {

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Two keys in one bucket, so that only the entry hash can tell the trees apart. */
    private static byte[][] twoKeysInOneBucket() {
        byte[] first = b("key-0");
        for (int i = 1; i < 100_000; i++) {
            byte[] other = b("key-" + i);
            if (MerkleTree.bucket(other) == MerkleTree.bucket(first)) {
                return new byte[][] {first, other};
            }
        }
        throw new AssertionError("no two keys share a bucket");
    }

    @Test
    void replicasWhoseKeysSwappedValuesDisagree() {
        byte[][] keys = twoKeysInOneBucket();
        MerkleTree a = new MerkleTree();
        a.update(keys[0], null, b("red"));
        a.update(keys[1], null, b("blue"));
        MerkleTree swapped = new MerkleTree();
        swapped.update(keys[0], null, b("blue"));
        swapped.update(keys[1], null, b("red"));
        assertFalse(Arrays.equals(a.inner(), swapped.inner()), "a swap of values must show in the tree");
    }

    @Test
    void theSameEntriesInAnyOrderGiveTheSameTree() {
        MerkleTree a = new MerkleTree();
        MerkleTree b = new MerkleTree();
        for (int i = 0; i < 1000; i++) {
            a.update(b("k" + i), null, b("v" + i));
            b.update(b("k" + (999 - i)), null, b("v" + (999 - i)));
        }
        a.update(b("k5"), b("v5"), b("changed"));
        a.update(b("k5"), b("changed"), b("v5"));
        assertArrayEquals(a.inner(), b.inner());
    }
}
