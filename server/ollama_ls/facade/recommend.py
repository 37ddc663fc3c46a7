"""Choose a default model for this machine: the best installed model that fits, else one to pull.

The tier table is data (`data/model_tiers.json`), so it can change without touching code.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from ollama_ls.facade.hardware import GIB, HardwareProfile

# A loaded model needs more than its file: KV cache, compute buffers and runtime overhead.
LOAD_OVERHEAD = 1.2

_UNITS = {"K": 1e3, "M": 1e6, "B": 1e9, "T": 1e12}


@dataclass(frozen=True)
class Candidate:
    name: str
    size: int  # bytes on disk
    parameter_size: str = ""
    capabilities: tuple[str, ...] = ()

    @property
    def parameters(self) -> float:
        return parse_parameter_size(self.parameter_size)

    @property
    def can_chat(self) -> bool:
        return not self.capabilities or "completion" in self.capabilities

    def is_reasoning(self, tiers: dict) -> bool:
        """Thinks before it answers: Ollama's `thinking` capability, or a known family."""
        if "thinking" in self.capabilities:
            return True
        family = self.name.rsplit("/", 1)[-1].split(":", 1)[0].lower()
        return family in tiers.get("reasoning_families", ())


@dataclass(frozen=True)
class Recommendation:
    model: str
    installed: bool
    reason: str
    hardware: HardwareProfile
    alternatives: tuple[str, ...] = field(default=())


def parse_parameter_size(text: str) -> float:
    """`8.0B` -> 8e9, `494M` -> 4.94e8; 0.0 when unknown."""
    text = text.strip().upper()
    if not text:
        return 0.0
    unit = _UNITS.get(text[-1])
    try:
        return float(text[:-1]) * unit if unit else float(text)
    except ValueError:
        return 0.0


@lru_cache(maxsize=1)
def load_tiers() -> dict:
    source = resources.files("ollama_ls").joinpath("data/model_tiers.json")
    return json.loads(source.read_text(encoding="utf-8"))


def model_budget(hardware: HardwareProfile) -> int:
    """Bytes a model may take: the GPUs' total VRAM when NVML measured it; else free RAM.

    The VRAM Ollama reports in use (/api/ps) proves a GPU but is not its size: it is whatever
    happens to be loaded now, so sizing against it would favour the model already loaded.
    """
    if hardware.vram_source == "nvml" and hardware.total_vram:
        return hardware.total_vram
    return max(hardware.available_ram, 0)


def fits(size_bytes: float, hardware: HardwareProfile) -> bool:
    return size_bytes * LOAD_OVERHEAD <= model_budget(hardware)


def recommend(
    installed: list[Candidate], hardware: HardwareProfile, tiers: dict | None = None
) -> Recommendation:
    tiers = tiers or load_tiers()
    chat_models = [model for model in installed if model.can_chat]
    fitting = sorted(
        (model for model in chat_models if fits(model.size, hardware)),
        key=lambda model: (model.parameters, model.size),
        reverse=True,
    )
    memory = f"{model_budget(hardware) / GIB:.1f} GiB"
    # A reasoning model writes its thoughts first: slow, and odd in an editor. It is the
    # default only when no other model fits.
    direct = [model for model in fitting if not model.is_reasoning(tiers)]
    if fitting:
        best = (direct or fitting)[0]
        size = f"{best.parameter_size or '?'} parameters, {best.size / GIB:.1f} GiB"
        kind = "largest installed model" if direct else "largest installed (reasoning) model"
        skipped = ""
        if direct and direct[0] is not fitting[0]:
            skipped = f" {fitting[0].name} is larger but a reasoning model (it thinks first)."
        rest = [model for model in (direct + [m for m in fitting if m not in direct])
                if model is not best]
        return Recommendation(
            model=best.name,
            installed=True,
            reason=f"{best.name} ({size}) is the {kind} that fits in {memory} "
            f"({hardware.describe()}).{skipped}",
            hardware=hardware,
            alternatives=tuple(model.name for model in rest[:3]),
        )
    return _recommend_pull(chat_models, hardware, tiers, memory)


def _recommend_pull(
    chat_models: list[Candidate], hardware: HardwareProfile, tiers: dict, memory: str
) -> Recommendation:
    memory_gib = model_budget(hardware) / GIB
    # Without a GPU a big model answers a few tokens a second: suggest a small one.
    cpu_cap = None if hardware.has_gpu else float(tiers.get("cpu_max_parameters", 0) or 0) or None
    suggestions = [
        entry
        for tier in tiers["tiers"]
        if memory_gib >= tier["min_memory_gib"]
        for entry in tier["models"]
        if fits(entry["size_gib"] * GIB, hardware)
        and (cpu_cap is None or parse_parameter_size(entry["parameter_size"]) <= cpu_cap)
    ]
    if not suggestions:  # less memory than the smallest model: still name the smallest
        suggestions = sorted(
            (entry for tier in tiers["tiers"] for entry in tier["models"]),
            key=lambda entry: entry["size_gib"],
        )
    choice = suggestions[0]
    too_big = ""
    if chat_models:
        names = ", ".join(model.name for model in chat_models[:3])
        too_big = f"Installed models ({names}) need more than {memory}. "
    else:
        too_big = "No chat model is installed. "
    return Recommendation(
        model=choice["name"],
        installed=False,
        reason=f"{too_big}{choice['name']} ({choice['parameter_size']} parameters, "
        f"{choice['size_gib']:.1f} GiB) fits in {memory} ({hardware.describe()})"
        f"{'; small enough to be quick without a GPU' if cpu_cap else ''}. "
        f"Run: ollama pull {choice['name']}",
        hardware=hardware,
        alternatives=tuple(entry["name"] for entry in suggestions[1:4]),
    )


def pullable_suggestions() -> list[dict]:
    """Every model of the tier table, best first, for completion lists."""
    tiers = load_tiers()
    return [entry for tier in tiers["tiers"] for entry in tier["models"]] + tiers["embedding"]


@lru_cache(maxsize=1)
def model_purposes() -> dict[str, str]:
    """What each model of the tier table is for, by name without tag: "chat", "code" or
    "embedding" (keeps a quick fix from offering a chat model for an embedding setting)."""
    return {
        entry["name"].split(":", 1)[0].lower(): entry["purpose"] for entry in pullable_suggestions()
    }
