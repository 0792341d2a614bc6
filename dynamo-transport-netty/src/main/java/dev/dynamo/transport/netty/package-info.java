/**
 * The binary protocol of the store over TCP, on Netty: the {@code netty}
 * {@link dev.dynamo.core.spi.Transport} between nodes, and the server and client that the
 * node's client-facing port and the partition-aware Java client use. Independent of the
 * server module: it depends on {@code dynamo-core}'s SPI only.
 *
 * <h2>Frames</h2>
 *
 * A connection carries a stream of frames in each direction. Every integer is big-endian.
 *
 * <pre>
 * offset  size  field
 * 0       4     length      unsigned; the number of bytes that follow this field
 *                           (10 + payload size); 10 &le; length &le; max-frame-bytes
 * 4       1     version     1
 * 5       1     kind        0 request, 1 response, 2 failure, 3 hello
 * 6       8     request id  chosen by the client; echoed by the server's answer
 * 14      n     payload     n = length - 10 bytes
 * </pre>
 *
 * <table>
 *   <caption>Kinds</caption>
 *   <tr><th>kind</th><th>sent by</th><th>payload</th></tr>
 *   <tr><td>0 request</td><td>client</td><td>the request: opaque bytes (the store encodes its
 *       messages with {@code dev.dynamo.core.protocol.MessageCodec})</td></tr>
 *   <tr><td>1 response</td><td>server</td><td>the answer to the request with this id</td></tr>
 *   <tr><td>2 failure</td><td>server</td><td>UTF-8 text: the request with this id failed
 *       (the handler's exception class and message)</td></tr>
 *   <tr><td>3 hello</td><td>client, optional, only as the first frame of a connection</td>
 *       <td>UTF-8 node id of the sender (1 to 1024 bytes); request id 0; no answer. Nodes
 *       send it so that the receiving node knows which peer asks; clients need not.</td></tr>
 * </table>
 *
 * <h2>Rules</h2>
 * <ul>
 *   <li><b>Pipelining.</b> A client may send any number of requests on a connection without
 *       waiting. The server answers each exactly once, in whatever order the answers are
 *       ready; the client matches answers to requests by request id, which must be unique
 *       among its outstanding requests on that connection. An answer to an unknown id is
 *       ignored (its request timed out).</li>
 *   <li><b>Limits.</b> {@code max-frame-bytes} (default 32 MiB) bounds the length field on
 *       both sides; give every node and client the same value. A sender refuses to send a
 *       larger frame (a server answers a too-large answer with a failure frame instead). A
 *       server also bounds its connections ({@code max-connections}), the requests it handles
 *       at once ({@code max-in-flight}) and those waiting for a handler thread
 *       ({@code handler-queue-size}), answering a request over either with a response carrying
 *       the store's {@code overloaded} error without handling it, and closes connections silent
 *       for {@code idle-timeout-millis} (see {@link dev.dynamo.transport.netty.BinaryServer}).</li>
 *   <li><b>Malformed input.</b> A length below 10 or above {@code max-frame-bytes}, a version
 *       other than 1, an unknown kind, a kind sent in the wrong direction or a misplaced hello
 *       makes the receiver close that connection and log a WARN with the reason and the remote
 *       address, at most one line per kind every 10 s; everyone else is served as before. The
 *       header is checked as soon as its bytes arrive and nothing is allocated from the length
 *       field, so a bad length costs nothing. Requests outstanding on a closed connection fail
 *       at the client.</li>
 *   <li><b>Back-pressure.</b> A server stops reading a connection that has
 *       {@code max-in-flight-per-connection} unanswered requests, until half are answered.</li>
 *   <li>There is no Java serialization anywhere, and no other framing; compression is not part
 *       of version 1.</li>
 *   <li><b>TLS.</b> When configured ({@code tls.cert}, {@code tls.key}, {@code tls.ca}), every
 *       connection is mutual TLS 1.3 and the frames above travel inside it unchanged. The
 *       certificate's {@code OU} is the peer's role: {@code client} connections may send get,
 *       put and ring requests only, anything else is answered with the store's
 *       {@code forbidden} error; a {@code node} connection's hello must name the node of its
 *       certificate. See {@link dev.dynamo.transport.netty.TransportTls} and docs/security.md.</li>
 * </ul>
 *
 * <h2>Example</h2>
 * A request with id 7 and the 3-byte payload {@code 01 02 03}, and its answer {@code 2a}:
 * <pre>
 * client: 00 00 00 0d  01  00  00 00 00 00 00 00 00 07  01 02 03
 * server: 00 00 00 0b  01  01  00 00 00 00 00 00 00 07  2a
 * </pre>
 *
 * <h2>Classes</h2>
 * <ul>
 *   <li>{@link dev.dynamo.transport.netty.FrameCodec} and
 *       {@link dev.dynamo.transport.netty.Frame}: the format above;</li>
 *   <li>{@link dev.dynamo.transport.netty.BinaryServer}: listens, hands requests to a
 *       {@link dev.dynamo.core.spi.MessageHandler}, closes gracefully;</li>
 *   <li>{@link dev.dynamo.transport.netty.BinaryClient}: pooled, pipelined connections to
 *       servers by {@code host:port};</li>
 *   <li>{@link dev.dynamo.transport.netty.NettyTransport} (name {@code netty}, from
 *       {@link dev.dynamo.transport.netty.NettyTransportProvider}): both, as a node's transport;</li>
 *   <li>{@link dev.dynamo.transport.netty.NettyConfig}: the settings, and
 *       {@link dev.dynamo.transport.netty.EventLoops}: epoll or NIO threads;</li>
 *   <li>{@link dev.dynamo.transport.netty.TlsOptions} and
 *       {@link dev.dynamo.transport.netty.TransportTls}: mutual TLS and peer roles.</li>
 * </ul>
 *
 * <pre>{@code
 * EventLoops loops = EventLoops.create("io", 2);
 * BinaryServer server = BinaryServer.start("127.0.0.1", 0,
 *         (from, request) -> CompletableFuture.completedFuture(request), NettyConfig.defaults(), loops);
 * BinaryClient client = BinaryClient.create(NettyConfig.defaults(), null, loops);
 * byte[] echo = client.send("127.0.0.1:" + server.port(), new byte[] {1, 2, 3}, 1_000).join();
 * client.close();
 * server.close();
 * loops.close();
 * }</pre>
 */
package dev.dynamo.transport.netty;
