package dev.dynamo.security.io;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Writes files whole: the content goes to a temporary file in the same directory, which is then
 * moved over the target, so a process that polls the target (a reloader) sees the old content or
 * the new, never half a file. Secret files are created owner-only ({@code rw-------}) from the
 * start, so there is no moment at which another user could open them; files that are not secret
 * end up {@code rw-r--r--}. On a file system without POSIX permissions (Windows) the files get
 * that file system's defaults.
 *
 * <pre>{@code
 * SecureFiles.write(dir.resolve("n1-key.pem"), pemBytes, SecureFiles.Visibility.OWNER_ONLY);
 * }</pre>
 */
public final class SecureFiles {
    /** Who may read a written file. */
    public enum Visibility {
        /** {@code rw-------}: private keys, password hashes. */
        OWNER_ONLY(PosixFilePermissions.fromString("rw-------")),
        /** {@code rw-r--r--}: certificates. */
        WORLD_READABLE(PosixFilePermissions.fromString("rw-r--r--"));

        private final Set<PosixFilePermission> permissions;

        Visibility(Set<PosixFilePermission> permissions) {
            this.permissions = permissions;
        }

        /** The POSIX permissions a file written with this visibility gets. */
        public Set<PosixFilePermission> permissions() {
            return permissions;
        }
    }

    private static final Set<PosixFilePermission> OWNER_RW = PosixFilePermissions.fromString("rw-------");

    private SecureFiles() {
    }

    /**
     * Replaces {@code file} with {@code content} in one step, creating parent directories.
     *
     * @throws IOException if the directory cannot be created or written
     */
    public static void write(Path file, byte[] content, Visibility visibility) throws IOException {
        Path target = file.toAbsolutePath();
        Path dir = target.getParent();
        Files.createDirectories(dir);
        boolean posix = supportsPosix(dir);
        // createTempFile makes rw------- on POSIX whatever we ask later, so the secret never sits readable
        Path temp = posix
                ? Files.createTempFile(dir, "." + target.getFileName(), ".tmp", PosixFilePermissions.asFileAttribute(OWNER_RW))
                : Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
        try {
            Files.write(temp, content);
            if (posix) {
                Files.setPosixFilePermissions(temp, visibility.permissions());
            }
            move(temp, target);
        } catch (IOException | RuntimeException e) {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }

    /** Whether files in {@code dir} carry POSIX permissions (false on Windows file systems). */
    public static boolean supportsPosix(Path dir) throws IOException {
        return Files.getFileStore(dir).supportsFileAttributeView(PosixFileAttributeView.class);
    }

    private static void move(Path temp, Path target) throws IOException {
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            // same directory, so this only happens on unusual file systems; a plain replace is the best left
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
