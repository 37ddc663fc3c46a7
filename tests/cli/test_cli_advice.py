"""Advice at the shell names the CLI's own flags and environment variables, never an editor
setting or a Python argument: a hanging server (before and after the first token) and a TLS
certificate the client cannot verify."""

from __future__ import annotations

import socket
import ssl
import subprocess
import sys
import threading

import pytest

from test_first_run import run

# How the editor and the Python API name the knobs; none of these belongs at the shell.
NOT_THE_CLIS = ("setting", "firstTokenTimeout", "first_token_timeout", "read_timeout",
                "readTimeout", "caBundle", "ca_bundle", "apiKey", "api_key")


def assert_only_cli_words(text: str) -> None:
    assert not [word for word in NOT_THE_CLIS if word in text], text


def test_a_model_that_never_answers_names_the_first_token_flag(emulator):
    emulator.faults.hang(paths=["/api/generate"])
    result = run("generate", "llama3.2", "hi", "--host", emulator.base_url,
                 "--first-token-timeout", "1")
    assert result.returncode == 1, result.stderr
    assert "No answer from llama3.2 within 1 s" in result.stderr
    assert "--first-token-timeout SECONDS" in result.stderr
    assert_only_cli_words(result.stderr)
    assert "Traceback" not in result.stderr


def test_a_stream_that_stops_names_ollama_timeout(emulator):
    emulator.faults.hang(after_chunks=2, paths=["/api/generate"])
    result = run("generate", "llama3.2", "hi", "--host", emulator.base_url, OLLAMA_TIMEOUT="1")
    assert result.returncode == 1, result.stderr
    assert "Ollama sent nothing for 1 s" in result.stderr
    assert "OLLAMA_TIMEOUT=SECONDS" in result.stderr
    assert_only_cli_words(result.stderr)


def test_a_bad_first_token_timeout_is_a_usage_error():
    result = run("generate", "llama3.2", "hi", "--first-token-timeout", "0")
    assert result.returncode == 2
    assert "--first-token-timeout 0" in result.stderr


@pytest.fixture
def untrusted_tls_server(tmp_path):
    """An https server whose self-signed certificate no CA vouches for."""
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    stop = threading.Event()

    def serve() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except OSError:
                continue
            try:
                with context.wrap_socket(connection, server_side=True):
                    pass
            except (ssl.SSLError, OSError):
                pass  # the client gives up during the handshake: what this server is for

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"https://127.0.0.1:{listener.getsockname()[1]}"
    stop.set()
    thread.join(5)
    listener.close()


@pytest.mark.parametrize("command", [["models"], ["status"]])
def test_a_certificate_failure_names_the_ca_bundle_flag(untrusted_tls_server, command):
    result = run(*command, "--host", untrusted_tls_server)
    assert result.returncode == 1, result.stderr
    assert "TLS handshake with" in result.stderr
    assert "--ca-bundle FILE" in result.stderr
    assert_only_cli_words(result.stderr)


def test_the_python_api_names_its_own_arguments():
    """The same failures through the Python API name ClientConfig's arguments."""
    code = (
        "import httpx\n"
        "from ollama_ls.client import error_from_transport\n"
        "tls = error_from_transport(httpx.ConnectError('[SSL: CERTIFICATE_VERIFY_FAILED] x'),"
        " endpoint='/api/tags', server='https://h')\n"
        "slow = error_from_transport(httpx.ReadTimeout('t'), endpoint='/api/chat',"
        " server='http://h', read_timeout=5)\n"
        "print(tls.suggestion); print(slow.suggestion)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert "ca_bundle" in out and "read_timeout (or OLLAMA_TIMEOUT)" in out
    assert "setting" not in out


def test_a_signed_out_cloud_model_says_to_sign_in(emulator):
    import httpx

    httpx.post(f"{emulator.base_url}/_emulator/cloud", json={"mode": "signed_out"})
    result = run("generate", "gpt-oss:120b-cloud", "hi", "--host", emulator.base_url)
    assert result.returncode == 1, result.stderr
    assert "Not signed in to Ollama Cloud" in result.stderr
    assert "`ollama signin`" in result.stderr and "https://ollama.com/connect?" in result.stderr
    assert "OLLAMA_API_KEY" in result.stderr
    assert_only_cli_words(result.stderr)


def test_status_on_a_localhost_that_resolves_to_ipv6_suggests_127_0_0_1(emulator, tmp_path):
    """End to end: `ollama-ls status --host http://localhost:PORT` in a process whose localhost
    goes to ::1 first (set by a sitecustomize, the client's one resolver hook), while the
    emulator listens on 127.0.0.1 only."""
    (tmp_path / "sitecustomize.py").write_text(
        "from ollama_ls.client import loopback\nloopback.LOCALHOST_ADDRESS = '::1'\n"
    )
    result = run("status", "--host", f"http://localhost:{emulator.port}",
                 PYTHONPATH=str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert f"at http://localhost:{emulator.port}" in result.stdout
    ipv4 = f"http://127.0.0.1:{emulator.port}"
    assert f"Set --host (or OLLAMA_HOST) to {ipv4}." in result.stderr
    assert_only_cli_words(result.stderr)
