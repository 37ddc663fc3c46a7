"""The Python distribution as a user gets it: `scripts/build-dist` builds a wheel and an sdist,
the wheel goes into a fresh venv (nothing from the repository on sys.path), and `ollama-ls` and
the emulator work from there; `scripts/install --user` puts a working `ollama-ls` on a PATH.

Wheels of the dependencies are cached in ~/.cache/ollama-ls/wheels (downloaded once), so the
installs run with --no-index and take seconds.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parents[2]
CACHE = Path(os.environ.get("OLLAMA_LS_CACHE", Path.home() / ".cache" / "ollama-ls")) / "wheels"


def sh(*args: str | Path, timeout: float = 300, **kwargs) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OLLAMA_", "PIP_", "VIRTUAL_ENV"))}
    env.update(kwargs.pop("env", {}))
    return subprocess.run([str(a) for a in args], capture_output=True, text=True,
                          timeout=timeout, env=env, **kwargs)


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    result = sh(REPO / "scripts" / "build-dist", "--out", out)
    assert result.returncode == 0, result.stderr + result.stdout
    return out


def fill_cache(wheel: Path) -> None:
    """Every wheel the package needs (and setuptools for building from source), once."""
    CACHE.mkdir(parents=True, exist_ok=True)
    offline = sh(sys.executable, "-m", "pip", "download", "--quiet", "--no-index",
                 "--find-links", CACHE, "-d", CACHE, wheel, "setuptools>=77", "wheel")
    if offline.returncode != 0:
        online = sh(sys.executable, "-m", "pip", "download", "--quiet", "-d", CACHE, wheel,
                    "setuptools>=77", "wheel")
        assert online.returncode == 0, online.stderr


@pytest.fixture(scope="module")
def venv(dist, tmp_path_factory) -> Path:
    wheel = next(dist.glob("ollama_ls-*.whl"))
    fill_cache(wheel)
    venv = tmp_path_factory.mktemp("venv")
    assert sh(sys.executable, "-m", "venv", venv).returncode == 0
    result = sh(venv / "bin" / "python", "-m", "pip", "install", "--quiet", "--no-index",
                "--find-links", CACHE, wheel)
    assert result.returncode == 0, result.stderr
    return venv


def test_build_dist_makes_a_wheel_and_an_sdist(dist):
    names = sorted(path.name for path in dist.iterdir())
    assert any(name.endswith("-py3-none-any.whl") for name in names), names
    assert any(name.endswith(".tar.gz") for name in names), names


def test_the_installed_wheel_runs_version_and_check(venv, tmp_path):
    ollama_ls = venv / "bin" / "ollama-ls"
    version = sh(ollama_ls, "--version", cwd=tmp_path)
    assert version.returncode == 0 and version.stdout.startswith("ollama-ls "), version.stderr
    config = tmp_path / "compose.yaml"
    config.write_text("services:\n  app:\n    environment:\n      OLLAMA_MODEL: llama3.2\n")
    check = sh(ollama_ls, "check", config, cwd=tmp_path,
               env={"OLLAMA_HOST": "127.0.0.1:9"})  # nothing listens on port 9
    assert check.returncode == 0, check.stderr
    assert "only model names are checked" in check.stderr and "Traceback" not in check.stderr


def test_the_installed_wheel_brings_a_working_emulator(venv, tmp_path):
    python = venv / "bin" / "python"
    emulator = subprocess.Popen([python, "-m", "ollama_ls.emulator", "--port", "0"],
                                stdout=subprocess.PIPE, text=True, cwd=tmp_path)
    try:
        url = emulator.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:")
        status = sh(venv / "bin" / "ollama-ls", "status", "--host", url, cwd=tmp_path)
        assert status.returncode == 0 and f"at {url}" in status.stdout, status.stderr
    finally:
        emulator.terminate()
        emulator.wait(timeout=10)


def test_install_user_puts_ollama_ls_on_the_path(dist, tmp_path):
    fill_cache(next(dist.glob("ollama_ls-*.whl")))
    home, bin_dir = tmp_path / "home", tmp_path / "bin"
    result = sh(REPO / "scripts" / "install", "--user", env={
        "OLLAMA_LS_HOME": str(home), "OLLAMA_LS_BIN": str(bin_dir),
        "PIP_NO_INDEX": "1", "PIP_FIND_LINKS": str(CACHE), "HOME": str(tmp_path),
    })
    assert result.returncode == 0, result.stderr
    assert f"as {bin_dir}/ollama-ls" in result.stdout
    assert "Add " in result.stdout and "PATH" in result.stdout  # bin_dir is not on PATH yet
    assert "python -m ollama_ls.emulator --port 11434" in result.stdout
    version = sh(bin_dir / "ollama-ls", "--version", cwd=tmp_path)
    assert version.returncode == 0 and version.stdout.startswith("ollama-ls ")
