#!/usr/bin/env python3
"""A webhook sink outside ChannelWatch, for `channelwatch bench --sink-url`.

Answers every POST with 200 "ok" over keep-alive HTTP/1.1 (asyncio, one process, no
dependencies) and counts the requests, so ChannelWatch and Alertmanager are measured against
a sink neither of them is part of:

    scripts/webhook-sink.py --port 9099 &
    .build/release/channelwatch bench --only deliveries peer-alertmanager --runs 5 \
        --sink-url http://127.0.0.1:9099/hook

On SIGINT/SIGTERM it prints how many requests it answered.
"""
import argparse
import asyncio
import signal

answered = 0


async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    global answered
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n")[1:]:
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value.strip())
            if length:
                await reader.readexactly(length)
            answered += 1
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok")
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError, asyncio.LimitOverrunError, ValueError):
        pass
    finally:
        writer.close()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=9099)
    port = parser.parse_args().port
    server = await asyncio.start_server(serve, "127.0.0.1", port, limit=4 * 1024 * 1024)
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        asyncio.get_running_loop().add_signal_handler(sig, stop.set)
    print(f"webhook sink on http://127.0.0.1:{port}/ (any path)", flush=True)
    async with server:
        await stop.wait()
    print(f"answered {answered} requests", flush=True)


if __name__ == "__main__":
    asyncio.run(main())
