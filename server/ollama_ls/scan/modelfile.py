"""Ollama Modelfiles: a tolerant line parser, the instruction and PARAMETER tables,
the FROM model-name slot, and findings for unknown or mistyped parameters."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal, NamedTuple

from .context_length import ContextFound
from .lines import lines, value_span
from .nodes import Found, Scalar, blank_end
from .positions import LineIndex, Range, decode, encode

INSTRUCTIONS: dict[str, str] = {
    "FROM": "The base model to build from: a model name, a GGUF file or a Safetensors directory.",
    "PARAMETER": "Sets a default runtime option of the model, e.g. `PARAMETER temperature 0.7`.",
    "TEMPLATE": "The full prompt template sent to the model (Go template syntax).",
    "SYSTEM": "The system message the template uses when the request has none.",
    "ADAPTER": "A (Q)LoRA adapter to apply to the model: a GGUF file or Safetensors directory.",
    "LICENSE": "The legal license of the model.",
    "MESSAGE": "A message (role and content) prepended to the conversation, e.g. few-shot examples.",
    "REQUIRES": "The minimum Ollama version the model needs, e.g. `REQUIRES 0.14.0`.",
}


class Parameter(NamedTuple):
    type: Literal["int", "float", "bool", "string"]
    doc: str
    default: object  # None: no fixed default (see doc)


PARAMETERS: dict[str, Parameter] = {
    "num_keep": Parameter("int", "Tokens from the start of the prompt kept when the context shifts.", 4),
    "seed": Parameter("int", "Random seed; a fixed seed gives repeatable output (-1: random).", -1),
    "num_predict": Parameter("int", "Maximum tokens to generate (-1: no limit).", -1),
    "top_k": Parameter("int", "Sample only from the k most likely tokens.", 40),
    "top_p": Parameter("float", "Nucleus sampling: sample only within this probability mass.", 0.9),
    "min_p": Parameter("float", "Drop tokens less likely than min_p times the most likely one.", 0.0),
    "typical_p": Parameter("float", "Locally typical sampling (1.0: off).", 1.0),
    "repeat_last_n": Parameter("int", "How far back the repeat penalty looks, in tokens.", 64),
    "temperature": Parameter("float", "Randomness of sampling: higher is more creative.", 0.8),
    "repeat_penalty": Parameter("float", "Penalty for repeating recent tokens (1.0: off).", 1.0),
    "presence_penalty": Parameter("float", "Penalty for tokens that already appeared.", 0.0),
    "frequency_penalty": Parameter("float", "Penalty growing with how often a token appeared.", 0.0),
    "stop": Parameter("string", "A stop sequence; repeat the line for several (they form an array).", None),
    "num_ctx": Parameter(
        "int",
        "Context window in tokens (default: OLLAMA_CONTEXT_LENGTH, else 4096/32768/262144 by VRAM).",
        None,
    ),
    "num_batch": Parameter("int", "Prompt tokens processed per batch.", 512),
    "num_gpu": Parameter("int", "Layers to offload to the GPU (-1: automatic).", -1),
    "main_gpu": Parameter("int", "The GPU used for small tensors when several are present.", 0),
    "use_mmap": Parameter("bool", "Memory-map the model file (unset: automatic).", None),
    "num_thread": Parameter("int", "CPU threads to use (0: automatic).", 0),
    "draft_num_predict": Parameter("int", "Tokens the draft model proposes per step.", 4),
}  # fmt: skip


@dataclass(frozen=True)
class Finding:
    range: Range
    name: str
    message: str
    code: Literal["unknown-parameter", "invalid-value", "missing-value"]
    suggestion: str | None = None  # a valid name to replace `name` with

    @property
    def kind(self) -> Literal["unknown", "invalid", "missing"]:
        """The short form of `code`."""
        if self.code == "unknown-parameter":
            return "unknown"
        return "invalid" if self.code == "invalid-value" else "missing"


@dataclass(frozen=True)
class Instruction:
    name: str  # as written; compare with .upper()
    name_start: int  # byte offsets into the document
    name_end: int
    line_start: int
    line: bytes  # the whole line, without its line break


def _lines(data: bytes) -> Iterator[tuple[int, bytes, bool]]:
    """(offset, line, inside a \"\"\" block) for every line."""
    in_block = False
    for offset, line in lines(data):
        if in_block:
            yield offset, line, True
            in_block = b'"""' not in line
            continue
        yield offset, line, False
        match = _WORD.match(line)
        if match:
            args = line[match.end() :].lstrip()
            in_block = args.startswith(b'"""') and b'"""' not in args[3:]


def instructions(data: bytes) -> Iterator[Instruction]:
    """The instruction lines, skipping comments and the insides of \"\"\" blocks."""
    for offset, line, in_block in _lines(data):
        match = _WORD.match(line)
        if in_block or not match:
            continue
        yield Instruction(
            decode(match.group(1)), offset + match.start(1), offset + match.end(1), offset, line
        )


_WORD = re.compile(rb"[ \t]*([A-Za-z_]+)")  # a comment line never matches
_PATH_PREFIXES = (".", "/", "~", "\\", "@", "sha256:")
_FILE_SUFFIXES = (".gguf", ".bin", ".safetensors")


def is_file_reference(value: str) -> bool:
    """`FROM ./x.gguf`, `/abs/dir`, `@sha256:...`: files and blobs, not model names."""
    lower = value.lower()
    return (
        lower.startswith(_PATH_PREFIXES)
        or lower.endswith(_FILE_SUFFIXES)
        or "\\" in value
        or re.match(r"^[a-z]:[\\/]", lower) is not None
    )


def find_from(data: bytes) -> list[Found]:
    """The model names in FROM lines (an empty one right after `FROM `, for typing)."""
    found = []
    for ins in instructions(data):
        if ins.name.upper() != "FROM":
            continue
        after_name = ins.name_end - ins.line_start
        if not ins.line[after_name : after_name + 1].isspace():
            continue  # `FROM` alone, or `FROMx`: still typing the instruction
        start, end, quoted = value_span(ins.line, blank_end(ins.line, after_name), comments=False)
        text = decode(ins.line[start:end])
        if is_file_reference(text):
            continue
        if text or quoted:
            value = Scalar(text, ins.line_start + start, ins.line_start + end, quoted)
        else:
            value = Scalar("", ins.name_end + 1, ins.name_end + 1, False, ins.line_start + start)
        found.append(Found("FROM", "chat", value))
    return found


def find_context(data: bytes, froms: list[Found]) -> list[ContextFound]:
    """`PARAMETER num_ctx N` lines, each with the model of the first FROM that names one."""
    model = next((f for f in froms if f.value.text), None)
    found = []
    for _, raw_name, _, start, end in _parameters(data):
        if raw_name == b"num_ctx" and end > start:
            value = Scalar(decode(data[start:end]), start, end, quoted=False)
            found.append(ContextFound("num_ctx", value, model))
    return found


def _parameters(data: bytes) -> Iterator[tuple[Instruction, bytes, int, int, int]]:
    """(instruction, name, name start, value start, value end) of PARAMETER lines."""
    for ins in instructions(data):
        if ins.name.upper() != "PARAMETER":
            continue
        line, pos = ins.line, blank_end(ins.line, ins.name_end - ins.line_start)
        name_end = pos
        while name_end < len(line) and not line[name_end : name_end + 1].isspace():
            name_end += 1
        if name_end == pos:
            continue
        start, end, _ = value_span(line, blank_end(line, name_end), comments=False)
        yield ins, line[pos:name_end], ins.line_start + pos, ins.line_start + start, ins.line_start + end


def unknown_parameters(text: str) -> list[Finding]:
    """`PARAMETER <name>` lines whose name Ollama does not know, with the closest valid name."""
    data, findings = encode(text), []
    index = LineIndex(data)
    for _, raw_name, name_start, _, _ in _parameters(data):
        name = decode(raw_name)
        if name in PARAMETERS:
            continue
        close = difflib.get_close_matches(name.lower(), PARAMETERS, n=1, cutoff=0.6)
        suggestion = close[0] if close else None
        message = f'Unknown parameter "{name}": Ollama does not support it.'
        if suggestion:
            message += f' Did you mean "{suggestion}"?'
        span = index.range(name_start, name_start + len(raw_name))
        findings.append(Finding(span, name, message, "unknown-parameter", suggestion))
    return findings


def invalid_values(text: str) -> list[Finding]:
    """Known parameters whose value is missing or not of the parameter's type."""
    data, findings = encode(text), []
    index = LineIndex(data)
    for _, raw_name, name_start, start, end in _parameters(data):
        name = decode(raw_name)
        if name not in PARAMETERS:
            continue
        value, expected = decode(data[start:end]), PARAMETERS[name].type
        if not value:
            span = index.range(name_start, name_start + len(raw_name))
            findings.append(Finding(span, name, f'"{name}" needs a value ({_A[expected]}).', "missing-value"))
        elif not _CHECKS[expected](value):
            message = f'"{name}" must be {_A[expected]}, not "{value}".'
            findings.append(Finding(index.range(start, end), name, message, "invalid-value"))
    return findings


def check(text: str) -> list[Finding]:
    """All findings of a Modelfile, in document order."""
    findings = unknown_parameters(text) + invalid_values(text)
    return sorted(findings, key=lambda f: (f.range.start.line, f.range.start.character))


_INT = re.compile(r"[+-]?[0-9]+")
_FLOAT = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|[+-]?(?:inf|infinity|nan)", re.I)
_BOOLS = {"1", "t", "T", "TRUE", "true", "True", "0", "f", "F", "FALSE", "false", "False"}  # Go ParseBool
_CHECKS = {
    "int": lambda v: _INT.fullmatch(v) is not None,
    "float": lambda v: _FLOAT.fullmatch(v) is not None,
    "bool": lambda v: v in _BOOLS,
    "string": lambda v: True,
}
_A = {"int": "an integer", "float": "a float", "bool": "a boolean (true or false)", "string": "a string"}

CompletionContext = Literal["instruction", "parameter", "from"]


def completion_context(text: str, line: int, character: int) -> CompletionContext | None:
    """What the cursor is typing: an instruction, a PARAMETER name, a FROM model, or nothing."""
    data = encode(text)
    index = LineIndex(data)
    cursor = index.offset(line, character)
    line_start = index.starts[min(max(line, 0), len(index.starts) - 1)]
    if _inside_block(data, line_start):
        return None
    prefix = data[line_start:cursor]
    words = prefix.split()
    if prefix.lstrip().startswith(b"#"):
        return None
    ends_in_blank = prefix[-1:].isspace()
    if not words or (len(words) == 1 and not ends_in_blank):
        return "instruction"
    first = words[0].upper()
    if first == b"FROM" and (len(words) == 1 or (len(words) == 2 and not ends_in_blank)):
        return "from"
    if first == b"PARAMETER" and (len(words) == 1 or (len(words) == 2 and not ends_in_blank)):
        return "parameter"
    return None


def _inside_block(data: bytes, line_start: int) -> bool:
    return any(offset == line_start and inside for offset, _, inside in _lines(data))
