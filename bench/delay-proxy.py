#!/usr/bin/env python3
"""A TCP forwarder that delays every chunk it passes by a fixed time, in both directions,
keeping order: the link between two zones in bench/zones-netem.sh when the kernel has no
tc netem. Each ROUTE is listen_ip:port=target_ip:port.

    bench/delay-proxy.py DELAY_MS ROUTE [ROUTE ...]
"""
import asyncio
import sys


async def pipe(reader, writer, delay):
    loop = asyncio.get_running_loop()
    queue = asyncio.Queue()

    async def send():
        while True:
            due, data = await queue.get()
            wait = due - loop.time()
            if wait > 0:
                await asyncio.sleep(wait)
            if not data:
                writer.close()
                return
            writer.write(data)
            await writer.drain()

    sender = asyncio.create_task(send())
    try:
        while True:
            data = await reader.read(65536)
            await queue.put((loop.time() + delay, data))
            if not data:
                break
    except (ConnectionError, OSError):
        await queue.put((loop.time(), b""))
    try:
        await sender
    except (ConnectionError, OSError):
        pass


def handler(target_host, target_port, delay):
    async def handle(client_reader, client_writer):
        try:
            server_reader, server_writer = await asyncio.open_connection(target_host, target_port)
        except OSError:
            client_writer.close()
            return
        await asyncio.gather(pipe(client_reader, server_writer, delay), pipe(server_reader, client_writer, delay))
    return handle


async def main(args):
    delay = int(args[0]) / 1000.0
    servers = []
    for route in args[1:]:
        listen, target = route.split("=")
        listen_host, listen_port = listen.rsplit(":", 1)
        target_host, target_port = target.rsplit(":", 1)
        servers.append(await asyncio.start_server(handler(target_host, int(target_port), delay), listen_host,
                                                  int(listen_port)))
    print("delay-proxy: %d routes, %d ms each way" % (len(servers), int(args[0])), flush=True)
    await asyncio.gather(*(s.serve_forever() for s in servers))


if __name__ == "__main__":
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    asyncio.run(main(sys.argv[1:]))
