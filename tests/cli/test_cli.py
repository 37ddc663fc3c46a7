"""Every `ollama-ls` subcommand run as a user runs it: a subprocess against the emulator."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time

import psutil

CLI = [sys.executable, "-m", "ollama_ls"]


def run(*args: str, timeout: float = 30) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if not key.startswith("OLLAMA_")}
    env["COLUMNS"] = "160"
    return subprocess.run(
        [*CLI, *args], capture_output=True, text=True, timeout=timeout, env=env
    )


def names(emulator) -> set[str]:
    return {model.name for model in emulator.state.installed.values()}


def test_status(emulator):
    result = run("status", "--host", emulator.base_url)
    assert result.returncode == 0, result.stderr
    assert f"Ollama {emulator.state.version} at {emulator.base_url}" in result.stdout
    assert f"· {len(names(emulator))} models" in result.stdout
    assert "running: llama3.2:latest" in result.stdout
    data = json.loads(run("status", "--json", "--host", emulator.base_url).stdout)
    assert data["reachable"] is True and data["model_count"] == len(names(emulator))


def test_status_when_down_exits_non_zero_with_the_suggestion(emulator):
    emulator.stop()
    result = run("status", "--host", emulator.base_url)
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert f"at {emulator.base_url}" in lines[0]  # said once, not twice
    assert sum(emulator.base_url in line for line in lines) == 1
    assert "ollama" in result.stderr.lower() and "Traceback" not in result.stderr


def test_host_accepts_the_ollama_host_form(emulator):
    result = run("status", "--host", f"127.0.0.1:{emulator.port}")
    assert result.returncode == 0 and emulator.base_url in result.stdout


def test_models_table_and_json(emulator):
    result = run("models", "--host", emulator.base_url)
    assert result.returncode == 0
    header, *rows = result.stdout.strip().splitlines()
    assert header.split() == ["NAME", "SIZE", "PARAMETERS", "QUANTIZATION", "MODIFIED", "CAPABILITIES"]
    assert {row.split()[0] for row in rows} == names(emulator)
    data = json.loads(run("models", "--json", "--host", emulator.base_url).stdout)
    assert {model["name"] for model in data} == names(emulator)
    assert all(len(model["digest"]) == 64 for model in data)


def test_show(emulator):
    result = run("show", "qwen2.5-coder:1.5b", "--host", emulator.base_url)
    assert result.returncode == 0
    assert "insert" in result.stdout and "context length" in result.stdout
    data = json.loads(run("show", "llama3.2", "--json", "--host", emulator.base_url).stdout)
    assert data["name"] == "llama3.2:latest" and data["loaded"] is True


def test_show_missing_model_renders_the_error(emulator):
    result = run("show", "nope:1b", "--host", emulator.base_url)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert lines[0] == "Model 'nope:1b' is not installed on this Ollama server"
    assert "Model: nope:1b" in lines and f"Server: {emulator.base_url}" in lines
    assert "Run: ollama pull nope:1b" in lines[-1]


def test_pull_then_rm(emulator):
    result = run("pull", "tinyllama", "--host", emulator.base_url)
    assert result.returncode == 0, result.stderr
    assert "Pulled tinyllama." in result.stderr
    assert "tinyllama:latest" in names(emulator)
    result = run("rm", "tinyllama", "--host", emulator.base_url)
    assert result.returncode == 0 and "Deleted tinyllama." in result.stderr
    assert "tinyllama:latest" not in names(emulator)
    again = run("rm", "tinyllama", "--host", emulator.base_url)
    assert again.returncode == 1 and "is not installed" in again.stderr


def test_pull_unknown_model(emulator):
    result = run("pull", "no-such-model", "--host", emulator.base_url)
    assert result.returncode == 1
    assert "pull model manifest: file does not exist" in result.stderr
    assert "Traceback" not in result.stderr


def test_ctrl_c_during_a_pull_cancels_cleanly(emulator):
    emulator.set_rate(pull_bytes_per_s=20_000_000)
    env = {key: value for key, value in os.environ.items() if not key.startswith("OLLAMA_")}
    process = subprocess.Popen(
        [*CLI, "pull", "llama3:latest", "--host", emulator.base_url],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )
    emulator.wait_for(lambda: any(r.chunks > 2 for r in emulator.requests_to("/api/pull")), 10)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=15)
    assert process.returncode == 130
    assert "Cancelled." in stderr and "Traceback" not in stderr
    emulator.wait_for(lambda: emulator.requests_to("/api/pull")[-1].closed_early, 5)
    assert "llama3:latest" not in names(emulator)


def test_generate_streams_to_stdout_and_reports_speed(emulator):
    emulator.set_response(["Hello", ",", " world"])
    result = run("generate", "llama3.2", "Say hi", "--host", emulator.base_url)
    assert result.returncode == 0
    assert result.stdout == "Hello, world\n"
    assert "3 tokens" in result.stderr and "tokens/s" in result.stderr
    assert "(estimated)" not in result.stderr  # Ollama's own counts were used


def test_generate_with_an_embedding_model_fails_clearly(emulator):
    result = run("generate", "nomic-embed-text", "hi", "--host", emulator.base_url)
    assert result.returncode == 1
    assert "does not support generate" in result.stderr


def test_embed(emulator):
    result = run("embed", "nomic-embed-text", "hello", "--host", emulator.base_url)
    assert result.returncode == 0 and result.stdout.startswith("384 dimensions: [")
    data = json.loads(run("embed", "nomic-embed-text", "hello", "--json", "--host", emulator.base_url).stdout)
    assert len(data["embedding"]) == 384
    assert abs(sum(value * value for value in data["embedding"]) - 1.0) < 1e-3


def test_recommend(emulator):
    result = run("recommend", "--host", emulator.base_url)
    assert result.returncode == 0
    assert result.stdout.strip() in names(emulator) or "Run: ollama pull" in result.stderr
    data = json.loads(run("recommend", "--json", "--host", emulator.base_url).stdout)
    assert data["model"] and data["reason"] and data["hardware"]["total_ram"] > 0


def test_check_reports_problems_and_exit_code(emulator, tmp_path):
    config = tmp_path / "config.yaml"
    config.write_text("llm:\n  provider: ollama\n  model: phi3:mini\n  embed_model: 'bad name'\n")
    result = run("check", str(config), "--host", emulator.base_url)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        f"{config}:3:10: warning model-not-installed Model `phi3:mini` is not installed on "
        f"{emulator.base_url}. Run: ollama pull phi3:mini",
        f"{config}:4:17: error invalid-model-name invalid model name: the model 'bad name' may "
        "not contain ' '",
    ]
    data = json.loads(run("check", str(config), "--json", "--host", emulator.base_url).stdout)
    assert [item["code"] for item in data] == ["model-not-installed", "invalid-model-name"]


def test_check_clean_file_exits_zero(emulator, tmp_path):
    config = tmp_path / ".env"
    config.write_text("OLLAMA_HOST=127.0.0.1\nOLLAMA_MODEL=llama3.2\n")
    result = run("check", str(config), "--host", emulator.base_url)
    assert result.returncode == 0 and result.stdout == ""


def test_check_unknown_file_type(emulator, tmp_path):
    other = tmp_path / "notes.txt"
    other.write_text("model: x\n")
    result = run("check", str(other), "--host", emulator.base_url)
    assert result.returncode == 2 and "not a file ollama-ls checks" in result.stderr


def test_no_command_prints_help():
    result = run()
    assert result.returncode == 2 and "serve" in result.stderr


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_serve_over_tcp_listens_on_loopback_only():
    port = free_port()
    process = subprocess.Popen([*CLI, "serve", "--tcp", "--port", str(port)],
                               stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 15
        listening = []
        while not listening and time.monotonic() < deadline:
            listening = [c.laddr for c in psutil.Process(process.pid).net_connections("tcp")
                         if c.status == psutil.CONN_LISTEN]
            time.sleep(0.1)
        assert [(address.ip, address.port) for address in listening] == [("127.0.0.1", port)]
        with socket.create_connection(("127.0.0.1", port), timeout=5):
            pass
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_generate_with_an_empty_answer(emulator):
    emulator.set_response([])
    result = run("generate", "llama3.2", "Say nothing", "--host", emulator.base_url)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "\n" and "0 tokens" in result.stderr


def test_serve_rejects_an_unknown_log_level():
    result = run("serve", "--log-level", "verbose")
    assert result.returncode == 2 and "invalid choice" in result.stderr


def test_check_on_a_yaml_too_deeply_nested_for_the_parser_says_so(emulator, tmp_path):
    # 254 block levels: tree-sitter-yaml would crash the process (SIGSEGV) on this file.
    deep = tmp_path / "deep.yaml"
    deep.write_text("\n".join("  " * i + f"level{i}:" for i in range(254)) + "\n" + "  " * 254 + "model: x\n")
    clean = tmp_path / "clean.yaml"
    clean.write_text("llm:\n  provider: ollama\n  model: phi3:mini\n")
    result = run("check", str(deep), str(clean), "--host", emulator.base_url)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"{deep}:1:1: information not-checked ")
    assert "too deeply nested" in lines[0]
    assert lines[1].startswith(f"{clean}:3:10: warning model-not-installed")
    data = json.loads(run("check", "--json", str(deep), "--host", emulator.base_url).stdout)
    assert [item["code"] for item in data] == ["not-checked"]
