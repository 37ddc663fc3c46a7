#!/usr/bin/env python3
"""Check that each .vsix bundles the server for its own target platform.

For every ollama-ls-<version>-<target>.vsix: the manifest names the target; every native module
(.so, .pyd, .dylib) under extension/bundled/libs is built for the target's OS and CPU; the
per-version folders (_native/cpXY) hold a pydantic-core and a tree-sitter for every Python in
_native/VERSIONS, tagged for that version; no wheel of another platform (or the emulator's aiohttp
stack) is in it. Exit 1 with one line per problem.

Usage: check-vsix.py FILE.vsix...
"""

from __future__ import annotations

import re
import sys
import zipfile
from pathlib import PurePosixPath

TARGETS = ("linux-x64", "linux-arm64", "darwin-x64", "darwin-arm64", "win32-x64")
LIBS = "extension/bundled/libs/"
NATIVE_SUFFIXES = (".so", ".pyd", ".dylib", ".dll")


def target_of(name: str) -> str | None:
    match = re.search(r"-(linux-x64|linux-arm64|darwin-x64|darwin-arm64|win32-x64)\.vsix$", name)
    return match.group(1) if match else None


def binary_platform(data: bytes) -> tuple[str, str] | None:
    """(os, cpu) of an ELF, Mach-O or PE file, from its header."""
    if data[:4] == b"\x7fELF":
        machine = int.from_bytes(data[18:20], "little" if data[5] == 1 else "big")
        return "linux", {0x3E: "x64", 0xB7: "arm64"}.get(machine, hex(machine))
    if data[:4] in (b"\xcf\xfa\xed\xfe", b"\xca\xfe\xba\xbe"):
        if data[:4] == b"\xca\xfe\xba\xbe":
            return "darwin", "universal2"
        cpu = int.from_bytes(data[4:8], "little")
        return "darwin", {0x01000007: "x64", 0x0100000C: "arm64"}.get(cpu, hex(cpu))
    if data[:2] == b"MZ":
        offset = int.from_bytes(data[0x3C:0x40], "little")
        machine = int.from_bytes(data[offset + 4 : offset + 6], "little")
        return "win32", {0x8664: "x64", 0xAA64: "arm64"}.get(machine, hex(machine))
    return None


def name_matches(filename: str, os_name: str, cpu: str) -> bool:
    """The extension module's file name carries the right tag (cpython-3XX-<triplet>, abi3...)."""
    if os_name == "win32":
        return filename.endswith(".pyd") and ("win_amd64" in filename or ".pyd" == filename[-4:])
    if os_name == "linux":
        arch = {"x64": "x86_64", "arm64": "aarch64"}[cpu]
        return ".abi3.so" in filename or f"-{arch}-linux-gnu.so" in filename
    return ".abi3.so" in filename or "-darwin.so" in filename


def check(path: str) -> list[str]:
    target = target_of(path)
    if target is None:
        return [f"{path}: the file name does not end in -<target>.vsix ({', '.join(TARGETS)})"]
    os_name, cpu = target.split("-")
    problems: list[str] = []
    with zipfile.ZipFile(path) as vsix:
        names = vsix.namelist()
        manifest = vsix.read("extension.vsixmanifest").decode()
        if f'TargetPlatform="{target}"' not in manifest:
            problems.append(f"{path}: the manifest does not name the target {target}")
        natives = [n for n in names if n.startswith(LIBS) and n.endswith(NATIVE_SUFFIXES)]
        if not natives:
            problems.append(f"{path}: no native modules bundled (pydantic-core is one)")
        for name in natives:
            found = binary_platform(vsix.read(name)[:4096])
            short = name[len(LIBS):]
            if found is None:
                problems.append(f"{path}: {short}: not a binary of any known platform")
            elif found[0] != os_name or (found[1] != cpu and found[1] != "universal2"):
                problems.append(f"{path}: {short}: built for {found[0]}-{found[1]}, not {target}")
            elif not name_matches(PurePosixPath(name).name, os_name, cpu):
                problems.append(f"{path}: {short}: the file name's tag is not for {target}")
            version_folder = re.match(r"_native/cp3(\d+)/", short)
            tag = re.search(r"\.cpython-3(\d+)|\.cp3(\d+)-", PurePosixPath(name).name)
            if tag and not version_folder:
                problems.append(f"{path}: {short}: built for one Python version but not in _native/")
            if tag and version_folder and (tag.group(1) or tag.group(2)) != version_folder.group(1):
                problems.append(f"{path}: {short}: in the wrong version folder")
        versions_name = LIBS + "_native/VERSIONS"
        versions = vsix.read(versions_name).decode().split() if versions_name in names else []
        if not versions:
            problems.append(f"{path}: _native/VERSIONS is missing or empty")
        for version in versions:
            folder = f"{LIBS}_native/cp{version.replace('.', '')}/"
            for package in ("pydantic_core/", "tree_sitter/"):
                if not any(n.startswith(folder + package) for n in names):
                    problems.append(f"{path}: no {package[:-1]} for Python {version}")
        for leftover in ("aiohttp/", "multidict/", "yarl/", "frozenlist/"):
            if any(n.startswith(LIBS + leftover) for n in names):
                problems.append(f"{path}: {leftover[:-1]} (the emulator's) is bundled")
    return problems


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    problems = [problem for path in argv for problem in check(path)]
    for problem in problems:
        print(problem, file=sys.stderr)
    if not problems:
        print(f"check-vsix: {len(argv)} .vsix file(s) bundle the server for their own platform")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
