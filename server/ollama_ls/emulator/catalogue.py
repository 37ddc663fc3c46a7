"""The emulator's models: what is installed, what the registry offers, and how each is described.

Sizes are the real ones of the Ollama library; blob digests are derived from the model name, so
they are stable across runs. `llama3:latest` is deliberately not installed (tag-mismatch tests),
and in the registry it shares only its license blob with the installed `llama3:8b`, so one pull
shows both kinds of progress line (downloaded, already on disk).
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass, field, replace
from typing import Any

from ollama_ls.modelname import model_key, parse_name

MODEL_MEDIA = "application/vnd.ollama.image.model"
TEMPLATE_MEDIA = "application/vnd.ollama.image.template"
LICENSE_MEDIA = "application/vnd.ollama.image.license"
PARAMS_MEDIA = "application/vnd.ollama.image.params"
PROJECTOR_MEDIA = "application/vnd.ollama.image.projector"
CONFIG_MEDIA = "application/vnd.docker.container.image.v1+json"

DAY_NS = 86_400 * 1_000_000_000

# GGUF general.file_type values of the quantisations used below.
_FILE_TYPES = {"F16": 1, "Q4_0": 2, "Q8_0": 7, "Q4_K_M": 15}
_TENSOR_TYPES = {"F16": "F16", "Q4_0": "Q4_0", "Q8_0": "Q8_0", "Q4_K_M": "Q4_K"}


@dataclass
class Layer:
    media_type: str
    digest: str  # "sha256:<64 hex>"
    size: int


@dataclass
class CatalogueModel:
    """One model as the emulator stores it (installed, or offered by the registry)."""

    name: str  # as given; the canonical form is `full_name`
    family: str
    parameter_size: str
    quantization_level: str
    capabilities: list[str]
    parameter_count: int
    context_length: int
    embedding_length: int
    weights_size: int
    architecture: str = ""
    families: list[str] | None = None
    format: str = "gguf"
    template: str = "{{ .Prompt }}"
    system: str = ""
    license: str = ""
    parameters: dict[str, Any] = field(default_factory=dict)
    extra_model_info: dict[str, Any] = field(default_factory=dict)
    projector_info: dict[str, Any] = field(default_factory=dict)
    blob_seed: str = ""  # models with the same seed share their blobs
    shared_blobs_with: str = ""  # a model whose license and params blobs this one reuses
    modified_ns: int = 0
    layers: list[Layer] = field(default_factory=list)
    # A pulled cloud model (`gpt-oss:20b-cloud`): /api/tags and /api/show name where it runs.
    remote_model: str = ""
    remote_host: str = ""

    def __post_init__(self) -> None:
        self.architecture = self.architecture or self.family
        self.families = self.families if self.families is not None else [self.family]
        self.modified_ns = self.modified_ns or time.time_ns()
        if not self.layers:
            self.layers = _make_layers(self)

    @property
    def full_name(self) -> str:
        return str(parse_name(self.name))

    @property
    def key(self) -> str:
        return model_key(self.name)

    @property
    def display_name(self) -> str:
        return parse_name(self.name).display_shortest()

    @property
    def short_name(self) -> str:
        """The `FROM` line of the Modelfile header, without the `:latest` tag."""
        shortest = self.display_name
        return shortest[: -len(":latest")] if shortest.endswith(":latest") else shortest

    @property
    def size(self) -> int:
        return sum(layer.size for layer in self.layers)

    @property
    def config_layer(self) -> Layer:
        return next(layer for layer in self.layers if layer.media_type == CONFIG_MEDIA)

    @property
    def manifest_digest(self) -> str:
        """sha256 hex of the manifest file, as /api/tags shows it (no `sha256:` prefix)."""
        manifest = {
            "schemaVersion": 2,
            "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
            "config": _layer_json(self.config_layer),
            "layers": [_layer_json(l) for l in self.layers if l.media_type != CONFIG_MEDIA],
        }
        return hashlib.sha256(json.dumps(manifest, separators=(",", ":")).encode()).hexdigest()

    def renamed(self, name: str, modified_ns: int | None = None) -> "CatalogueModel":
        """A copy under another name that keeps the same blobs (what /api/copy makes)."""
        return replace(self, name=name, modified_ns=modified_ns or time.time_ns(),
                       layers=list(self.layers))

    def details(self) -> dict[str, Any]:
        return {
            "parent_model": "",
            "format": self.format,
            "family": self.family,
            "families": self.families,
            "parameter_size": self.parameter_size,
            "quantization_level": self.quantization_level,
        }

    def model_info(self, verbose: bool) -> dict[str, Any]:
        """GGUF key/values; Go writes a map, so the keys come out sorted."""
        arch = self.architecture
        info: dict[str, Any] = {
            "general.architecture": arch,
            "general.basename": self.family,
            "general.file_type": _FILE_TYPES.get(self.quantization_level, 15),
            "general.parameter_count": self.parameter_count,
            "general.quantization_version": 2,
            f"{arch}.context_length": self.context_length,
            f"{arch}.embedding_length": self.embedding_length,
            f"{arch}.block_count": 28,
            f"{arch}.attention.head_count": 24,
            f"{arch}.attention.head_count_kv": 8,
            "tokenizer.ggml.model": "gpt2",
            "tokenizer.ggml.bos_token_id": 1,
            "tokenizer.ggml.eos_token_id": 2,
            "tokenizer.ggml.tokens": ["<s>", "</s>", "<unk>", "!", '"', "#", "$", "%"],
            "tokenizer.ggml.token_type": [3, 3, 2, 1, 1, 1, 1, 1],
            "tokenizer.ggml.merges": ["Ġ t", "Ġ a", "i n", "h e", "r e", "o n"],
        }
        info.update(self.extra_model_info)
        if not verbose:
            info = {k: ([] if isinstance(v, list) and len(v) > 5 else v) for k, v in info.items()}
        return dict(sorted(info.items()))

    def tensors(self) -> list[dict[str, Any]]:
        kind = _TENSOR_TYPES.get(self.quantization_level, "Q4_K")
        width = self.embedding_length
        return [
            {"name": "token_embd.weight", "type": kind, "shape": [width, 32000]},
            {"name": "blk.0.attn_norm.weight", "type": "F32", "shape": [width]},
            {"name": "blk.0.attn_q.weight", "type": kind, "shape": [width, width]},
            {"name": "output_norm.weight", "type": "F32", "shape": [width]},
        ]

    def modelfile(self) -> str:
        model_blob = next(l for l in self.layers if l.media_type == MODEL_MEDIA)
        lines = [
            '# Modelfile generated by "ollama show"',
            "# To build a new Modelfile based on this, replace FROM with:",
            f"# FROM {self.short_name}",
            "",
            f"FROM /root/.ollama/models/blobs/{model_blob.digest.replace(':', '-')}",
            f'TEMPLATE """{self.template}"""',
        ]
        if self.system:
            lines.append(f'SYSTEM """{self.system}"""')
        for key, value in self.parameters.items():
            for item in value if isinstance(value, list) else [value]:
                lines.append(f"PARAMETER {key} {item}")
        if self.license:
            lines.append(f'LICENSE """{self.license}"""')
        return "\n".join(lines) + "\n"

    def parameters_text(self) -> str:
        """Go `fmt.Sprintf("%-30s %#v", key, value)`, one line per value."""
        lines = []
        for key, value in self.parameters.items():
            for item in value if isinstance(value, list) else [value]:
                is_text = isinstance(item, str)
                shown = json.dumps(item, ensure_ascii=False) if is_text else str(item)
                lines.append(f"{key:<30} {shown}")
        return "\n".join(lines)


def _layer_json(layer: Layer) -> dict[str, Any]:
    return {"mediaType": layer.media_type, "digest": layer.digest, "size": layer.size}


def _blob_digest(seed: str, media_type: str) -> str:
    return "sha256:" + hashlib.sha256(f"{seed}|{media_type}".encode()).hexdigest()


def _make_layers(model: CatalogueModel) -> list[Layer]:
    seed = model.blob_seed or model.key
    side_seed = model_key(model.shared_blobs_with) if model.shared_blobs_with else seed
    layers = [Layer(MODEL_MEDIA, _blob_digest(seed, MODEL_MEDIA), model.weights_size)]
    if "vision" in model.capabilities:
        layers.append(Layer(PROJECTOR_MEDIA, _blob_digest(seed, PROJECTOR_MEDIA), 624_434_336))
    layers.append(Layer(TEMPLATE_MEDIA, _blob_digest(seed, TEMPLATE_MEDIA), len(model.template)))
    if model.license:
        layers.append(Layer(LICENSE_MEDIA, _blob_digest(side_seed, LICENSE_MEDIA),
                            len(model.license.encode())))
    if model.parameters:
        layers.append(Layer(PARAMS_MEDIA, _blob_digest(side_seed, PARAMS_MEDIA),
                            len(json.dumps(model.parameters))))
    layers.append(Layer(CONFIG_MEDIA, _blob_digest(seed, CONFIG_MEDIA), 487))
    return layers


LLAMA3_TEMPLATE = (
    "{{ if .System }}<|start_header_id|>system<|end_header_id|>\n\n{{ .System }}<|eot_id|>{{ end }}"
    "{{ if .Tools }}Tools: {{ .Tools }}{{ end }}"
    "<|start_header_id|>user<|end_header_id|>\n\n{{ .Prompt }}<|eot_id|>"
    "<|start_header_id|>assistant<|end_header_id|>\n\n{{ .Response }}<|eot_id|>"
)
QWEN_CODER_TEMPLATE = (
    "{{- if .Suffix }}<|fim_prefix|>{{ .Prompt }}<|fim_suffix|>{{ .Suffix }}<|fim_middle|>"
    "{{- else }}{{ if .Tools }}<tools>{{ .Tools }}</tools>{{ end }}"
    "<|im_start|>user\n{{ .Prompt }}<|im_end|>\n<|im_start|>assistant\n{{ end }}"
)
THINKING_TEMPLATE = (
    "{{ if .System }}{{ .System }}{{ end }}<｜User｜>{{ .Prompt }}<｜Assistant｜>"
    "{{ if .Thinking }}<think>{{ .Thinking }}</think>{{ end }}{{ .Response }}"
)
LLAMA_LICENSE = "LLAMA 3.2 COMMUNITY LICENSE AGREEMENT\nLlama 3.2 Version Release Date: September 25, 2024"
META_LICENSE = "META LLAMA 3 COMMUNITY LICENSE AGREEMENT\nMeta Llama 3 Version Release Date: April 18, 2024"
APACHE = "Apache License\nVersion 2.0, January 2004\nhttp://www.apache.org/licenses/"
MIT = "MIT License\n\nCopyright (c) the model authors"
LLAMA_STOPS = {"stop": ["<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>"]}


def installed_models(now_ns: int | None = None) -> list[CatalogueModel]:
    """The models installed when an emulator starts, newest first."""
    now_ns = now_ns or time.time_ns()
    return [
        CatalogueModel(
            "llama3.2:latest", "llama", "3.2B", "Q4_K_M", ["completion", "tools"],
            parameter_count=3_212_749_888, context_length=131_072, embedding_length=3072,
            weights_size=2_019_377_376, template=LLAMA3_TEMPLATE, license=LLAMA_LICENSE,
            parameters=LLAMA_STOPS, modified_ns=now_ns - 2 * DAY_NS,
        ),
        CatalogueModel(
            "qwen2.5-coder:1.5b", "qwen2", "1.5B", "Q4_K_M", ["completion", "tools", "insert"],
            parameter_count=1_543_714_304, context_length=32_768, embedding_length=1536,
            weights_size=986_046_560, template=QWEN_CODER_TEMPLATE, license=APACHE,
            system="You are Qwen, created by Alibaba Cloud. You are a helpful assistant.",
            modified_ns=now_ns - 5 * DAY_NS,
        ),
        CatalogueModel(
            "nomic-embed-text:latest", "nomic-bert", "137M", "F16", ["embedding"],
            parameter_count=136_727_040, context_length=2048, embedding_length=384,
            weights_size=274_290_656, license=APACHE, parameters={"num_ctx": 8192},
            extra_model_info={"nomic-bert.pooling_type": 1}, modified_ns=now_ns - 9 * DAY_NS,
        ),
        CatalogueModel(
            "deepseek-r1:8b", "qwen3", "8.2B", "Q4_K_M", ["completion", "thinking"],
            parameter_count=8_190_735_360, context_length=131_072, embedding_length=4096,
            weights_size=5_225_374_048, template=THINKING_TEMPLATE, license=MIT,
            parameters={"temperature": 0.6, "top_p": 0.95}, modified_ns=now_ns - 12 * DAY_NS,
        ),
        CatalogueModel(
            "llava:7b", "llama", "7B", "Q4_0", ["completion", "vision"],
            families=["llama", "clip"], parameter_count=7_241_732_096, context_length=32_768,
            embedding_length=4096, weights_size=4_108_916_384, license=APACHE,
            parameters={"stop": ["[INST]", "[/INST]"]}, modified_ns=now_ns - 20 * DAY_NS,
            projector_info={"clip.has_vision_encoder": True, "clip.vision.image_size": 336},
        ),
        CatalogueModel(
            "llama3:8b", "llama", "8.0B", "Q4_0", ["completion"],
            parameter_count=8_030_261_248, context_length=8192, embedding_length=4096,
            weights_size=4_661_211_424, template=LLAMA3_TEMPLATE, license=META_LICENSE,
            parameters={"num_keep": 24, **LLAMA_STOPS}, modified_ns=now_ns - 40 * DAY_NS,
        ),
    ]


def registry_models() -> list[CatalogueModel]:
    """Models that can be pulled but are not installed at start."""
    return [
        CatalogueModel(
            "llama3:latest", "llama", "8.0B", "Q4_0", ["completion"],
            parameter_count=8_030_261_248, context_length=8192, embedding_length=4096,
            weights_size=4_661_211_424, template=LLAMA3_TEMPLATE, license=META_LICENSE,
            parameters={"num_keep": 24, **LLAMA_STOPS}, shared_blobs_with="llama3:8b",
        ),
        CatalogueModel(
            "mistral:7b", "llama", "7.2B", "Q4_0", ["completion", "tools"],
            parameter_count=7_248_023_552, context_length=32_768, embedding_length=4096,
            weights_size=4_113_289_184, license=APACHE, parameters={"stop": ["[INST]", "[/INST]"]},
        ),
        CatalogueModel(
            "phi3:mini", "phi3", "3.8B", "Q4_0", ["completion"],
            parameter_count=3_821_079_552, context_length=131_072, embedding_length=3072,
            weights_size=2_176_177_120, license=MIT, parameters={"stop": ["<|end|>", "<|user|>"]},
        ),
        CatalogueModel(
            "tinyllama:latest", "llama", "1B", "Q4_0", ["completion"],
            parameter_count=1_100_048_384, context_length=2048, embedding_length=2048,
            weights_size=637_699_456, license=APACHE,
        ),
    ]
