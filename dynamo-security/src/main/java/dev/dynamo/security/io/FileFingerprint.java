package dev.dynamo.security.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a set of small files holds at one moment: a SHA-256 of each file's content (or a marker
 * for a missing or unreadable file). Two fingerprints differ exactly when some file's content
 * changed, appeared or went away. Content, not modification times, decides: {@code cp -p},
 * {@code rsync -t} and coarse file-system clocks can all leave a rotated file with its old time,
 * and the files are a few kilobytes, so hashing them on every poll is cheap.
 *
 * <pre>{@code
 * FileFingerprint seen = FileFingerprint.of(List.of(cert, key, ca));
 * // ... later, on each poll:
 * FileFingerprint now = FileFingerprint.of(List.of(cert, key, ca));
 * if (now.changedSince(seen)) { reload(); seen = now; }
 * }</pre>
 *
 * @param digests each file (in the order given) to the hex SHA-256 of its content, {@code "absent"}
 *                or {@code "unreadable"}
 */
public record FileFingerprint(Map<Path, String> digests) {
    /** The digest of a file that does not exist. */
    public static final String ABSENT = "absent";
    /** The digest of a file that exists but could not be read. */
    public static final String UNREADABLE = "unreadable";

    public FileFingerprint {
        digests = Collections.unmodifiableMap(new LinkedHashMap<>(digests));
    }

    /** Reads each file now. Never throws for a missing or unreadable file: that is a state like any other. */
    public static FileFingerprint of(Collection<Path> files) {
        Map<Path, String> digests = new LinkedHashMap<>();
        for (Path file : files) {
            digests.put(file, digest(file));
        }
        return new FileFingerprint(digests);
    }

    /** True if any file's content differs from {@code earlier}, or the set of files differs. */
    public boolean changedSince(FileFingerprint earlier) {
        return !digests.equals(earlier.digests);
    }

    private static String digest(Path file) {
        try {
            return HexFormat.of().formatHex(sha256().digest(Files.readAllBytes(file)));
        } catch (NoSuchFileException e) {
            return ABSENT;
        } catch (IOException e) {
            return UNREADABLE;
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
