"""Every example of ollama-api.md section 8, checked against our port of name.go."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ollama_ls import modelname
from ollama_ls.modelname import (
    ModelRefError,
    parse_name,
    parse_name_bare,
    same_model,
    strip_source_suffix,
)

VALID_BARE = [
    "_why/_the/_lucky:_stiff",
    "h/n/m:t",
    "host/namespace/model:tag",
    "h/nn/mm:t",
    "host:https/namespace/model:tag",
    f"{'h' * 350}/{'n' * 80}/{'m' * 80}:{'t' * 80}",
]

INVALID_BARE = [
    "", "host/namespace/model", "namespace/model", "model", "m", "n/m:", "h/n/m", "@t", "m@d",
    "^", "mm:", "/nn/mm", "//", "//mm", "hh//", "//mm:@", "00@", "@", "-hh/nn/mm:tt",
    "hh/-nn/mm:tt", "hh/nn/-mm:tt", "hh/nn/mm:-tt", "host/name:space/model:tag",
]

VALID_WITH_DEFAULTS = [
    "llama3.2", "llama3.2:latest", "LLaMA3:8B", "library/llama3", "user/model:tag", "qwen3:0.6b",
    "a", "a:b", "localhost:5000/ns/m:t", "http://localhost:5000/ns/m:t",
    "hf.co/bartowski/Llama-3.2-1B-Instruct-GGUF:Q4_K_M", "dolphin-mistral:7b-v2.6-dpo-laser-q6_K",
    "Model.Name-1_2", "m" * 80,
]

INVALID_WITH_DEFAULTS = [
    "", "mm:", ":tag", "/model", "ns/", "-model", "model:-tag", "mo del", "model!", "m@d",
    "name.space/model", "a/b/c/d", "model:tag:extra", "m" * 81, "model:" + "t" * 81,
]


@pytest.mark.parametrize("name", VALID_BARE)
def test_valid_bare_names(name):
    assert parse_name_bare(name).is_valid()


@pytest.mark.parametrize("name", INVALID_BARE)
def test_invalid_bare_names(name):
    assert not parse_name_bare(name).is_valid()


@pytest.mark.parametrize("name", VALID_WITH_DEFAULTS)
def test_valid_names_with_defaults(name):
    assert parse_name(name).is_valid(), parse_name(name).first_problem()


@pytest.mark.parametrize("name", INVALID_WITH_DEFAULTS)
def test_invalid_names_with_defaults_say_why(name):
    parsed = parse_name(name)
    assert not parsed.is_valid()
    assert parsed.first_problem().startswith("the ")


@pytest.mark.parametrize(
    ("part", "name", "valid"),
    [
        ("host", "a./n/m:t", True),
        ("host", "a.b/n/m:t", True),
        ("host", "a:123/n/m:t", True),
        ("namespace", "h/a./m:t", False),
        ("model", "h/n/-h:t", False),
    ],
)
def test_part_validity(part, name, valid):
    assert parse_name_bare(name).is_valid() is valid


def test_host_with_slash_is_invalid():
    assert not parse_name_bare("a:123/aa/bb/x:t").is_valid()


def test_defaults_and_display():
    assert str(parse_name("xx")) == "registry.ollama.ai/library/xx:latest"
    assert parse_name("registry.ollama.ai/library/model:latest").display_shortest() == "model:latest"
    assert parse_name("registry.ollama.ai/namespace/model:tag").display_shortest() == "namespace/model:tag"
    assert parse_name("host/library/model:tag").display_shortest() == "host/library/model:tag"


def test_scheme_and_host_with_port():
    name = parse_name_bare("scheme://host:port/namespace/model:tag")
    assert (name.scheme, name.host) == ("scheme", "host:port")


def test_namespace_without_tag_takes_defaults():
    name = parse_name("namespace/model")
    assert (name.host, name.namespace, name.model, name.tag) == (
        "registry.ollama.ai", "namespace", "model", "latest",
    )


def test_names_compare_case_insensitively_and_with_default_tag():
    assert same_model("LLaMA3:8B", "llama3:8b")
    assert same_model("llama3", "llama3:latest")
    assert not same_model("llama3", "llama3:8b")
    assert parse_name("llama3").explicit_tag is False
    assert parse_name("llama3:latest").explicit_tag is True


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("llama3", ("llama3", None)),
        ("  llama3:8b  ", ("llama3:8b", None)),
        ("gpt-oss:20b:cloud", ("gpt-oss:20b", "cloud")),
        ("gpt-oss:20b:LOCAL", ("gpt-oss:20b", "local")),
        ("gpt-oss:20b-cloud", ("gpt-oss:20b", "cloud")),
    ],
)
def test_source_suffixes(raw, expected):
    assert strip_source_suffix(raw) == expected


@pytest.mark.parametrize("raw", ["gpt-oss:20b-cloud:local", "m:cloud:local"])
def test_both_source_suffixes_are_refused(raw):
    with pytest.raises(ModelRefError, match="use either :local or :cloud, not both"):
        strip_source_suffix(raw)


def test_empty_reference_is_refused():
    with pytest.raises(ModelRefError, match="model is required"):
        strip_source_suffix("   ")


# The one-regex check of a part must agree with the character walk that words the problem.
PART_ALPHABET = "aZ09_-.:/@!é \t\n"


@settings(max_examples=3000, deadline=None)
@given(st.sampled_from(["host", "namespace", "model", "tag"]), st.text(PART_ALPHABET, max_size=12))
def test_the_quick_part_check_agrees_with_the_walk(kind, part):
    quick = bool(part) and modelname._VALID_PART[kind].fullmatch(part) is not None
    assert quick == (modelname._part_problem(kind, part) is None)


@settings(max_examples=2000, deadline=None)
@given(st.text(PART_ALPHABET, max_size=30))
def test_first_problem_is_the_walk_s_first_problem(raw):
    parsed = parse_name(raw)
    walked = next(
        (p for k in ("host", "namespace", "model", "tag")
         if (p := modelname._part_problem(k, getattr(parsed, k)))),
        None,
    )
    assert parsed.first_problem() == walked
