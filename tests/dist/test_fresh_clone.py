"""The README's first command on a fresh clone: `./scripts/serve` installs into .venv and runs the
language server; from a terminal it names the Ollama and whether it answers, and one Ctrl-C stops
it. Then `.venv/bin/ollama-ls` works, as the README says. Wheels come from the cache of
test_wheel.py (~/.cache/ollama-ls/wheels), so nothing is downloaded twice."""

from __future__ import annotations

import os
import pty
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.dist.test_wheel import CACHE, REPO, sh

pytestmark = pytest.mark.e2e

sys.path.insert(0, str(REPO / "tests" / "cli"))
from test_first_run import read_until  # noqa: E402


def test_scripts_serve_on_a_fresh_clone(tmp_path):
    clone = tmp_path / "ollama-ls"
    assert sh("git", "clone", "--quiet", REPO, clone).returncode == 0
    CACHE.mkdir(parents=True, exist_ok=True)
    requirements = sh(sys.executable, "-m", "pip", "download", "--quiet", "-d", CACHE,
                      "--find-links", CACHE, f"{clone}[test]", "setuptools>=77", "wheel", "pip")
    assert requirements.returncode == 0, requirements.stderr
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("OLLAMA_", "PIP_", "VIRTUAL_ENV"))}
    env.update(PIP_NO_INDEX="1", PIP_FIND_LINKS=str(CACHE), OLLAMA_HOST="127.0.0.1:9")
    primary, secondary = pty.openpty()
    process = subprocess.Popen([clone / "scripts" / "serve"], stdin=secondary, stdout=secondary,
                               stderr=secondary, start_new_session=True, env=env, cwd=clone)
    os.close(secondary)
    try:
        output = read_until(primary, b"emulator --port 11434", 240).decode(errors="replace")
        os.killpg(process.pid, signal.SIGINT)
        code = process.wait(timeout=10)
        output += read_until(primary, b"\x00never", 1).decode(errors="replace")
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        os.close(primary)
    assert "source .venv/bin/activate" in output, output
    assert "Ollama at http://127.0.0.1:9 does not answer" in output, output
    assert code in (0, 130) and "Traceback" not in output, output
    version = sh(clone / ".venv" / "bin" / "ollama-ls", "--version")
    assert version.returncode == 0 and version.stdout.startswith("ollama-ls ")
    emulator = Path(clone / ".venv" / "bin" / "python")
    started = subprocess.run([emulator, "-c", "import ollama_ls.emulator"], capture_output=True)
    assert started.returncode == 0, started.stderr
