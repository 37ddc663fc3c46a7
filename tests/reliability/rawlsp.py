"""A raw JSON-RPC peer for `ollama-ls serve`: writes any bytes, reads every frame back.

pytest-lsp refuses to send malformed messages; attacks need a client that does not care.
"""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
import time
from typing import Any

SERVER = [sys.executable, "-m", "ollama_ls", "serve"]


class RawServer:
    def __init__(self, env: dict[str, str] | None = None, args: list[str] | None = None) -> None:
        self.proc = subprocess.Popen(
            [*SERVER, *(args or [])],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env={**os.environ, **(env or {})},
        )
        self.frames: queue.Queue[dict[str, Any]] = queue.Queue()
        self.seen: list[dict[str, Any]] = []
        self.stderr = bytearray()
        self._next_id = 1000
        threading.Thread(target=self._read_stdout, daemon=True).start()
        threading.Thread(target=self._read_stderr, daemon=True).start()

    # -- reading ------------------------------------------------------------------------------

    def _read_stdout(self) -> None:
        out = self.proc.stdout
        assert out is not None
        while True:
            length = None
            while True:
                line = out.readline()
                if not line:
                    return
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
                if line in (b"\r\n", b"\n"):
                    break
            body = out.read(length or 0)
            if not body:
                return
            self.frames.put(json.loads(body))

    def _read_stderr(self) -> None:
        err = self.proc.stderr
        assert err is not None
        for chunk in iter(lambda: err.read1(65536), b""):
            self.stderr += chunk

    def _pump(self, timeout: float) -> dict[str, Any] | None:
        try:
            frame = self.frames.get(timeout=timeout)
        except queue.Empty:
            return None
        self.seen.append(frame)
        if "method" in frame and "id" in frame:  # a request from the server: answer it
            method = frame["method"]
            result: Any = None
            if method == "workspace/configuration":
                result = [{} for _ in frame["params"]["items"]]
            elif method == "workspace/applyEdit":
                result = {"applied": True}
            self.send({"jsonrpc": "2.0", "id": frame["id"], "result": result})
        return frame

    def response(self, msg_id: Any, timeout: float = 10.0) -> dict[str, Any] | None:
        """The answer to request `msg_id`, or None when none came in time."""
        for frame in self.seen:
            if frame.get("id") == msg_id and "method" not in frame:
                return frame
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            frame = self._pump(max(0.01, deadline - time.monotonic()))
            if frame is not None and frame.get("id") == msg_id and "method" not in frame:
                return frame
        return None

    def drain(self, seconds: float) -> list[dict[str, Any]]:
        deadline = time.monotonic() + seconds
        got = []
        while time.monotonic() < deadline:
            frame = self._pump(max(0.01, deadline - time.monotonic()))
            if frame is not None:
                got.append(frame)
        return got

    def notifications(self, method: str) -> list[dict[str, Any]]:
        return [f for f in self.seen if f.get("method") == method and "id" not in f]

    # -- writing ------------------------------------------------------------------------------

    def write(self, data: bytes) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(data)
        self.proc.stdin.flush()

    def send(self, message: Any) -> None:
        body = json.dumps(message).encode()
        self.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)

    def request(self, method: str, params: Any = None, msg_id: Any = None) -> Any:
        if msg_id is None:
            self._next_id += 1
            msg_id = self._next_id
        message: dict[str, Any] = {"jsonrpc": "2.0", "id": msg_id, "method": method}
        if params is not None:
            message["params"] = params
        self.send(message)
        return msg_id

    def call(self, method: str, params: Any = None, timeout: float = 10.0) -> dict[str, Any] | None:
        return self.response(self.request(method, params), timeout)

    def notify(self, method: str, params: Any = None) -> None:
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def initialize(self, options: Any = None, capabilities: Any = None) -> dict[str, Any] | None:
        answer = self.call(
            "initialize",
            {
                "processId": None,
                "rootUri": None,
                "capabilities": capabilities or {},
                "initializationOptions": options,
            },
        )
        self.notify("initialized", {})
        return answer

    def open(self, uri: str, text: str, language: str = "yaml", version: int = 1) -> None:
        self.notify(
            "textDocument/didOpen",
            {"textDocument": {"uri": uri, "languageId": language, "version": version,
                              "text": text}},
        )

    def alive(self) -> bool:
        return self.proc.poll() is None

    def close(self) -> int | None:
        if self.alive():
            try:
                self.request("shutdown")
                self.notify("exit")
            except (BrokenPipeError, ValueError, OSError):
                pass
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        for stream in (self.proc.stdin, self.proc.stdout):
            try:
                stream.close()  # type: ignore[union-attr]
            except OSError:
                pass
        return self.proc.returncode

    def __enter__(self) -> RawServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def rss_kb(self) -> int:
        with open(f"/proc/{self.proc.pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        return 0
