package dev.dynamo.core.spi;

import java.util.Objects;

/**
 * The largest message a transport carries and the setting that bounds it, so that a host can
 * refuse at startup a configuration under which values are accepted that could never be
 * replicated (see {@link TransportProvider#messageLimit}).
 *
 * <pre>{@code
 * Optional<MessageLimit> limit = Plugins.transport("netty").messageLimit(Map.of("max-frame-bytes", "1048576"));
 * // MessageLimit[maxBytes=1048566, setting=transport.netty.max-frame-bytes, settingValue=1048576]
 * }</pre>
 *
 * @param maxBytes     the largest request or answer, in bytes, that the transport sends and accepts
 * @param setting      the setting that sets it, as a node's configuration spells it
 * @param settingValue that setting's value in force
 */
public record MessageLimit(int maxBytes, String setting, long settingValue) {
    public MessageLimit {
        if (maxBytes < 0) {
            throw new IllegalArgumentException("maxBytes must be 0 or more, was " + maxBytes);
        }
        Objects.requireNonNull(setting, "setting");
    }
}
