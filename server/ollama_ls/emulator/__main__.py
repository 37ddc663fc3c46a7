"""`python -m ollama_ls.emulator --port N`: print the URL, serve until SIGINT or SIGTERM."""

from __future__ import annotations

import argparse
import errno
import signal
import sys
import threading

from .server import Emulator


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ollama_ls.emulator",
                                     description="Serve an emulated Ollama.")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port (default)")
    parser.add_argument("--rate", type=float, default=200.0, help="tokens per second")
    parser.add_argument("--version", default="0.33.0", help="what /api/version answers")
    parser.add_argument("--pull-speed", type=float, default=None, help="pull bytes per second")
    parser.add_argument("--api-key", default=None, help="require Authorization: Bearer <key>")
    args = parser.parse_args(argv)

    if not 0 <= args.port <= 65535:
        print(f"{parser.prog}: --port must be between 0 and 65535 (got {args.port})",
              file=sys.stderr)
        return 2
    emulator = Emulator(port=args.port, token_rate=args.rate, version=args.version,
                        host=args.host)
    emulator.set_rate(pull_bytes_per_s=args.pull_speed)
    emulator.require_auth(args.api_key)
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    try:
        emulator.start()
    except OSError as error:
        reason = error.strerror or str(error)
        if error.errno == errno.EADDRINUSE:
            reason = "the port is already in use (is Ollama or another emulator running? " \
                "pick another with --port, or --port 0 for a free one)"
        print(f"{parser.prog}: cannot listen on {args.host}:{args.port}: {reason}",
              file=sys.stderr)
        emulator.stop()
        return 2
    print(emulator.base_url, flush=True)
    try:
        stop.wait()
    finally:
        emulator.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
