package dev.dynamo.security.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecureFilesTest {
    @TempDir
    Path dir;

    @Test
    void aReplacedFileKeepsNoTemporaryBesideItAndGetsItsPermissions() throws Exception {
        Path key = dir.resolve("sub/n1-key.pem");
        SecureFiles.write(key, "old".getBytes(), SecureFiles.Visibility.OWNER_ONLY);
        SecureFiles.write(key, "new".getBytes(), SecureFiles.Visibility.OWNER_ONLY);
        assertEquals("new", Files.readString(key));
        try (Stream<Path> files = Files.list(key.getParent())) {
            assertEquals(List.of(key), files.toList());
        }
        if (SecureFiles.supportsPosix(dir)) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
            Path cert = dir.resolve("n1.pem");
            SecureFiles.write(cert, "cert".getBytes(), SecureFiles.Visibility.WORLD_READABLE);
            assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(cert)));
        }
    }
}
