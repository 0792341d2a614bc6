package dev.dynamo.security.auth;

import dev.dynamo.security.tls.Names;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The text form of the HTTP credentials file: one user per line,
 * {@code name:roles:iterations:salt:hash}, blank lines and lines starting with {@code #} ignored.
 * Roles are comma-separated and may themselves hold a colon ({@code read:orders}), so a line is
 * split at its first colon (the name) and its last three (iterations, salt, hash); the rest is
 * the roles. Salt and hash are Base64.
 */
final class CredentialsFile {
    /** The shape of a line, for messages; never the line itself. */
    static final String FORMAT = "name:roles:iterations:salt:hash";

    private CredentialsFile() {
    }

    /** One parsed line. The hash and salt arrays are never exposed outside this package. */
    record Entry(Principal principal, int iterations, byte[] salt, byte[] hash, int line) {
    }

    /** Parses every line; the first problem ends it with the file and line number. */
    static Map<String, Entry> parse(Path file, List<String> lines) throws CredentialsException {
        Map<String, Entry> users = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String text = lines.get(i).strip();
            if (text.isEmpty() || text.startsWith("#")) {
                continue;
            }
            Entry entry = parseLine(file, i + 1, text);
            Entry earlier = users.putIfAbsent(entry.principal().name(), entry);
            if (earlier != null) {
                throw new CredentialsException(file, i + 1, "user '" + entry.principal().name()
                        + "' is already defined on line " + earlier.line());
            }
        }
        return users;
    }

    /** The line for a user, as the writer puts it in the file. */
    static String format(String name, Set<Role> roles, int iterations, byte[] salt, byte[] hash) {
        Base64.Encoder base64 = Base64.getEncoder().withoutPadding();
        String roleList = roles.stream().map(Role::toString).sorted().collect(Collectors.joining(","));
        return name + ":" + roleList + ":" + iterations + ":" + base64.encodeToString(salt) + ":"
                + base64.encodeToString(hash);
    }

    /** The user name a line defines, or null for blank and comment lines; no validation. */
    static String nameOf(String line) {
        String text = line.strip();
        if (text.isEmpty() || text.startsWith("#")) {
            return null;
        }
        int colon = text.indexOf(':');
        return colon < 0 ? text : text.substring(0, colon);
    }

    private static Entry parseLine(Path file, int line, String text) throws CredentialsException {
        int first = text.indexOf(':');
        int hashColon = text.lastIndexOf(':');
        int saltColon = hashColon > 0 ? text.lastIndexOf(':', hashColon - 1) : -1;
        int iterationsColon = saltColon > 0 ? text.lastIndexOf(':', saltColon - 1) : -1;
        if (first < 0 || iterationsColon <= first) {
            throw new CredentialsException(file, line, "expected " + FORMAT);
        }
        String name = text.substring(0, first);
        String roleField = text.substring(first + 1, iterationsColon);
        String iterationField = text.substring(iterationsColon + 1, saltColon);
        String saltField = text.substring(saltColon + 1, hashColon);
        String hashField = text.substring(hashColon + 1);

        if (!Names.isValid(name)) {
            throw new CredentialsException(file, line, "the user name must be 1 to 64 letters, digits, '-' or '_'");
        }
        Set<Role> roles = new LinkedHashSet<>();
        String[] parts = roleField.split(",", -1);
        for (int i = 0; i < parts.length; i++) {
            try {
                roles.add(Role.parse(parts[i].strip()));
            } catch (IllegalArgumentException e) {
                throw new CredentialsException(file, line, "role " + (i + 1) + " of user '" + name + "' is invalid: "
                        + e.getMessage());
            }
        }
        int iterations;
        try {
            iterations = Integer.parseInt(iterationField);
        } catch (NumberFormatException e) {
            throw new CredentialsException(file, line, "the iteration count is not a number");
        }
        if (iterations < PasswordHasher.MIN_ITERATIONS || iterations > PasswordHasher.MAX_ITERATIONS) {
            throw new CredentialsException(file, line, "the iteration count must be from " + PasswordHasher.MIN_ITERATIONS
                    + " to " + PasswordHasher.MAX_ITERATIONS);
        }
        byte[] salt = decode(file, line, saltField, "salt");
        if (salt.length < PasswordHasher.SALT_BYTES) {
            throw new CredentialsException(file, line, "the salt must be at least " + PasswordHasher.SALT_BYTES + " bytes");
        }
        byte[] hash = decode(file, line, hashField, "hash");
        if (hash.length != PasswordHasher.HASH_BYTES) {
            throw new CredentialsException(file, line, "the hash must be " + PasswordHasher.HASH_BYTES + " bytes");
        }
        return new Entry(new Principal(name, roles), iterations, salt, hash, line);
    }

    private static byte[] decode(Path file, int line, String field, String what) throws CredentialsException {
        try {
            return Base64.getDecoder().decode(field);
        } catch (IllegalArgumentException e) {
            throw new CredentialsException(file, line, "the " + what + " is not Base64");
        }
    }
}
