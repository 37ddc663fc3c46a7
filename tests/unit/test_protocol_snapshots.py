"""The Python side writes what it sends; the extension's unit tests check protocol.ts and
package.json against these files. Run with UPDATE_SNAPSHOTS=1 to rewrite them after a change."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from ollama_ls.lsp.payloads import OllamaProgress, PullResult, to_wire, typescript_schema
from ollama_ls.lsp.settings import PROJECT_SAFE_KEYS, Settings

UNIT = Path(__file__).resolve().parents[2] / "vscode-extension" / "test" / "unit"
SECRET_SETTINGS = {"ollama.apiKey"}  # kept in VS Code's secret storage, never a setting


def settings_defaults() -> dict[str, Any]:
    """Every server setting by its VS Code name, with the server's default."""
    flat: dict[str, Any] = {}

    def walk(model: BaseModel, prefix: str) -> None:
        for name, info in type(model).model_fields.items():
            key = f"{prefix}.{info.alias or name}"
            value = getattr(model, name)
            if isinstance(value, BaseModel):
                walk(value, key)
            elif key not in SECRET_SETTINGS:
                flat[key] = value

    walk(Settings(), "ollama")
    return flat


def check_snapshot(name: str, current: dict[str, Any]) -> None:
    path = UNIT / name
    if os.environ.get("UPDATE_SNAPSHOTS"):
        path.write_text(json.dumps(current, indent=2) + "\n")
    committed = json.loads(path.read_text())
    assert committed == current, (
        f"{path.name} is out of date: run UPDATE_SNAPSHOTS=1 pytest {__file__}, then make the "
        "extension match (npm run test:unit says where)"
    )


def test_protocol_snapshot_is_what_the_server_sends():
    check_snapshot("protocol.snapshot.json", typescript_schema())


def test_settings_defaults_snapshot_is_the_servers_defaults():
    check_snapshot("settings-defaults.snapshot.json", settings_defaults())


def project_safe_settings() -> dict[str, Any]:
    """The keys a project may set where it is not trusted; every other server setting is
    restricted (the extension's RESTRICTED_SETTINGS, minus its own `server.*`)."""
    return {"projectSafe": sorted("ollama." + ".".join(path) for path in PROJECT_SAFE_KEYS)}


def test_project_safe_settings_snapshot_is_the_servers_list():
    check_snapshot("project-safe-settings.snapshot.json", project_safe_settings())


def test_every_project_safe_key_is_a_setting():
    assert set(project_safe_settings()["projectSafe"]) <= set(settings_defaults())


def test_optional_members_are_left_out_when_unset():
    assert to_wire(PullResult("m", "success", cancelled=False)) == {
        "model": "m", "status": "success", "cancelled": False,
    }
    progress = to_wire(OllamaProgress(kind="generate", model="m", done=False, tokens_per_second=12.5))
    assert progress == {"kind": "generate", "model": "m", "done": False, "tokensPerSecond": 12.5}
