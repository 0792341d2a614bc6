package dev.dynamo.core.spi.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.dynamo.core.spi.StorageException;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class EngineLabelTest {

    private final Path file = Path.of("data", "carts.mv.db");

    @Test
    void theClosedMessageNamesEngineTableAndLocation() {
        assertEquals("mvstore engine for table 'carts' is closed (" + file + ")",
                new EngineLabel("mvstore", "carts", file).closed().getMessage());
    }

    @Test
    void anEngineWithoutFilesNamesNoPath() {
        EngineLabel label = EngineLabel.withoutFiles("memory", "scratch");
        assertEquals("memory engine for table 'scratch' is closed", label.closed().getMessage());
        assertEquals("memory engine for table 'scratch': cannot get: boom",
                label.failure("get", new IllegalStateException("boom")).getMessage());
    }

    @Test
    void aFailureSaysWhatCouldNotBeDoneWhereAndWhyKeepingTheCause() {
        IOException cause = new IOException("disk full");

        StorageException e = new EngineLabel("mvstore", "carts", file).failure("write a batch of 2 operations to", cause);

        assertEquals("mvstore engine for table 'carts': cannot write a batch of 2 operations to " + file
                + ": disk full", e.getMessage());
        assertSame(cause, e.getCause());
    }
}
