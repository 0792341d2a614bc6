package dev.dynamo.transport.netty;

/**
 * A parsed {@code host:port} ({@code [v6-address]:port} for IPv6 literals).
 *
 * @param host host name or address literal (without brackets)
 * @param port 0 to 65535
 */
record HostPort(String host, int port) {

    HostPort {
        if (host == null || host.isEmpty()) {
            throw new IllegalArgumentException("host: must not be empty");
        }
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port: " + port + " is not between 0 and 65535");
        }
    }

    /**
     * Parses {@code text}.
     *
     * @throws IllegalArgumentException naming {@code text} when it is not host:port
     */
    static HostPort parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("address is null; expected host:port, e.g. 127.0.0.1:7001");
        }
        String s = text.trim();
        int colon = s.lastIndexOf(':');
        if (colon <= 0 || colon == s.length() - 1) {
            throw new IllegalArgumentException("address '" + text + "' is not host:port, e.g. 127.0.0.1:7001");
        }
        String host = s.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.indexOf(':') >= 0) {
            throw new IllegalArgumentException("address '" + text + "': write an IPv6 host in brackets, e.g. [::1]:7001");
        }
        int port;
        try {
            port = Integer.parseInt(s.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("address '" + text + "': port is not a number", e);
        }
        try {
            return new HostPort(host, port);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("address '" + text + "': " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
    }
}
