package dev.dynamo.security.auth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Remembers the last {@code capacity} successful (user, password) checks, so that a client
 * sending the same Basic credentials on every request pays PBKDF2 once, not per request. Entries
 * are keyed by an HMAC-SHA256 of user and password under a random key made for this cache: the
 * keyed form means that a heap dump holds no unsalted password hash to crack offline. Least
 * recently used entries leave first. Only successes are stored.
 */
final class VerificationCache {
    private final int capacity;
    private final Map<String, Principal> entries;
    private final SecretKeySpec key;

    VerificationCache(int capacity) {
        if (capacity < 0) {
            throw new IllegalArgumentException("cache size must be 0 or more, got " + capacity);
        }
        this.capacity = capacity;
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Principal> eldest) {
                return size() > VerificationCache.this.capacity;
            }
        };
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        this.key = new SecretKeySpec(secret, "HmacSHA256");
    }

    /** The principal cached for this user and password, or null. */
    Principal get(String user, String password) {
        if (capacity == 0) {
            return null;
        }
        String k = key(user, password);
        synchronized (entries) {
            return entries.get(k);
        }
    }

    /** Remembers a successful check. */
    void put(String user, String password, Principal principal) {
        if (capacity == 0) {
            return;
        }
        String k = key(user, password);
        synchronized (entries) {
            entries.put(k, principal);
        }
    }

    int size() {
        synchronized (entries) {
            return entries.size();
        }
    }

    private String key(String user, String password) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            mac.update(user.getBytes(StandardCharsets.UTF_8));
            // a separator that cannot occur in a user name, so ("ab","c") and ("a","bc") differ
            mac.update((byte) 0);
            mac.update(password.getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(mac.doFinal());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this Java runtime has no HmacSHA256", e);
        }
    }
}
