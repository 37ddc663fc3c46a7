"""`ollama-ls check` on context lengths: above the model's maximum (from the server's
/api/show model_info), and values that are not a number of tokens."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.test_cli import run

CONTINUE = """\
models:
  - name: Llama 3 8B
    provider: ollama
    model: llama3:8b
    defaultCompletionOptions:
      contextLength: 32768
  - name: Long context
    provider: ollama
    model: long-ctx:1b
    defaultCompletionOptions:
      contextLength: 200000
"""
MODELFILE = "FROM long-ctx:1b\nPARAMETER num_ctx 300000\nPARAMETER num_ctx 0\n"


def write(root: Path, relative: str, text: str) -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_check_warns_above_the_maximum_and_errs_on_a_value_that_is_no_size(emulator, tmp_path):
    # The maximum comes from the model's own model_info: 8,192 for llama3:8b in the catalogue,
    # 262,144 for a model added here.
    emulator.add_model("long-ctx:1b", context_length=262_144)
    config = write(tmp_path, ".continue/config.yaml", CONTINUE)
    modelfile = write(tmp_path, "Modelfile", MODELFILE)

    result = run("check", str(config), str(modelfile), "--host", emulator.base_url)
    lines = result.stdout.splitlines()
    assert lines == [
        f"{config}:6:22: warning context-length-too-large `contextLength` is 32,768 tokens, above "
        "the maximum context length of `llama3:8b` (8,192 tokens): Ollama loads it with 8,192 at "
        "most. Set `contextLength` to 8192 or less.",
        f"{modelfile}:2:19: warning context-length-too-large `num_ctx` is 300,000 tokens, above "
        "the maximum context length of `long-ctx:1b` (262,144 tokens): Ollama loads it with "
        "262,144 at most. Set `num_ctx` to 262144 or less.",
        f"{modelfile}:3:19: error invalid-context-length `num_ctx` must be a positive number of "
        "tokens, not `0`. Remove it to use Ollama's default context length.",
    ]
    assert result.returncode == 1  # the error

    data = json.loads(run("check", "--json", str(config), "--host", emulator.base_url).stdout)
    assert data == [
        {
            "path": str(config), "line": 6, "column": 22, "endLine": 6, "endColumn": 27,
            "severity": "warning", "code": "context-length-too-large",
            "message": data[0]["message"], "model": "llama3:8b", "alternatives": ["8192"],
        }
    ]  # fmt: skip


def test_check_without_the_server_still_reports_values_that_are_no_size(tmp_path):
    config = write(
        tmp_path, "config.yaml", "llm:\n  provider: ollama\n  model: llama3:8b\n  num_ctx: 8k\n"
    )
    result = run("check", "--json", str(config), "--host", "http://127.0.0.1:9")
    (finding,) = json.loads(result.stdout)
    assert (finding["line"], finding["code"], finding["severity"]) == (4, "invalid-context-length", "error")
    assert "not `8k`" in finding["message"]
    assert result.returncode == 1
