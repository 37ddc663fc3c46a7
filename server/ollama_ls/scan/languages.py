"""Which kind of file a document is, from its LSP language id or its name."""

from __future__ import annotations

import fnmatch
from collections.abc import Sequence
from enum import Enum
from urllib.parse import unquote, urlparse


class FileKind(str, Enum):
    YAML = "yaml"
    JSON = "json"  # also JSONC: comments and trailing commas are tolerated
    TOML = "toml"
    DOTENV = "dotenv"
    MODELFILE = "modelfile"


_LANGUAGE_IDS = {
    "yaml": FileKind.YAML,
    "json": FileKind.JSON,
    "jsonc": FileKind.JSON,
    "toml": FileKind.TOML,
    "dotenv": FileKind.DOTENV,
    "modelfile": FileKind.MODELFILE,
}

# (pattern, kind), matched case-insensitively against the file name, first match wins.
_NAME_PATTERNS = (
    ("*.yaml", FileKind.YAML),
    ("*.yml", FileKind.YAML),
    ("*.json", FileKind.JSON),
    ("*.jsonc", FileKind.JSON),
    ("*.toml", FileKind.TOML),
    (".env", FileKind.DOTENV),
    (".env.*", FileKind.DOTENV),
    ("*.env", FileKind.DOTENV),
    ("modelfile", FileKind.MODELFILE),
    ("modelfile.*", FileKind.MODELFILE),
    ("*.modelfile", FileKind.MODELFILE),
)


def file_kind_for(uri_or_path: str, language_id: str | None = None) -> FileKind | None:
    """The kind of a document; a known language id wins over the file name."""
    if language_id and language_id.lower() in _LANGUAGE_IDS:
        return _LANGUAGE_IDS[language_id.lower()]
    name = _file_name(uri_or_path).lower()
    for pattern, kind in _NAME_PATTERNS:
        if fnmatch.fnmatchcase(name, pattern):
            return kind
    return None


def _file_name(uri_or_path: str) -> str:
    path = uri_or_path
    if "://" in uri_or_path or uri_or_path.startswith("file:"):
        path = unquote(urlparse(uri_or_path).path)
    return path.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1]


def is_excluded(uri_or_path: str, globs: Sequence[str]) -> bool:
    """Whether a file matches one of the user's exclusion globs (`**/fixtures/**`, `*.lock.json`).

    Globs without a `/` match the file name; others match the whole path.
    """
    if not globs:
        return False
    path = uri_or_path
    if "://" in uri_or_path or uri_or_path.startswith("file:"):
        path = unquote(urlparse(uri_or_path).path)
    path = "/" + path.replace("\\", "/").lstrip("/")
    name = path.rsplit("/", 1)[-1]
    for glob in globs:
        target = path if "/" in glob else name
        pattern = glob.replace("**/", "*/").replace("/**", "/*")
        if fnmatch.fnmatchcase(target, pattern) or fnmatch.fnmatchcase(target, "*/" + pattern.lstrip("/")):
            return True
    return False
