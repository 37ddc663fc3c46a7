"""What a new user meets at the shell (issue 15, issue 13 item 7), driven as a user drives it:
a pseudo-terminal for Ctrl-C, a hanging emulator for `status`, bad arguments for one-line errors."""

from __future__ import annotations

import os
import pty
import select
import signal
import socket
import subprocess
import sys
import time

import pytest

CLI = [sys.executable, "-m", "ollama_ls"]


def clean_env(**extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("OLLAMA_")}
    env.pop("COLUMNS", None)
    env.update(extra)
    return env


def run(*args: str, timeout: float = 30, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=timeout,
                          env=clean_env(**env))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def read_until(fd: int, needle: bytes, timeout: float) -> bytes:
    out = b""
    deadline = time.monotonic() + timeout
    while needle not in out and time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.1)
        if ready:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                break
            if not chunk:
                break
            out += chunk
    return out


def serve_in_a_terminal(*args: str, host: str) -> tuple[subprocess.Popen, int]:
    primary, secondary = pty.openpty()
    process = subprocess.Popen(
        [*CLI, "serve", *args], stdin=secondary, stdout=secondary, stderr=secondary,
        start_new_session=True, env=clean_env(OLLAMA_HOST=host),
    )
    os.close(secondary)
    return process, primary


# -- serve: one Ctrl-C, no traceback; the banner names the Ollama and whether it answers ----


@pytest.mark.parametrize("mode", [[], ["--tcp"]], ids=["stdio", "tcp"])
def test_serve_stops_on_the_first_ctrl_c(emulator, mode):
    args = [*mode, "--port", str(free_port())] if mode else []
    process, terminal = serve_in_a_terminal(*args, host=emulator.base_url)
    try:
        banner = read_until(terminal, b"answers", 15)
        assert f"Ollama {emulator.state.version} at {emulator.base_url} answers".encode() in banner
        os.killpg(process.pid, signal.SIGINT)  # what the terminal does on Ctrl-C
        assert process.wait(timeout=5) in (0, 130)
        rest = read_until(terminal, b"\x00never", 1)
    finally:
        if process.poll() is None:
            process.kill()
        os.close(terminal)
    output = (banner + rest).decode(errors="replace")
    assert "Traceback" not in output and "Fatal Python error" not in output


def test_serve_banner_says_when_ollama_does_not_answer_and_offers_the_emulator():
    process, terminal = serve_in_a_terminal(host=f"127.0.0.1:{free_port()}")
    try:
        banner = read_until(terminal, b"emulator", 15).decode()
        os.killpg(process.pid, signal.SIGINT)
        process.wait(timeout=5)
    finally:
        if process.poll() is None:
            process.kill()
        os.close(terminal)
    assert "does not answer" in banner
    assert "python -m ollama_ls.emulator --port 11434" in banner


# -- one clear line and exit 2, never a traceback -------------------------------------------


def test_serve_on_a_busy_port_is_one_line():
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = run("serve", "--tcp", "--port", str(port))
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"ollama-ls serve: cannot listen on 127.0.0.1:{port}: the port is already in use "
        "(pick another with --port)"
    ]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["status", "--host", "::::"], "--host '::::'"),
        (["status", "--host", "foo bar"], "white space"),
        (["status", "--host", "localhost:99999"], "invalid port '99999'"),
        (["status", "--host", "ftp://example.com"], "not http:// or https://"),
        (["serve", "--tcp", "--port", "99999"], "--port must be between 1 and 65535"),
        (["serve", "--tcp", "--port", "-5"], "--port must be between 1 and 65535"),
        (["serve", "--log-file", "/no/such/folder/ls.log"], "cannot write the log file"),
        (["show", "caf\udce9"], "not valid UTF-8"),
        (["models", "--ca-bundle", "/no/such/ca.pem"], "--ca-bundle"),
    ],
)
def test_bad_arguments_are_one_line_and_exit_2(args, expected):
    argv = [os.fsencode(arg) for arg in args]  # the undecodable byte reaches argv as a byte
    result = subprocess.run([*CLI, *argv], capture_output=True, timeout=30, env=clean_env(),
                            stdin=subprocess.DEVNULL)
    stderr = result.stderr.decode(errors="replace")
    assert result.returncode == 2, stderr
    assert len(stderr.strip().splitlines()) == 1, stderr
    assert expected in stderr and "Traceback" not in stderr


def test_password_in_the_host_is_never_printed():
    result = run("status", "--host", f"http://alice:s3cret@127.0.0.1:{free_port()}")
    assert result.returncode == 1
    assert "s3cret" not in result.stderr + result.stdout
    assert "Traceback" not in result.stderr
    result = run("status", "--json", "--host", f"http://alice:s3cret@127.0.0.1:{free_port()}")
    assert "s3cret" not in result.stdout + result.stderr


@pytest.mark.parametrize("value", ["localhost:99999", ":abc"])
def test_a_bad_port_in_ollama_host_is_warned_about_as_ollama_does(value):
    result = run("status", OLLAMA_HOST=value)
    assert f"warning: OLLAMA_HOST='{value}': invalid port" in result.stderr
    assert "using the default 11434" in result.stderr
    assert "Traceback" not in result.stderr


def test_ollama_host_with_a_space_is_rejected():
    result = run("status", OLLAMA_HOST="foo bar")
    assert result.returncode == 2
    assert "OLLAMA_HOST='foo bar': it contains white space" in result.stderr


# -- status --------------------------------------------------------------------------------


def test_status_answers_within_seconds_when_ollama_hangs(emulator):
    emulator.faults.hang()
    started = time.monotonic()
    result = run("status", "--host", emulator.base_url, OLLAMA_TIMEOUT="120")
    took = time.monotonic() - started
    assert result.returncode == 1
    assert took < 10, took
    assert "did not answer within 5 s" in result.stderr
    assert "Traceback" not in result.stderr


def test_status_on_401_says_an_api_key_is_needed(emulator):
    emulator.require_auth("secret-key")
    result = run("status", "--host", emulator.base_url)
    assert result.returncode == 1
    first = result.stderr.splitlines()[0]
    assert "needs an API key" in first and "not reachable" not in result.stderr
    assert "OLLAMA_API_KEY" in result.stderr and "apiKey setting" not in result.stderr
    ok = run("status", "--host", emulator.base_url, OLLAMA_API_KEY="secret-key")
    assert ok.returncode == 0, ok.stderr


def test_cli_advice_names_no_editor_setting():
    from ollama_ls.cli.advice import reword

    assert "readTimeout" not in reword(
        "retry, or raise the read timeout (OLLAMA_TIMEOUT or the readTimeout setting).")
    assert "--ca-bundle" in reword(
        "Point the caBundle setting at your CA's PEM file (never turn verification off).")


# -- tables fit the terminal; never cut a model name -----------------------------------------

LONG = "hf.co/someone/a-very-long-repository-name-for-a-model-GGUF:Q4_K_M"


def table_lines(emulator, **env: str) -> list[str]:
    emulator.add_model(LONG)
    result = run("models", "--host", emulator.base_url, **env)
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


def test_models_table_is_80_columns_when_piped_and_keeps_whole_names(emulator):
    lines = table_lines(emulator)
    assert max(map(len, lines)) <= 80
    assert any(LONG in line for line in lines)


def test_a_narrow_table_drops_columns_but_never_cuts_a_name(emulator):
    lines = table_lines(emulator, COLUMNS="40")
    assert lines[0].split() == ["NAME"]  # nothing else fits beside the long name
    assert LONG in lines and all(line == line.rstrip() for line in lines)
    emulator.reset()
    narrow = run("models", "--host", emulator.base_url, COLUMNS="40").stdout.splitlines()
    assert narrow[0].split() == ["NAME", "SIZE"] and max(map(len, narrow)) <= 40


def test_models_table_honours_columns(emulator):
    lines = table_lines(emulator, COLUMNS="200")
    assert 80 < max(map(len, lines)) <= 200
    assert any(LONG in line and "completion" in line for line in lines)


# -- pull and generate output ----------------------------------------------------------------


def test_pull_prints_progress_lines_when_stderr_is_not_a_terminal(emulator, monkeypatch):
    emulator.set_rate(pull_bytes_per_s=200_000_000)  # tinyllama's 638 MB take ~3 s
    result = run("pull", "tinyllama", "--host", emulator.base_url)
    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()
    assert lines[-1] == "Pulled tinyllama."
    assert any("%" in line and " of " in line for line in lines)
    assert "?" not in result.stderr


def test_generate_cancelled_starts_its_own_line(emulator):
    emulator.set_rate(token_rate=5)
    process = subprocess.Popen(
        [*CLI, "generate", "llama3.2", "Tell a long story", "--host", emulator.base_url],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=clean_env(),
    )
    emulator.wait_for(lambda: any(r.chunks > 1 for r in emulator.requests_to("/api/generate")), 10)
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=15)
    assert process.returncode == 130
    assert stdout.endswith("\n") and stderr.strip() == "Cancelled."


# -- help --------------------------------------------------------------------------------------


def test_every_subcommand_and_positional_has_help():
    from ollama_ls.cli.main import build_parser

    parser = build_parser()
    subparsers = next(a for a in parser._actions if a.choices and isinstance(a.choices, dict))
    for name, sub in subparsers.choices.items():
        assert sub.description, f"{name} has no description"
        for action in sub._actions:
            assert action.help, f"{name} {action.dest} has no help"
        result = run(name, "--help")
        assert result.returncode == 0 and sub.description.split()[0] in result.stdout


# -- the emulator's start errors are one line --------------------------------------------------


def test_emulator_on_a_busy_port_is_one_line():
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = subprocess.run([sys.executable, "-m", "ollama_ls.emulator", "--port", str(port)],
                                capture_output=True, text=True, timeout=30)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "already in use" in lines[0], result.stderr


def test_serve_with_the_emulator_in_one_command(tmp_path):
    """`./scripts/serve --emulator`: the language server against the bundled emulator."""
    repo = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    primary, secondary = pty.openpty()
    process = subprocess.Popen([os.path.join(repo, "scripts", "serve"), "--emulator"],
                               stdin=secondary, stdout=secondary, stderr=secondary,
                               start_new_session=True, env=clean_env())
    os.close(secondary)
    try:
        banner = read_until(primary, b"answers", 60).decode(errors="replace")
        os.killpg(process.pid, signal.SIGINT)
        process.wait(timeout=10)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        os.close(primary)
    assert "Ollama 0.33.0 at http://127.0.0.1:" in banner and "answers" in banner, banner


def pull_in_a_terminal(emulator, model: str) -> tuple[int, str]:
    primary, secondary = pty.openpty()
    process = subprocess.Popen([*CLI, "pull", model, "--host", emulator.base_url],
                               stdin=secondary, stdout=secondary, stderr=secondary,
                               env=clean_env(COLUMNS="100"))
    os.close(secondary)
    try:
        output = read_until(primary, b"\x00never", 30)  # until the process closes the terminal
        code = process.wait(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
        os.close(primary)
    return code, output.decode(errors="replace")


def visible(output: str) -> str:
    import re

    return re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", output)


def test_pull_in_a_terminal_shows_a_bar_that_leaves_no_question_mark_and_no_stray_line(emulator):
    emulator.set_rate(pull_bytes_per_s=300_000_000)
    code, output = pull_in_a_terminal(emulator, "tinyllama")
    assert code == 0 and "?" not in visible(output)
    assert output.rstrip().endswith("Pulled tinyllama.")
    code, output = pull_in_a_terminal(emulator, "nosuchmodel:1b")
    assert code == 1 and "?" not in visible(output.split("Pull failed")[0])
    # the bar is erased (cursor up, erase line) before the error is printed
    assert "\x1b[2KPull failed:" in output


def test_every_client_suggestion_that_names_an_editor_setting_is_reworded_for_the_cli():
    """Suggestions in client/errors.py that name editor settings or Python arguments reachable
    from the CLI read as flags and environment variables there."""
    import re
    from pathlib import Path

    from ollama_ls.cli.advice import reword

    source = (Path(__file__).resolve().parents[2] / "server/ollama_ls/client/errors.py").read_text()
    texts = re.findall(r'suggestion="((?:[^"\\]|\\.)*)"(?:\s*"((?:[^"\\]|\\.)*)")?', source)
    editor_only = re.compile(r"\b(readTimeout|caBundle|apiKey|truncate=True|insecure=True)\b|the pull timeout")
    for first, second in texts:
        text = first + second
        assert not editor_only.search(reword(text) or ""), text
