/**
 * The binary protocol shared by nodes, the Java client and the transports: every
 * {@link dev.dynamo.core.protocol.Message}, its encoding ({@link dev.dynamo.core.protocol.MessageCodec}),
 * errors as messages ({@link dev.dynamo.core.protocol.Errors}), decoding of answers
 * ({@link dev.dynamo.core.protocol.Replies}) and the table of handlers a node serves
 * ({@link dev.dynamo.core.protocol.MessageHandlers}). The format is in docs/binary-protocol.md.
 *
 * <pre>{@code
 * byte[] request = MessageCodec.encode(new Message.Get("default", key, 0, 0));
 * Message.GetResult r = Replies.expect(transport.send(node, request, 1_000).join(), Message.GetResult.class);
 * }</pre>
 */
package dev.dynamo.core.protocol;
