/** Files the security code writes and watches: whole-file replacement with owner-only permissions, content fingerprints. */
package dev.dynamo.security.io;
