"""Modelfiles: the FROM slot, the tables, findings and completion contexts."""

import pytest
from ollama_ls.scan import FileKind, modelfile, scan, slot_at
from scanhelp import text_in

MODELFILE = '''# a comment: FROM nothing
FROM llama3.2:3b
PARAMETER temperature 0.7
PARAMETER stop "<|eot_id|>"
SYSTEM """
FROM inside-a-block
"""
TEMPLATE """{{ .Prompt }}"""
from qwen3
'''


def test_from_lines_are_slots_but_not_inside_blocks_or_comments():
    slots = scan(MODELFILE, FileKind.MODELFILE)
    assert [(s.key, s.value, s.kind, s.range.start.line) for s in slots] == [
        ("FROM", "llama3.2:3b", "chat", 1),
        ("FROM", "qwen3", "chat", 8),
    ]
    assert all(text_in(MODELFILE, s.range) == s.value for s in slots)


@pytest.mark.parametrize(
    "value",
    ["./model.gguf", "/abs/x.gguf", "../dir", "~/models/x", "@sha256:abc", "sha256:abc", "models/x.gguf",
     r"C:\models\x.gguf", "D:/models", "weights.safetensors"],
)  # fmt: skip
def test_files_and_blobs_are_not_model_names(value):
    assert scan(f"FROM {value}\n", FileKind.MODELFILE) == []


def test_quoted_from_and_utf16():
    text = '# 😀\nFROM "hf.co/org/Model-GGUF:Q4_K_M"\n'
    [slot] = scan(text, FileKind.MODELFILE)
    assert slot.quoted and slot.value == "hf.co/org/Model-GGUF:Q4_K_M"
    assert slot.range.start.character == 6


@pytest.mark.parametrize(
    ("text", "character", "value"),
    [("FROM ", 5, ""), ("FROM   ", 6, ""), ("FROM lla", 8, "lla"), ("from lla", 6, "lla")],
)
def test_slot_at_from(text, character, value):
    slot = slot_at(text, FileKind.MODELFILE, 0, character)
    assert slot is not None and slot.value == value


@pytest.mark.parametrize(("text", "character"), [("FROM", 4), ("FROM ./x.gguf", 9), ("PARAMETER x", 11)])
def test_slot_at_elsewhere_is_none(text, character):
    assert slot_at(text, FileKind.MODELFILE, 0, character) is None


def test_tables():
    assert set(modelfile.INSTRUCTIONS) == {
        "FROM", "PARAMETER", "TEMPLATE", "SYSTEM", "ADAPTER", "LICENSE", "MESSAGE", "REQUIRES",
    }  # fmt: skip
    assert set(modelfile.PARAMETERS) == {
        "num_keep", "seed", "num_predict", "top_k", "top_p", "min_p", "typical_p", "repeat_last_n",
        "temperature", "repeat_penalty", "presence_penalty", "frequency_penalty", "stop", "num_ctx",
        "num_batch", "num_gpu", "main_gpu", "use_mmap", "num_thread", "draft_num_predict",
    }  # fmt: skip
    kind, doc, default = modelfile.PARAMETERS["temperature"]
    assert (kind, default) == ("float", 0.8) and doc
    assert modelfile.PARAMETERS["use_mmap"].type == "bool"
    assert all(doc for doc in modelfile.INSTRUCTIONS.values())


def test_unknown_parameters_suggest_the_closest_name():
    text = "FROM x\nPARAMETER temprature 1\nPARAMETER mirostat 1\nparameter num_ctx 4096\nPARAMETER Top_K 5\n"
    findings = modelfile.unknown_parameters(text)
    assert [(f.name, f.suggestion, f.code) for f in findings] == [
        ("temprature", "temperature", "unknown-parameter"),
        ("mirostat", None, "unknown-parameter"),
        ("Top_K", "top_k", "unknown-parameter"),
    ]
    assert all(text_in(text, f.range) == f.name for f in findings)
    assert "temperature" in findings[0].message


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("PARAMETER temperature hot", "invalid-value"),
        ("PARAMETER num_ctx 4096.5", "invalid-value"),
        ("PARAMETER use_mmap yes", "invalid-value"),
        ("PARAMETER seed", "missing-value"),
        ("PARAMETER temperature 0.7", None),
        ("PARAMETER temperature .5e-1", None),
        ('PARAMETER top_k "40"', None),
        ("PARAMETER num_gpu -1", None),
        ("PARAMETER use_mmap false", None),
        ('PARAMETER stop "<|im_end|>"', None),
    ],
)
def test_value_types(line, problem):
    findings = modelfile.invalid_values(line + "\n")
    assert [f.code for f in findings] == ([problem] if problem else [])
    if problem == "invalid-value":
        assert "must be" in findings[0].message
        assert text_in(line, findings[0].range) == line.split(" ", 2)[2]


def test_check_gives_all_findings_in_order():
    text = "PARAMETER temperature hot\nPARAMETER mirostat 1\n"
    findings = modelfile.check(text)
    assert [f.code for f in findings] == ["invalid-value", "unknown-parameter"]
    assert [f.kind for f in findings] == ["invalid", "unknown"]


def test_parameters_inside_blocks_are_not_checked():
    assert modelfile.check('SYSTEM """\nPARAMETER bogus x\n"""\n') == []


@pytest.mark.parametrize(
    ("text", "line", "character", "context"),
    [
        ("", 0, 0, "instruction"),
        ("FR", 0, 2, "instruction"),
        ("  PARAM", 0, 7, "instruction"),
        ("FROM ", 0, 5, "from"),
        ("FROM lla", 0, 8, "from"),
        ("FROM lla ", 0, 9, None),
        ("PARAMETER ", 0, 10, "parameter"),
        ("PARAMETER tem", 0, 13, "parameter"),
        ("PARAMETER temperature ", 0, 22, None),
        ("# FROM ", 0, 7, None),
        ("SYSTEM x", 0, 8, None),
        ('SYSTEM """\nFR', 1, 2, None),
        ('SYSTEM """\nhi\n"""\nFR', 3, 2, "instruction"),
        ("FROM x\n", 1, 0, "instruction"),
    ],
)
def test_completion_context(text, line, character, context):
    assert modelfile.completion_context(text, line, character) == context
