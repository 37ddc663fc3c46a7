"""Each workspace folder's own settings, for the documents inside it.

One server serves every folder of a multi-root workspace. What a document is checked, completed
and generated with (model, think, contextLength, keepAlive, autoPull, modelKeys, diagnostics,
scan, inlineCompletion) is its folder's; the connection (CONNECTION_FIELDS) is the server's one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

if TYPE_CHECKING:  # imported when first needed (issue 12: a fast `initialize`)
    from ollama_ls.lsp.settings import Settings


# The fields that say which Ollama to talk to and how: one value for the whole server.
CONNECTION_FIELDS: tuple[str, ...] = (
    "base_url",
    "fallback_urls",
    "headers",
    "api_key",
    "timeout",
    "verify_tls",
    "ca_bundle",
    "health_check_interval",
    "model_cache_ttl",
)


def _folder_key(uri: str) -> str:
    # Clients differ in what they percent-encode (`file:///c%3A/x` vs `file:///c:/x`).
    return unquote(uri).rstrip("/") + "/"


class FolderSettings:
    def __init__(self) -> None:
        self._by_folder: dict[str, Settings] = {}

    def replace(self, by_folder: dict[str, Settings]) -> None:
        self._by_folder = {_folder_key(uri): settings for uri, settings in by_folder.items()}

    def for_document(self, uri: str) -> Settings | None:
        """The settings of the innermost folder holding `uri`, if any folder does."""
        key = unquote(uri)
        best: tuple[int, Settings] | None = None
        for folder, settings in self._by_folder.items():
            if (key.startswith(folder) or key + "/" == folder) and (
                best is None or len(folder) > best[0]
            ):
                best = (len(folder), settings)
        return best[1] if best else None

    def __len__(self) -> int:
        return len(self._by_folder)


def connection_differences(folder: Settings, server: Settings) -> list[str]:
    """The connection settings a folder sets differently from the server's (as users write
    them: the settings' own camelCase aliases)."""
    fields = type(server).model_fields
    return [
        fields[name].alias or name
        for name in CONNECTION_FIELDS
        if getattr(folder, name) != getattr(server, name)
    ]


def layered(server_section: dict[str, Any], folder_section: dict[str, Any]) -> dict[str, Any]:
    """The folder's values over the server's: a client that answers only what a folder sets
    (or an empty section) keeps the user's settings from initializationOptions."""
    merged = dict(server_section)
    for key, value in folder_section.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = layered(merged[key], value)
        else:
            merged[key] = value
    return merged
