package dev.dynamo.examples.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.dynamo.core.spi.Plugins;
import dev.dynamo.core.spi.StorageEngine;
import dev.dynamo.testing.contract.StorageEngineContractTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The example engine passes the contract every real engine passes (without an online backup,
 * which the SPI leaves optional), plus its own crash recovery.
 */
class AppendLogEngineTest extends StorageEngineContractTest {

    /** The {@code engine.example-append-log.*} properties the next {@link #open} uses. */
    private Map<String, String> properties = Map.of();

    @Override
    protected StorageEngine open(Path dataDir) {
        return Plugins.engine("example-append-log").open(context(dataDir, properties));
    }

    /** The example keeps the SPI's default: no online backup, refused with a clear error. */
    @Override
    protected boolean onlineBackup() {
        return false;
    }

    @Test
    void isFoundByNameThroughTheServicesFile() {
        assertInstanceOf(AppendLogEngineProvider.class, Plugins.engine(AppendLogEngineProvider.NAME));
    }

    /** A crash in the middle of an append leaves a short last record: it is dropped, the rest kept. */
    @Test
    void aTornLastRecordIsCutOffAndLaterWritesSurvive() throws IOException {
        engine.put(k("a"), v("1"));
        engine.put(k("b"), v("2"));
        engine.close();
        Path log = dataDir.resolve("data.log");
        byte[] bytes = Files.readAllBytes(log);
        Files.write(log, Arrays.copyOf(bytes, bytes.length - 3));

        StorageEngine reopened = openTracked(dataDir);
        assertArrayEquals(v("1"), reopened.get(k("a")));
        assertNull(reopened.get(k("b")), "the torn write");
        reopened.put(k("c"), v("3"));
        reopened.close();

        StorageEngine again = openTracked(dataDir);
        assertArrayEquals(v("1"), again.get(k("a")));
        assertArrayEquals(v("3"), again.get(k("c")), "a write appended after the cut is replayed");
    }

    @Test
    void aLastRecordWithABadChecksumIsDropped() throws IOException {
        engine.put(k("a"), v("1"));
        engine.put(k("b"), v("2"));
        engine.close();
        Path log = dataDir.resolve("data.log");
        byte[] bytes = Files.readAllBytes(log);
        bytes[bytes.length - 1] ^= 0x01;
        Files.write(log, bytes);

        StorageEngine reopened = openTracked(dataDir);
        assertArrayEquals(v("1"), reopened.get(k("a")));
        assertNull(reopened.get(k("b")));
    }

    @Test
    void fsyncPropertyKeepsData() {
        Path dir = tempDir.resolve("fsync");
        StorageEngine synced = openTracked(dir, Map.of("fsync", "true"));
        synced.put(k("a"), v("1"));
        synced.close();

        assertArrayEquals(v("1"), openTracked(dir, Map.of("fsync", "false")).get(k("a")));
    }

    @Test
    void badPropertiesAreRejectedByName() {
        Path dir = tempDir.resolve("props");
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> openTracked(dir, Map.of("fsync", "true", "cache-mb", "8")));
        assertEquals("table 'contract': engine 'example-append-log' has no property"
                + " engine.example-append-log.cache-mb; allowed: fsync", unknown.getMessage());
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> openTracked(dir, Map.of("fsync", "yes")));
        assertEquals("table 'contract': engine.example-append-log.fsync = 'yes': must be true or false",
                bad.getMessage());
    }

    private StorageEngine openTracked(Path dir, Map<String, String> engineProperties) {
        properties = engineProperties;
        try {
            return openTracked(dir);
        } finally {
            properties = Map.of();
        }
    }
}
