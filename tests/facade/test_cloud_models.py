"""A cloud model (`x:cloud`, `x:*-cloud`) on a server that is not signed in to ollama.com: the
emulator answers as Ollama does (401 `unauthorized` with a `signin_url`), and every reader is
told the one cause and fix: sign in with `ollama signin`."""

from __future__ import annotations

import httpx
import pytest

from ollama_ls.client import ClientConfig, OllamaClient, Unauthorized
from ollama_ls.client.errors import CLOUD_SIGN_IN, CloudModelUnavailable
from ollama_ls.emulator.lookup import SIGNIN_URL
from ollama_ls.facade import OllamaEditorTools, ToolsConfig


@pytest.mark.parametrize("name", ["gpt-oss:120b-cloud", "kimi-k2:1t-cloud", "qwen3-coder:cloud"])
def test_the_emulator_answers_a_signed_out_cloud_request_like_ollama(emulator, name):
    emulator.set_cloud("signed_out")
    answer = httpx.post(f"{emulator.base_url}/api/generate", json={"model": name, "prompt": "hi"})
    assert answer.status_code == 401
    assert answer.json() == {"error": "unauthorized", "signin_url": SIGNIN_URL}
    assert answer.text.startswith('{"error":"unauthorized","signin_url":')


def test_with_cloud_disabled_the_emulator_answers_403(emulator):
    answer = httpx.post(f"{emulator.base_url}/api/chat",
                        json={"model": "gpt-oss:120b-cloud", "messages": []})
    assert answer.status_code == 403
    assert answer.json() == {"error": "ollama cloud is disabled: remote model is unavailable"}


async def generate(tools: OllamaEditorTools, model: str) -> None:
    async with tools.generate(model, prompt="hi") as stream:
        async for _ in stream:
            pass


async def test_a_generation_with_a_signed_out_cloud_model_says_to_sign_in(emulator):
    emulator.set_cloud("signed_out")
    async with OllamaEditorTools(ToolsConfig(base_url=emulator.base_url)) as tools:
        with pytest.raises(Unauthorized) as caught:
            await generate(tools, "gpt-oss:120b-cloud")
    error = caught.value
    assert error.status == 401
    assert "Not signed in to Ollama Cloud" in error.message
    assert CLOUD_SIGN_IN in error.suggestion and SIGNIN_URL in error.suggestion
    assert "the apiKey setting" in error.suggestion  # a remote server behind a proxy
    assert "ollama signin" in str(error)


async def test_a_local_model_behind_an_auth_proxy_is_told_about_the_api_key_not_sign_in(emulator):
    emulator.require_auth("secret")
    async with OllamaEditorTools(ToolsConfig(base_url=emulator.base_url)) as tools:
        with pytest.raises(Unauthorized) as caught:
            await generate(tools, "llama3.2")
    assert "apiKey setting" in caught.value.suggestion
    assert "ollama signin" not in caught.value.suggestion


async def test_hover_details_of_a_cloud_model_when_cloud_is_disabled_say_the_same_fix(emulator):
    """The hover (model details) of a cloud name on a server with cloud off names the cause
    (disabled there) and the same sign-in step as the diagnostic."""
    async with OllamaEditorTools(ToolsConfig(base_url=emulator.base_url)) as tools:
        with pytest.raises(CloudModelUnavailable) as caught:
            await tools.get_model_details("gpt-oss:120b-cloud")
    assert "OLLAMA_NO_CLOUD" in caught.value.suggestion
    assert "`ollama signin`" in caught.value.suggestion


async def test_the_python_api_names_its_own_argument(emulator):
    emulator.set_cloud("signed_out")
    async with OllamaClient(ClientConfig(base_url=emulator.base_url)) as client:
        with pytest.raises(Unauthorized) as caught:
            await client.chat("deepseek-v3.1:671b-cloud", [{"role": "user", "content": "hi"}])
    assert "api_key (or OLLAMA_API_KEY)" in caught.value.suggestion
    assert "setting" not in caught.value.suggestion


def test_the_emulator_states_its_cloud_policy_as_ollama_does(emulator):
    assert httpx.get(f"{emulator.base_url}/api/status").json() == {
        "cloud": {"disabled": True, "source": "env"}
    }
    emulator.set_cloud("signed_out")
    assert httpx.get(f"{emulator.base_url}/api/status").json() == {
        "cloud": {"disabled": False, "source": "none"}
    }


async def test_the_tools_ask_for_the_cloud_policy_once_per_server_and_model_list(emulator):
    async with OllamaEditorTools(ToolsConfig(base_url=emulator.base_url)) as tools:
        assert await tools.cloud_disabled() is True
        emulator.set_cloud("signed_out")
        assert await tools.cloud_disabled() is True  # cached
        assert len(emulator.requests_to("/api/status")) == 1
        tools.invalidate()
        assert await tools.cloud_disabled() is False


async def test_an_ollama_without_api_status_cannot_say(emulator):
    """Ollama before /api/status answers 404: unknown, asked once, nothing raised."""
    emulator.faults.status(404, "404 page not found", paths=["/api/status"])
    async with OllamaEditorTools(ToolsConfig(base_url=emulator.base_url)) as tools:
        assert await tools.cloud_disabled() is None
        assert await tools.cloud_disabled() is None
        assert len(emulator.requests_to("/api/status")) == 1
