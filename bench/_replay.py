"""Serve recorded NDJSON bytes as fast as the socket takes them: a source that is never the
bottleneck, for bench/stream_parsing.py.

    python bench/_replay.py BODY_FILE [WRITE_BYTES]

Prints its URL, then answers every POST with the file's bytes (HTTP/1.1, chunked, as Ollama
sends them, WRITE_BYTES per write, default 16 KiB) until SIGTERM. 127.0.0.1 only.
"""

from __future__ import annotations

import asyncio
import sys


async def serve(body: bytes, write_bytes: int) -> None:
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:  # keep-alive: one request after another on the connection
                head = await reader.readuntil(b"\r\n\r\n")
                length = 0
                for line in head.split(b"\r\n"):
                    name, _, value = line.partition(b":")
                    if name.strip().lower() == b"content-length":
                        length = int(value)
                await reader.readexactly(length)
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/x-ndjson\r\n"
                             b"Transfer-Encoding: chunked\r\n\r\n")
                for start in range(0, len(body), write_bytes):
                    piece = body[start:start + write_bytes]
                    writer.write(b"%x\r\n%s\r\n" % (len(piece), piece))
                    await writer.drain()
                writer.write(b"0\r\n\r\n")
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    print(f"http://127.0.0.1:{port}", flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    data = open(sys.argv[1], "rb").read()
    asyncio.run(serve(data, int(sys.argv[2]) if len(sys.argv) > 2 else 16384))
