package dev.dynamo.core.spi.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynamo.core.spi.StorageException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataDirectoryTest {

    @TempDir
    Path tempDir;

    private EngineLabel label() {
        return new EngineLabel("mvstore", "carts", tempDir.resolve("carts.mv.db"));
    }

    @Test
    void missingDirectoriesAreCreatedWithTheirParents() {
        Path dir = tempDir.resolve("a").resolve("b");

        assertEquals(dir, DataDirectory.prepare(label(), dir));

        assertTrue(Files.isDirectory(dir));
    }

    @Test
    void anExistingWritableDirectoryIsAccepted() {
        assertEquals(tempDir, DataDirectory.prepare(label(), tempDir));
    }

    @Test
    void aRegularFileFailsNamingEngineTableAndPath() throws IOException {
        Path file = Files.writeString(tempDir.resolve("file"), "not a directory");

        StorageException e = assertThrows(StorageException.class, () -> DataDirectory.prepare(label(), file));

        assertTrue(e.getMessage().startsWith("mvstore engine for table 'carts': "), e.getMessage());
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    }

    @Test
    void aDirectoryThatCannotBeCreatedFailsNamingThePathAndSayingWhatToDo() throws IOException {
        Path file = Files.writeString(tempDir.resolve("file"), "not a directory");
        Path impossible = file.resolve("data");

        StorageException e = assertThrows(StorageException.class, () -> DataDirectory.prepare(label(), impossible));

        assertTrue(e.getMessage().startsWith("mvstore engine for table 'carts': cannot create data directory "
                + impossible), e.getMessage());
        assertTrue(e.getMessage().endsWith("point the table at a directory this process can create and write"),
                e.getMessage());
        assertTrue(e.getCause() instanceof IOException, "the file system's reason is kept");
    }
}
