"""The .vsix files: each bundles the server for its own platform, and the bundle runs.

`vscode-extension/scripts/package-all.sh` builds the five (about a minute each the first time,
downloads cached in ~/.cache/ollama-ls); `scripts/test-extension` runs it. Here the checker
(`vscode-extension/scripts/check-vsix.py`) is tested on made-up archives, then run on the .vsix
files that exist; the linux-x64 one is unpacked and started as the extension starts it.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
EXT = REPO / "vscode-extension"
TARGETS = ("linux-x64", "linux-arm64", "darwin-x64", "darwin-arm64", "win32-x64")

spec = importlib.util.spec_from_file_location("check_vsix", EXT / "scripts" / "check-vsix.py")
check_vsix = importlib.util.module_from_spec(spec)
spec.loader.exec_module(check_vsix)

ELF_X64 = b"\x7fELF\x02\x01\x01" + b"\x00" * 11 + (0x3E).to_bytes(2, "little") + b"\x00" * 100
ELF_ARM64 = b"\x7fELF\x02\x01\x01" + b"\x00" * 11 + (0xB7).to_bytes(2, "little") + b"\x00" * 100


def fake_vsix(path: Path, target: str, binary: bytes, versions=("3.11",)) -> Path:
    libs = "extension/bundled/libs/"
    with zipfile.ZipFile(path, "w") as vsix:
        vsix.writestr("extension.vsixmanifest", f'<Identity TargetPlatform="{target}"/>')
        vsix.writestr(libs + "_native/VERSIONS", "\n".join(versions))
        for version in versions:
            tag = version.replace(".", "")
            folder = f"{libs}_native/cp{tag}/"
            vsix.writestr(folder + f"pydantic_core/_pydantic_core.cpython-{tag}-x86_64-linux-gnu.so",
                          binary)
            vsix.writestr(folder + "tree_sitter/__init__.py", "")
    return path


def test_the_checker_accepts_a_matching_bundle(tmp_path):
    vsix = fake_vsix(tmp_path / "ollama-ls-0.1.0-linux-x64.vsix", "linux-x64", ELF_X64)
    assert check_vsix.check(str(vsix)) == []


def test_the_checker_rejects_another_platforms_binary(tmp_path):
    vsix = fake_vsix(tmp_path / "ollama-ls-0.1.0-linux-x64.vsix", "linux-x64", ELF_ARM64)
    problems = check_vsix.check(str(vsix))
    assert any("built for linux-arm64, not linux-x64" in p for p in problems), problems


def test_the_checker_rejects_a_missing_python_version(tmp_path):
    vsix = fake_vsix(tmp_path / "ollama-ls-0.1.0-linux-x64.vsix", "linux-x64", ELF_X64)
    with zipfile.ZipFile(vsix, "a") as archive:  # claims 3.12 without shipping it
        archive.writestr("extension/bundled/libs/_native/VERSIONS", "3.11\n3.12")
    problems = check_vsix.check(str(vsix))
    assert any("for Python 3.12" in p for p in problems), problems


def packaged(target: str) -> Path:
    version = json.loads((EXT / "package.json").read_text())["version"]
    path = EXT / f"ollama-ls-{version}-{target}.vsix"
    if not path.exists():
        pytest.skip(f"{path.name} not built: run vscode-extension/scripts/package-all.sh")
    return path


@pytest.mark.e2e
@pytest.mark.parametrize("target", TARGETS)
def test_each_vsix_bundles_its_own_platform(target):
    assert check_vsix.check(str(packaged(target))) == []


def bootstrap(libs: Path) -> str:
    # What src/serverLaunch.ts runs (serverBootstrapCode), with --version instead of serve.
    return (f"import sys; sys.path.insert(0, {str(libs)!r}); "
            "from ollama_ls.cli.main import main; sys.exit(main())")


@pytest.mark.e2e
def test_the_linux_bundle_runs_and_names_the_pythons_it_supports(tmp_path):
    if not sys.platform.startswith("linux"):
        pytest.skip("the linux-x64 bundle runs on Linux")
    with zipfile.ZipFile(packaged("linux-x64")) as vsix:
        vsix.extractall(tmp_path)
    libs = tmp_path / "extension" / "bundled" / "libs"
    ok = subprocess.run([sys.executable, "-I", "-c", bootstrap(libs), "--version"],
                        capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert ok.returncode == 0 and ok.stdout.startswith("ollama-ls "), ok.stderr
    probe = subprocess.run(
        [sys.executable, "-I", "-c",
         f"import sys; sys.path.insert(0, {str(libs)!r}); import ollama_ls.cli.main, ollama_ls.lsp.server, "
         "pydantic_core; print(pydantic_core.__file__)"],
        capture_output=True, text=True, timeout=60, cwd=tmp_path)
    tag = f"cp{sys.version_info[0]}{sys.version_info[1]}"
    assert probe.returncode == 0 and f"_native/{tag}/" in probe.stdout, probe.stderr
    shutil.rmtree(libs / "_native" / tag)  # as if this Python were not supported
    refused = subprocess.run([sys.executable, "-I", "-c", bootstrap(libs), "--version"],
                             capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert refused.returncode == 1
    assert "the bundled server supports Python 3.10" in refused.stderr
    assert "ollama.server.python" in refused.stderr and "Traceback" not in refused.stderr
