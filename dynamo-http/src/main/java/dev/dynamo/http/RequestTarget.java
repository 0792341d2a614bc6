package dev.dynamo.http;

import dev.dynamo.api.BadRequestException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The parsed request target (path and query) of one HTTP request: the route it names and,
 * for the key route, the table and the key bytes. Percent-decoding is strict: a '%' not
 * followed by two hex digits is a {@link BadRequestException}.
 *
 * <pre>{@code
 * RequestTarget t = RequestTarget.parse("/tables/default/keys/a%2Fb?r=2");
 * t.route();   // KEY
 * t.key();     // the bytes of "a/b"
 * t.query();   // {r=2}
 * }</pre>
 *
 * @param route the route the path names
 * @param path  the raw path (still percent-encoded), for messages
 * @param table the decoded table name (KEY route only, else null)
 * @param key   the decoded key bytes (KEY route only, else null)
 * @param query decoded query parameters in order
 */
record RequestTarget(Route route, String path, String table, byte[] key, Map<String, String> query) {

    /** The routes of the API. */
    enum Route {
        KEY("key", "GET, PUT, DELETE"),
        TABLES("tables", "GET"),
        CLUSTER("cluster", "GET"),
        HEALTH("health", "GET"),
        METRICS("metrics", "GET"),
        /** Anti-entropy: GET shows progress, POST starts a repair ({@code ?table=T} for one table). */
        REPAIR("repair", "GET, POST"),
        /** Online backup: POST copies one table of this node ({@code ?table=T&dest=/absolute/dir}). */
        BACKUP("backup", "POST"),
        /** Membership: GET /membership shows the view; POST /membership/{join,leave,remove} acts. */
        MEMBERSHIP("membership", "GET"),
        MEMBERSHIP_ACTION("membership_action", "POST"),
        /** No route matches the path. */
        NONE("none", "");

        private final String tag;
        private final String allow;
        private final Set<String> methods;

        Route(String tag, String allow) {
            this.tag = tag;
            this.allow = allow;
            this.methods = allow.isEmpty() ? Set.of() : Set.of(allow.split(", "));
        }

        /** Short name, for metrics. */
        String tag() {
            return tag;
        }

        /** The methods the route accepts, as an {@code Allow} header value. */
        String allow() {
            return allow;
        }

        /** Whether the route accepts {@code method}: one of those {@link #allow()} lists. */
        boolean accepts(String method) {
            return methods.contains(method);
        }
    }

    static final String TABLES_PREFIX = "/tables/";
    static final String KEYS_SEGMENT = "/keys/";

    RequestTarget {
        Objects.requireNonNull(route, "route");
        Objects.requireNonNull(path, "path");
        query = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(query));
    }

    /**
     * Parses a request target as Netty hands it over (each octet as one char, so raw UTF-8
     * octets survive as they came).
     *
     * @throws BadRequestException for malformed percent-encoding, an empty key, a table name
     *                             that is not UTF-8, or a malformed or repeated query parameter
     */
    static RequestTarget parse(String uri) {
        String target = originForm(uri);
        int q = target.indexOf('?');
        String path = q < 0 ? target : target.substring(0, q);
        String rawQuery = q < 0 ? "" : target.substring(q + 1);
        int hash = rawQuery.indexOf('#');
        if (hash >= 0) {
            rawQuery = rawQuery.substring(0, hash);
        }
        Route route = routeOf(path);
        if (route == Route.REPAIR || route == Route.MEMBERSHIP_ACTION || route == Route.BACKUP) {
            return new RequestTarget(route, path, null, null, parseQuery(rawQuery));
        }
        if (route != Route.KEY) {
            return new RequestTarget(route, path, null, null, Map.of());
        }
        int keys = path.indexOf(KEYS_SEGMENT, TABLES_PREFIX.length());
        String table = utf8(decode(path.substring(TABLES_PREFIX.length(), keys), "table name"), "table name");
        byte[] key = decode(path.substring(keys + KEYS_SEGMENT.length()), "key");
        if (key.length == 0) {
            throw new BadRequestException("empty key in path '" + path + "': the key is the percent-encoded"
                    + " text after /keys/ and must not be empty");
        }
        return new RequestTarget(route, path, table, key, parseQuery(rawQuery));
    }

    /** Absolute-form targets ("http://host/path") are allowed by HTTP/1.1: keep the path. */
    private static String originForm(String uri) {
        if (uri.startsWith("/")) {
            return uri;
        }
        int scheme = uri.indexOf("://");
        if (scheme > 0) {
            int slash = uri.indexOf('/', scheme + 3);
            return slash < 0 ? "/" : uri.substring(slash);
        }
        return uri; // "*" or garbage: matches no route
    }

    private static Route routeOf(String path) {
        switch (path) {
            case "/tables":
                return Route.TABLES;
            case "/cluster":
                return Route.CLUSTER;
            case "/health":
                return Route.HEALTH;
            case "/metrics":
                return Route.METRICS;
            case "/repair":
                return Route.REPAIR;
            case "/backup":
                return Route.BACKUP;
            case "/membership":
                return Route.MEMBERSHIP;
            case "/membership/join":
            case "/membership/leave":
            case "/membership/remove":
                return Route.MEMBERSHIP_ACTION;
            default:
                break;
        }
        if (path.startsWith(TABLES_PREFIX)) {
            int keys = path.indexOf(KEYS_SEGMENT, TABLES_PREFIX.length());
            // the table is one non-empty segment; the key is everything after /keys/ (a raw '/' is part of it)
            if (keys > TABLES_PREFIX.length() && path.indexOf('/', TABLES_PREFIX.length()) == keys) {
                return Route.KEY;
            }
        }
        return Route.NONE;
    }

    private static Map<String, String> parseQuery(String rawQuery) {
        Map<String, String> out = new LinkedHashMap<>();
        if (rawQuery.isEmpty()) {
            return out;
        }
        for (String pair : rawQuery.split("&", -1)) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = utf8(decode(eq < 0 ? pair : pair.substring(0, eq), "query parameter name"),
                    "query parameter name");
            String value = eq < 0 ? "" : utf8(decode(pair.substring(eq + 1), "query parameter '" + name + "'"),
                    "query parameter '" + name + "'");
            if (out.putIfAbsent(name, value) != null) {
                throw new BadRequestException("query parameter " + name + " is given more than once");
            }
        }
        return out;
    }

    /**
     * Strict percent-decoding to octets. Chars other than "%XX" stand for themselves; a char
     * above 0xFF (never from Netty, which hands octets over) is taken as UTF-8.
     */
    static byte[] decode(String raw, String what) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                int hi = i + 1 < raw.length() ? Character.digit(raw.charAt(i + 1), 16) : -1;
                int lo = i + 2 < raw.length() ? Character.digit(raw.charAt(i + 2), 16) : -1;
                if (hi < 0 || lo < 0) {
                    String bad = raw.substring(i, Math.min(raw.length(), i + 3));
                    throw new BadRequestException("malformed percent-encoding '" + bad + "' in " + what
                            + " at character " + i + ": '%' must be followed by two hex digits (write '%' as %25)");
                }
                out.write(hi << 4 | lo);
                i += 2;
            } else if (c <= 0xFF) {
                out.write(c);
            } else {
                byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                out.write(b, 0, b.length);
            }
        }
        return out.toByteArray();
    }

    private static String utf8(byte[] bytes, String what) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new BadRequestException(what + " is not percent-encoded UTF-8");
        }
    }
}
