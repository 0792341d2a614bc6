package dev.dynamo.server.cli;

import javax.net.ssl.SSLContext;

/**
 * How the operator commands reach the HTTP API: the scheme for addresses given without one,
 * the HTTP Basic credentials, and the CA to trust for HTTPS.
 *
 * <pre>{@code
 * AdminHttp api = new AdminHttp(5000, new HttpAccess("https", "alice", "Basic YWxpY2U6cHc=", sslContext));
 * }</pre>
 *
 * @param scheme        {@code http} or {@code https}
 * @param user          the user name, null without credentials
 * @param authorization the {@code Authorization} header value, null without credentials
 * @param tls           the TLS context trusting the cluster's CA; null for the JDK's default trust
 */
record HttpAccess(String scheme, String user, String authorization, SSLContext tls) {
    /** Plain HTTP without credentials. */
    static final HttpAccess PLAIN = new HttpAccess("http", null, null, null);

    /** No password in logs or stack traces. */
    @Override
    public String toString() {
        return "HttpAccess[" + scheme + (user == null ? "" : ", user " + user) + (tls == null ? "" : ", own CA") + "]";
    }
}
