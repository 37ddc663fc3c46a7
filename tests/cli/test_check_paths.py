"""`ollama-ls check` over directories, with rules switched off, and as a pre-commit hook."""

from __future__ import annotations

import json
import re
from pathlib import Path

from ollama_ls.modelname import CLOUD_DISABLED, CLOUD_SIGN_IN
from tests.cli.test_cli import run

BAD = "llm:\n  provider: ollama\n  model: 'bad name'\n"
REPO = Path(__file__).resolve().parents[2]


def write(root: Path, relative: str, text: str) -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def checked_paths(result) -> list[str]:
    return sorted({item["path"] for item in json.loads(result.stdout)})


def test_a_directory_is_walked_skipping_what_git_ignores_and_dependency_folders(emulator, tmp_path):
    write(tmp_path, ".gitignore", "generated/\n*.local.yaml\n")
    write(tmp_path, "config/app.yaml", BAD)
    write(tmp_path, "config/deep/more.json", '{"ollama": {"model": "bad name"}}')
    write(tmp_path, "config/dev.local.yaml", BAD)
    write(tmp_path, "generated/out.yaml", BAD)
    write(tmp_path, "node_modules/pkg/config.yaml", BAD)
    write(tmp_path, ".venv/lib/config.yaml", BAD)
    write(tmp_path, "sub/.gitignore", "secret.yaml\n")
    write(tmp_path, "sub/secret.yaml", BAD)
    write(tmp_path, "sub/Modelfile", "FROM bad name\n")
    write(tmp_path, "notes.txt", "model: bad name\n")
    result = run("check", "--json", str(tmp_path), "--host", emulator.base_url)
    assert result.returncode == 1, result.stderr
    assert checked_paths(result) == sorted(
        str(tmp_path / p) for p in ("config/app.yaml", "config/deep/more.json", "sub/Modelfile")
    )


def test_exclude_and_disable(emulator, tmp_path):
    write(tmp_path, "a/app.yaml", BAD)
    write(tmp_path, "fixtures/app.yaml", BAD)
    litellm = write(
        tmp_path,
        "litellm_config.yaml",
        "model_list:\n  - model_name: local\n    litellm_params:\n      model: ollama/bad name\n",
    )
    result = run("check", "--json", str(tmp_path), "--exclude", "**/fixtures/**", "--host", emulator.base_url)
    assert checked_paths(result) == [str(tmp_path / "a/app.yaml"), str(litellm)]
    switched_off = run("check", "--json", str(litellm), "--disable", "provider-prefix", "--host", emulator.base_url)
    assert switched_off.returncode == 0 and json.loads(switched_off.stdout) == []
    unknown = run("check", str(litellm), "--disable", "nosuchrule")
    assert unknown.returncode == 2 and "unknown rule 'nosuchrule'" in unknown.stderr
    assert "litellm" in unknown.stderr and "Traceback" not in unknown.stderr


def test_a_missing_path_is_reported_and_the_rest_checked(emulator, tmp_path):
    app = write(tmp_path, "app.yaml", BAD)
    result = run("check", str(tmp_path / "gone.yaml"), str(app), "--host", emulator.base_url)
    assert result.returncode == 2
    assert "gone.yaml: no such file or directory" in result.stderr
    assert "invalid-model-name" in result.stdout


def test_the_pre_commit_hook_runs_the_check_on_the_files_it_selects(emulator, tmp_path):
    hooks = (REPO / ".pre-commit-hooks.yaml").read_text()
    entry = re.search(r"^  entry: (.+)$", hooks, re.M).group(1).split()
    files = re.compile(re.search(r"^  files: (.+)$", hooks, re.M).group(1))
    selected = [".env", "config/app.yaml", "x.yml", "opencode.json", "settings.jsonc", "codex/config.toml",
                "Modelfile", "models/Modelfile.coder", "my.modelfile", ".env.local"]
    for name in selected:
        assert files.search(name), name
    for name in ("README.md", "main.py", "package-lock.jsonx"):
        assert not files.search(name), name
    assert entry == ["ollama-ls", "check"]
    app = write(tmp_path, "app.yaml", BAD)
    # pre-commit appends the selected file names to the entry.
    result = run(*entry[1:], str(app), "--host", emulator.base_url)
    assert result.returncode == 1 and "invalid-model-name" in result.stdout


def test_a_cloud_model_is_reported_with_the_fix_its_server_needs(emulator, tmp_path):
    """Cloud off on the server (the emulator's default): check says so, as hover does; signed
    out: sign in, then pull."""
    config = tmp_path / "config.yaml"
    config.write_text("llm:\n  provider: ollama\n  model: gpt-oss:120b-cloud\n")
    off = run("check", str(config), "--host", emulator.base_url)
    assert off.stdout.splitlines() == [
        f"{config}:3:10: warning cloud-model-not-pulled `gpt-oss:120b-cloud` is an Ollama Cloud "
        f"model. {CLOUD_DISABLED}, then run: ollama pull gpt-oss:120b-cloud"
    ]
    emulator.set_cloud("signed_out")
    signed_out = run("check", str(config), "--host", emulator.base_url).stdout
    assert CLOUD_SIGN_IN in signed_out and CLOUD_DISABLED not in signed_out
