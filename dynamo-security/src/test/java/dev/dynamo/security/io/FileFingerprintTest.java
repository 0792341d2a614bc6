package dev.dynamo.security.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileFingerprintTest {
    @TempDir
    Path dir;

    @Test
    void aRotatedFileIsNoticedEvenWithItsOldModificationTimeAndSize() throws Exception {
        Path cert = dir.resolve("n1.pem");
        Path ca = dir.resolve("ca.pem");
        Files.writeString(cert, "first certificate");
        Files.writeString(ca, "ca");
        FileTime time = Files.getLastModifiedTime(cert);
        FileFingerprint before = FileFingerprint.of(List.of(cert, ca));
        assertFalse(FileFingerprint.of(List.of(cert, ca)).changedSince(before));

        Files.writeString(cert, "other certificate");
        Files.setLastModifiedTime(cert, time);
        assertEquals(Files.size(cert), "first certificate".length());
        assertTrue(FileFingerprint.of(List.of(cert, ca)).changedSince(before));
    }

    @Test
    void aFileThatDisappearsOrAppearsIsAChange() throws Exception {
        Path key = dir.resolve("n1-key.pem");
        FileFingerprint absent = FileFingerprint.of(List.of(key));
        assertEquals(FileFingerprint.ABSENT, absent.digests().get(key));
        Files.writeString(key, "key");
        FileFingerprint present = FileFingerprint.of(List.of(key));
        assertTrue(present.changedSince(absent));
        Files.delete(key);
        assertTrue(FileFingerprint.of(List.of(key)).changedSince(present));
    }
}
