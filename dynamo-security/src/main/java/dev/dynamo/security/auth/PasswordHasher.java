package dev.dynamo.security.auth;

import java.security.NoSuchAlgorithmException;
import java.security.spec.InvalidKeySpecException;
import java.util.Arrays;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * PBKDF2WithHmacSHA256, the password hash of the credentials file. The iteration count is part of
 * each line, so it can rise later without invalidating existing lines; new lines get
 * {@link #DEFAULT_ITERATIONS}, OWASP's 2023 recommendation for this function.
 *
 * <pre>{@code
 * byte[] hash = PasswordHasher.hash(password, salt, PasswordHasher.DEFAULT_ITERATIONS);
 * }</pre>
 */
public final class PasswordHasher {
    /** The function, as the JDK names it. */
    public static final String ALGORITHM = "PBKDF2WithHmacSHA256";
    /** Iterations for new lines: 600,000. */
    public static final int DEFAULT_ITERATIONS = 600_000;
    /** The fewest iterations a line may state; fewer would make stolen hashes cheap to crack. */
    public static final int MIN_ITERATIONS = 10_000;
    /** The most iterations a line may state; more would make each login take seconds. */
    public static final int MAX_ITERATIONS = 10_000_000;
    /** Bytes of random salt in new lines. */
    public static final int SALT_BYTES = 16;
    /** Bytes of hash. */
    public static final int HASH_BYTES = 32;

    private PasswordHasher() {
    }

    /** The hash of {@code password} with {@code salt} and {@code iterations}. */
    public static byte[] hash(char[] password, byte[] salt, int iterations) {
        if (iterations < MIN_ITERATIONS || iterations > MAX_ITERATIONS) {
            throw new IllegalArgumentException("iterations must be from " + MIN_ITERATIONS + " to " + MAX_ITERATIONS
                    + ", got " + iterations);
        }
        PBEKeySpec spec = new PBEKeySpec(password, salt, iterations, HASH_BYTES * 8);
        try {
            return SecretKeyFactory.getInstance(ALGORITHM).generateSecret(spec).getEncoded();
        } catch (NoSuchAlgorithmException | InvalidKeySpecException e) {
            throw new IllegalStateException("this Java runtime has no " + ALGORITHM, e);
        } finally {
            spec.clearPassword();
        }
    }

    /** Clears a password copy once it is no longer needed. */
    static void clear(char[] password) {
        Arrays.fill(password, '\0');
    }
}
