"""Reuse across edits of an open document (scan/memo.py, limits.check_limits_after_edit): after
any sequence of edits to a realistic YAML, JSON or TOML file (lines typed, deleted, indented,
list items and `provider: ollama` added or removed, half-typed text), the slots and the
context-length settings scanned with the document's parse state equal those of a fresh scan of
the final text, and the limits say what a full measure says."""

from __future__ import annotations

import copy
import json

import ollama_ls.scan as scan_module
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ollama_ls.scan import FileKind, IncrementalParser, context_settings, limits, scan
from ollama_ls.scan.incremental import changed_span
from ollama_ls.scan.positions import encode

YAML = """\
# a Continue config, a LiteLLM proxy and CrewAI agents in one file
name: mixed
models:
  - name: Chat
    provider: ollama
    model: llama3.1:8b
    roles: [chat, edit]
    defaultCompletionOptions:
      contextLength: 8192
  - name: Embed
    provider: ollama
    model: nomic-embed-text
    roles:
      - embed
  - name: Other
    provider: openai
    model: gpt-4o
    num_ctx: 4096
  - name: Fim
    provider: ollama
    model: qwen2.5-coder:1.5b
    roles: [autocomplete]
    options:
      num_ctx: 0
model_list:
  - model_name: alias
    litellm_params:
      model: ollama/llama3.2
      api_base: http://localhost:11434
      num_ctx: 2048
  - model_name: second
    litellm_params:
      model: ollama_chat/qwen3:8b
researcher:
  role: Researcher
  llm: ollama/mistral
  max_tokens: 100
llm:
  provider: ollama
  config:
    model: phi3
    context_window: 1e4
services:
  app:
    image: ollama/ollama
    environment:
      - OLLAMA_MODEL=gemma2
      - OTHER=1
  web:
    environment:
      TASK_MODEL: llama3
      OLLAMA_BASE_URL: http://ollama:11434
openai:
  model: gpt-4o-mini
agents:
  - name: a1
    provider: ollama
    model: m0001:latest
  - name: a2
    base_url: http://ollama:11434/v1
    model: openai/m0002
  - name: a3
    model: m0003
  - - nested: x
      provider: ollama
      model: m0004
"""

JSON = """\
// settings
{
  "models": [
    {"provider": "ollama", "model": "llama3:8b", "contextLength": 4096},
    {"provider": "openai", "model": "gpt-4o"},
    {"provider": "ollama", "model": "nomic-embed-text", "roles": ["embed"]}
  ],
  "provider": {"ollama": {"models": {"qwen3:8b": {"limit": {"context": 32768}}}}},
  "language_models": {"ollama": {"available_models": [{"name": "phi3", "max_tokens": 8192}]}},
  "agent": {"model": "ollama/llama3.2", "options": {"num_ctx": -1}}
}
"""

TOML = """\
model = "qwen3:8b"
model_provider = "ollama"
model_context_window = 8192

[profiles.fast]
model = "llama3.2"
model_provider = "oss"

[ollama]
embed_model = "bge-m3"
num_ctx = "abc"

[[agents]]
provider = "ollama"
model = "m1"

[[agents]]
provider = "openai"
model = "gpt-4o"
"""

DOCUMENTS = {FileKind.YAML: YAML, FileKind.JSON: JSON, FileKind.TOML: TOML}

LINES = {
    FileKind.YAML: [
        "provider: ollama", "provider: openai", "model: llama3", "model: ", "- name: new",
        "- provider: ollama", "- model: x", "  - embed", "roles: [embed]", "num_ctx: 16384",
        "num_ctx: x", "contextLength: 2048", "options:", "ollama:", "openai:", "llm: ollama/y",
        "base_url: http://localhost:11434", "- ollama/z", "models: [a, b]", "environment:",
        "- OLLAMA_MODEL=q", "key: 'open", 'key: "open', "key: [open", "- - - x: 1", "? k", "#",
        "---", "|", "  text", "embed_model: e5", "model:", "-",
    ],
    FileKind.JSON: [
        '{"provider": "ollama", "model": "m"},', '"model": "x",', '"num_ctx": 1024,', "[", "]",
        "{", "}", '"provider": "ollama",', "// c", '"models": ["a", "b"],', '"model": "',
    ],
    FileKind.TOML: [
        'provider = "ollama"', 'model = "x"', "[ollama]", "[[agents]]", "num_ctx = 4096",
        'model = "', "model = ", 'models = ["a", "b"]', "# c", 'x = {model = "c"}', "[",
    ],
}  # fmt: skip
PIECES = st.sampled_from(
    ["x", "a", " ", "  ", ":", ": ", "-", "- ", "\n", "#", "'", '"', "[", "]", "{", "}", ",",
     "ollama", "ollama/", "openai", "provider", "model", "8192", "é", "😀", "\t", "=", "\r\n"]
)  # fmt: skip


def _line_starts(text: str) -> list[int]:
    starts = [0]
    starts.extend(i + 1 for i, ch in enumerate(text) if ch == "\n")
    return starts


SAFE_LINES = ["provider: ollama", "provider: openai", "model: typed", "note: x", "num_ctx: 512", "ollama_model: q"]


@st.composite
def edit_sequences(draw, kinds=tuple(DOCUMENTS)):
    """A realistic document and up to 15 edits: whole lines typed, deleted, duplicated,
    indented or dedented, and pieces typed or spans replaced inside lines."""
    kind = draw(st.sampled_from(kinds))
    text = DOCUMENTS[kind]
    texts = [text]
    for _ in range(draw(st.integers(1, 15))):
        starts = _line_starts(text)
        line = draw(st.integers(0, len(starts) - 1))
        start = starts[line]
        end = text.find("\n", start)
        end = len(text) if end == -1 else end + 1
        action = draw(st.sampled_from(
            ["insert", "insert", "delete", "duplicate", "indent", "dedent", "type", "letter", "letter", "replace"]
        ))  # fmt: skip
        if action == "insert":
            current = text[start:end]
            indent = draw(st.sampled_from([" " * (len(current) - len(current.lstrip(" "))), " " * draw(st.sampled_from([0, 2, 3, 4, 6, 8]))]))
            text = text[:start] + indent + draw(st.sampled_from(LINES[kind])) + "\n" + text[start:]
        elif action == "letter":  # typing inside a line: most often the document stays valid
            at = draw(st.integers(start, max(start, end - 1)))
            text = text[:at] + draw(st.sampled_from(["x", "1", "a", "é", " x"])) + text[at:]
        elif action == "delete":
            text = text[:start] + text[end:]
        elif action == "duplicate":
            text = text[:end] + text[start:end] + text[end:]
        elif action == "indent":
            text = text[:start] + "  " + text[start:]
        elif action == "dedent":
            cut = min(2, len(text[start:end]) - len(text[start:end].lstrip(" ")))
            text = text[:start] + text[start + cut :]
        else:
            at = draw(st.integers(start, max(start, end - 1)))
            stop = at if action == "type" else draw(st.integers(at, min(len(text), at + 8)))
            typed = draw(st.one_of(PIECES, st.lists(PIECES, max_size=3).map("".join)))
            text = text[:at] + typed + text[stop:]
        texts.append(text)
    return kind, texts


def _fresh(text: str, kind: FileKind):
    scan_module._found_cached.cache_clear()
    limits._MEASURED.clear()
    return scan(text, kind, model_keys=["llm"]), context_settings(text, kind, model_keys=["llm"])


def _incremental(text: str, kind: FileKind, state: IncrementalParser):
    scan_module._found_cached.cache_clear()
    limits._MEASURED.clear()  # measured from the last text, not remembered
    slots = scan(text, kind, model_keys=["llm"], incremental=state)
    # As the language server does: the settings come from the same scan (cached).
    return slots, context_settings(text, kind, model_keys=["llm"])


@st.composite
def valid_yaml_edits(draw):
    """The YAML document and up to 15 edits that mostly keep it valid (the units are reused
    only from a text without errors): letters typed in lines, lines duplicated or deleted,
    `key: value` lines typed beside a key at its indentation."""
    text = YAML
    texts = [text]
    for _ in range(draw(st.integers(1, 15))):
        lines = text.splitlines(keepends=True)
        i = draw(st.integers(0, len(lines) - 1))
        line = lines[i]
        action = draw(st.sampled_from(["letter", "duplicate", "delete", "insert"]))
        if action == "letter":
            at = draw(st.integers(0, max(0, len(line) - 1)))
            lines[i] = line[:at] + draw(st.sampled_from(["x", "1", "a", "/"])) + line[at:]
        elif action == "duplicate":
            lines.insert(i, line)
        elif action == "delete":
            del lines[i]
        else:
            stripped = line.lstrip(" ")
            indent = len(line) - len(stripped)
            if stripped.startswith("- ") or stripped.rstrip().endswith(":"):
                indent += 2
            lines.insert(i + 1, " " * indent + draw(st.sampled_from(SAFE_LINES)) + "\n")
        text = "".join(lines)
        texts.append(text)
    return FileKind.YAML, texts


JSON_VALUE = st.sampled_from(
    ["ollama", "openai", "llama3.2", "ollama/qwen3", "nomic-embed-text", "", "é", 8192, None, True]
)
JSON_KEYS = st.sampled_from(["provider", "model", "name", "num_ctx", "roles", "options", "note"])


def _edit_blocks(draw, blocks: list[dict], values, keys, last_action) -> None:
    """One edit of a list of config blocks: a block added, removed or duplicated, a value set or
    typed into, or `last_action(block)`."""
    action = draw(st.sampled_from(["add", "remove", "duplicate", "value", "letter", "last"]))
    i = draw(st.integers(0, max(0, len(blocks) - 1)))
    if action == "add" or not blocks:
        blocks.insert(i, {"provider": draw(values), "model": draw(values)})
    elif action == "remove":
        del blocks[i]
    elif action == "duplicate":
        blocks.insert(i, copy.deepcopy(blocks[i]))
    elif action == "value":
        blocks[i][draw(keys)] = draw(values)
    elif action == "letter":
        key = draw(st.sampled_from(sorted(k for k, v in blocks[i].items() if isinstance(v, str)) or ["model"]))
        if isinstance(blocks[i].get(key), str):
            blocks[i][key] += draw(st.sampled_from(["x", "1", ":", "/"]))
    else:
        last_action(blocks[i])


@st.composite
def valid_json_edits(draw):
    """A Continue/opencode-like JSON document and up to 15 edits that keep it valid (the units
    are reused only from a text without errors), printed as an editor would keep it (indented):
    a model block added, removed or duplicated, a value changed or typed into, a key holding an
    object added, `provider: ollama` moved into or out of a block."""
    document = json.loads(JSON.split("\n", 1)[1])
    texts = [JSON]

    def nested(block: dict) -> None:
        block[draw(JSON_KEYS)] = {draw(JSON_KEYS): draw(JSON_VALUE)}

    for _ in range(draw(st.integers(1, 15))):
        _edit_blocks(draw, document["models"], JSON_VALUE, JSON_KEYS, nested)
        texts.append("// settings\n" + json.dumps(document, indent=draw(st.sampled_from([2, 4]))))
    return FileKind.JSON, texts


def _toml_text(agents: list[dict]) -> str:
    """A Codex-like header, then each agent as an `[[agents]]` element, its `options` (if any) as
    an `[agents.options]` table below it (which adds to that element)."""
    out = ['model = "qwen3:8b"\nmodel_provider = "ollama"\n']
    for agent in agents:
        out.append("\n[[agents]]\n")
        out += [f"{key} = {json.dumps(value)}\n" for key, value in agent.items() if key != "options"]
        if "options" in agent:
            out.append("[agents.options]\n")
            out += [f"{key} = {json.dumps(value)}\n" for key, value in agent["options"].items()]
    return "".join(out)


TOML_VALUE = st.sampled_from(["ollama", "openai", "llama3.2", "ollama/qwen3", "", "é", 8192, True])


@st.composite
def valid_toml_edits(draw):
    """Arrays of tables with up to 15 edits that keep the TOML valid: an element added,
    removed or duplicated, a value changed or typed into, an `[agents.options]` table added or
    removed below an element."""
    agents = [{"provider": "ollama", "model": "m1"}, {"provider": "openai", "model": "gpt-4o"},
              {"provider": "ollama", "model": "m3", "options": {"num_ctx": 4096}}]
    texts = [_toml_text(agents)]

    def options(agent: dict) -> None:
        if "options" in agent:
            del agent["options"]
        else:
            agent["options"] = {draw(st.sampled_from(["num_ctx", "model", "note"])): draw(TOML_VALUE)}

    for _ in range(draw(st.integers(1, 15))):
        _edit_blocks(draw, agents, TOML_VALUE, st.sampled_from(["provider", "model", "name", "num_ctx"]), options)
        texts.append(_toml_text(agents))
    return FileKind.TOML, texts


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sequence=st.one_of(edit_sequences(), valid_yaml_edits(), valid_json_edits(), valid_toml_edits()))
def test_slots_and_contexts_after_edits_equal_a_fresh_scan(sequence):
    kind, texts = sequence
    state = IncrementalParser()
    for text in texts:
        assert _incremental(text, kind, state) == _fresh(text, kind)


def test_an_edit_of_a_large_file_converts_and_walks_only_the_changed_item():
    items = "".join(
        f"  - name: a{i}\n    provider: {'ollama' if i % 3 else 'openai'}\n    model: m{i}\n"
        f"    options:\n      num_ctx: {1024 + i}\n"
        for i in range(200)
    )
    text = "agents:\n" + items
    state = IncrementalParser()
    before = _incremental(text, FileKind.YAML, state)
    assert before == _fresh(text, FileKind.YAML)
    memo = state.memo
    hits, misses = memo.hits, memo.misses
    edited = text.replace("model: m100\n", "model: m100x\n", 1)
    after = _incremental(edited, FileKind.YAML, state)
    assert after == _fresh(edited, FileKind.YAML)
    assert any(slot.value == "m100x" for slot in after[0])
    # 199 items reused, and the `options` of the edited one; that item (and the sequence around
    # it) converted again.
    assert memo.hits - hits == 200
    assert memo.misses - misses == 2  # the sequence and the item (scalars are no units)
    # Moving everything after it (a line typed above) still reuses every item, shifted.
    shifted = edited.replace("  - name: a50\n", "  - name: a50\n    note: typed\n", 1)
    hits = memo.hits
    assert _incremental(shifted, FileKind.YAML, state) == _fresh(shifted, FileKind.YAML)
    assert memo.hits - hits == 200
    # The same text again (no parse cache): the whole list is one unit, reused with what it holds.
    hits, misses = memo.hits, memo.misses
    assert _incremental(shifted, FileKind.YAML, state) == _fresh(shifted, FileKind.YAML)
    assert (memo.hits - hits, memo.misses - misses) == (1, 0)
    edited_again = shifted.replace("model: m150\n", "model: m15\n", 1)
    assert _incremental(edited_again, FileKind.YAML, state) == _fresh(edited_again, FileKind.YAML)


def test_an_edit_of_a_large_json_file_converts_only_the_changed_object():
    models = [
        {"title": f"a{i}", "provider": "ollama" if i % 3 else "openai", "model": f"m{i}",
         "roles": ["chat", "edit"], "defaultCompletionOptions": {"contextLength": 1024 + i}}
        for i in range(200)
    ]  # fmt: skip
    text = json.dumps({"models": models}, indent=2)
    state = IncrementalParser()
    before = _incremental(text, FileKind.JSON, state)
    assert before == _fresh(text, FileKind.JSON)
    assert len(before[0]) == 133 and len(before[1]) == 133
    memo = state.memo
    hits, misses = memo.hits, memo.misses
    edited = text.replace('"model": "m100"', '"model": "m100x"', 1)
    after = _incremental(edited, FileKind.JSON, state)
    assert after == _fresh(edited, FileKind.JSON)
    assert any(slot.value == "m100x" for slot in after[0])
    # 199 objects reused, and the roles and options of the edited one; that object and the
    # array around it converted again.
    assert memo.hits - hits == 201
    assert memo.misses - misses == 2
    # A block typed above moves every object: each is still reused, shifted, but the first:
    # the text before and after share `{` there, so the edit starts inside that object; its
    # roles and options are reused (199 + 2).
    moved = edited.replace('"models": [', '"models": [\n    {"provider": "ollama", "model": "new"},', 1)
    hits = memo.hits
    shifted = _incremental(moved, FileKind.JSON, state)
    assert shifted == _fresh(moved, FileKind.JSON) and len(shifted[0]) == 134
    assert memo.hits - hits == 201


def test_an_edit_of_a_large_toml_file_converts_only_the_changed_element():
    agents = [{"name": f"a{i}", "provider": "ollama" if i % 3 else "openai", "model": f"m{i}",
               "num_ctx": 1024 + i} for i in range(200)]  # fmt: skip
    for agent in agents[::10]:
        agent["options"] = {"model": "helper"}  # [agents.options]: adds to that element
    text = _toml_text(agents)
    state = IncrementalParser()
    before = _incremental(text, FileKind.TOML, state)
    assert before == _fresh(text, FileKind.TOML)
    # The header's model, the 133 agents beside provider ollama, and the options' model of the
    # 13 of those with options.
    assert len(before[0]) == 1 + 133 + 13 and len(before[1]) == 133
    memo = state.memo
    edited = text
    for name in ("m101", "m100"):  # m100 has options
        edited = edited.replace(f'model = "{name}"', f'model = "{name}x"', 1)
        hits, misses = memo.hits, memo.misses
        after = _incremental(edited, FileKind.TOML, state)
        assert after == _fresh(edited, FileKind.TOML)
        assert memo.hits - hits == 199 and memo.misses - misses == 1
    # The same text again: every element reused, and nothing a table below one added is lost.
    assert _incremental(edited, FileKind.TOML, state) == _fresh(edited, FileKind.TOML)
    assert sum(slot.value == "helper" for slot in _incremental(edited, FileKind.TOML, state)[0]) == 13


def test_a_provider_typed_above_changes_what_the_reused_items_hold():
    body = "".join(f"  - name: a{i}\n    model: m{i}\n" for i in range(50))
    text = "agents:\n" + body
    state = IncrementalParser()
    assert _incremental(text, FileKind.YAML, state)[0] == []
    with_provider = "llm:\n  provider: ollama\n  agents:\n" + body.replace("\n  ", "\n    ").replace(
        "  - name: a0", "    - name: a0", 1
    )
    slots = _incremental(with_provider, FileKind.YAML, state)
    assert slots == _fresh(with_provider, FileKind.YAML)
    assert len(slots[0]) == 50
    back = _incremental(text, FileKind.YAML, state)
    assert back == _fresh(text, FileKind.YAML) and back[0] == []


def test_a_deep_document_within_the_limits_scans_the_same_incrementally():
    deep = "".join("  " * i + f"k{i}:\n" for i in range(190)) + "  " * 190 + "model: x\n"
    deep = "ollama:\n" + "".join("  " + line + "\n" for line in deep.splitlines())
    state = IncrementalParser()
    first = _incremental(deep, FileKind.YAML, state)
    assert first == _fresh(deep, FileKind.YAML) and first[0]
    edited = deep.replace("model: x", "model: xy")
    assert _incremental(edited, FileKind.YAML, state) == _fresh(edited, FileKind.YAML)


# -- the limits, measured from the edited lines only ----------------------------------------------

NEAR_THE_LIMIT = {
    FileKind.YAML: "".join("  " * i + f"k{i}:\n" for i in range(limits.MAX_YAML_BLOCK_DEPTH - 3))
    + "  " * (limits.MAX_YAML_BLOCK_DEPTH - 3) + "- - x\n" + "top: [1, {a: 2}]\n",
    FileKind.JSON: "[" * (limits.MAX_BRACKET_DEPTH - 2) + '"a\\"]", "[", 1' + "]" * (limits.MAX_BRACKET_DEPTH - 2)
    + "\n// [[\n",
    FileKind.TOML: "x = " + "[" * (limits.MAX_BRACKET_DEPTH - 2) + "'[', \"]\"" + "]" * (limits.MAX_BRACKET_DEPTH - 2)
    + "\n# [[[\n",
}  # fmt: skip
LIMIT_PIECES = st.sampled_from(
    ["[", "]", "{", "}", "[[", "]]", "- ", "- - ", "? ", "  ", "\t", "\n", "#", "'", '"', "\\",
     "x", ": ", "k:\n", "\n  - a\n", "\n" + "  " * 150 + "- - - y\n"]
)  # fmt: skip


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(kind=st.sampled_from(list(NEAR_THE_LIMIT)), data=st.data())
def test_limits_after_an_edit_equal_a_full_measure(kind, data):
    old = NEAR_THE_LIMIT[kind]
    old = old[: data.draw(st.integers(len(old) // 2, len(old)))]
    if limits._measured(encode(old), kind) is not None:
        return  # the state only ever holds texts within the limits
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(0, len(old)))
        stop = data.draw(st.integers(at, min(len(old), at + 6)))
        new = old[:at] + data.draw(st.lists(LIMIT_PIECES, max_size=3).map("".join)) + old[stop:]
        old_bytes, new_bytes = encode(old), encode(new)
        limits._MEASURED.clear()
        try:
            limits._check(new_bytes, kind)
            expected = None
        except limits.TooComplex as error:
            expected = str(error)
        limits._MEASURED.clear()
        try:
            limits.check_limits_after_edit(old_bytes, new_bytes, changed_span(old_bytes, new_bytes), kind)
            got = None
        except limits.TooComplex as error:
            got = str(error)
        assert got == expected
        if expected is not None:
            return
        old = new


def test_an_edit_that_nests_past_the_limit_is_refused_before_the_parser():
    old = NEAR_THE_LIMIT[FileKind.YAML]
    state = IncrementalParser()
    assert scan(old, FileKind.YAML, incremental=state) == []
    parsed = state.data
    deeper = old.replace("- - x\n", "- - - - - - x\n")
    with pytest.raises(limits.TooComplex):
        limits.check_limits_after_edit(encode(old), encode(deeper), changed_span(encode(old), encode(deeper)), FileKind.YAML)
    limits._MEASURED.clear()
    assert scan(deeper, FileKind.YAML, incremental=state) == []
    assert state.data is parsed  # never handed to tree-sitter


def test_a_parent_key_typed_letter_by_letter_keeps_the_memo_small():
    body = "".join(f"  - name: a{i}\n    provider: ollama\n    model: m{i}\n" for i in range(20))
    state = IncrementalParser()
    for name in ("a", "ag", "age", "agen", "agent", "agents", "agents_", "agents_x", "agents_xy", "agents_xyz"):
        text = f"{name}:\n" + body
        assert _incremental(text, FileKind.YAML, state) == _fresh(text, FileKind.YAML)
    assert state.memo.records
    assert all(len(record.rules) <= 8 for record in state.memo.records.values())
