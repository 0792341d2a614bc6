package dev.dynamo.security.auth;

import dev.dynamo.security.io.SecureFiles;
import dev.dynamo.security.tls.Names;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Adds or replaces a user in a credentials file, for tooling: the password is hashed with a fresh
 * random salt and {@link PasswordHasher#DEFAULT_ITERATIONS} (or a given count), other lines and
 * comments are kept as they are, and the file is replaced in one step, readable by its owner only.
 * A file that does not parse is left alone (the exception names its line).
 *
 * <pre>{@code
 * char[] password = System.console().readPassword("password for alice: ");
 * CredentialsWriter.putUser(Path.of("conf/users"), "alice", Set.of(Role.admin(), Role.read("*")), password);
 * }</pre>
 */
public final class CredentialsWriter {
    /** The first line of a new file. */
    static final String HEADER = "# dynamo HTTP users, one per line: " + CredentialsFile.FORMAT
            + " (" + PasswordHasher.ALGORITHM + ", Base64 salt and hash)";

    private CredentialsWriter() {
    }

    /** {@link #putUser(Path, String, Set, char[], int)} with {@link PasswordHasher#DEFAULT_ITERATIONS}. */
    public static void putUser(Path file, String name, Set<Role> roles, char[] password)
            throws IOException, CredentialsException {
        putUser(file, name, roles, password, PasswordHasher.DEFAULT_ITERATIONS);
    }

    /**
     * Writes {@code name} with {@code roles} and the hash of {@code password}, replacing the
     * user's line if there is one, appending otherwise; creates the file if needed.
     *
     * @throws IllegalArgumentException if the name is invalid, there is no role, or the password is empty
     * @throws CredentialsException     if the existing file does not parse
     */
    public static void putUser(Path file, String name, Set<Role> roles, char[] password, int iterations)
            throws IOException, CredentialsException {
        Names.require(name, "user name");
        if (roles.isEmpty()) {
            throw new IllegalArgumentException("user '" + name + "' needs at least one role");
        }
        if (password.length == 0) {
            throw new IllegalArgumentException("user '" + name + "' needs a non-empty password");
        }
        byte[] salt = new byte[PasswordHasher.SALT_BYTES];
        new SecureRandom().nextBytes(salt);
        String line = CredentialsFile.format(name, roles, iterations, salt, PasswordHasher.hash(password, salt, iterations));

        List<String> lines = Files.exists(file)
                ? new ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8))
                : new ArrayList<>(List.of(HEADER));
        CredentialsFile.parse(file, lines);
        boolean replaced = false;
        for (int i = 0; i < lines.size(); i++) {
            if (name.equals(CredentialsFile.nameOf(lines.get(i)))) {
                lines.set(i, line);
                replaced = true;
            }
        }
        if (!replaced) {
            lines.add(line);
        }
        write(file, lines);
    }

    /**
     * Removes {@code name}'s line.
     *
     * @return whether the user was there
     * @throws CredentialsException if the existing file does not parse
     */
    public static boolean removeUser(Path file, String name) throws IOException, CredentialsException {
        List<String> lines = new ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8));
        CredentialsFile.parse(file, lines);
        boolean removed = lines.removeIf(l -> name.equals(CredentialsFile.nameOf(l)));
        if (removed) {
            write(file, lines);
        }
        return removed;
    }

    private static void write(Path file, List<String> lines) throws IOException {
        String text = String.join("\n", lines) + "\n";
        SecureFiles.write(file, text.getBytes(StandardCharsets.UTF_8), SecureFiles.Visibility.OWNER_ONLY);
    }
}
