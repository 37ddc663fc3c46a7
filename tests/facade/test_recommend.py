"""The default-model choice with RAM and VRAM figures injected."""

from ollama_ls.facade.hardware import GIB, HardwareProfile
from ollama_ls.facade.recommend import Candidate, parse_parameter_size, recommend

INSTALLED = [
    Candidate("llama3.2:latest", int(2.0 * GIB), "3.2B", ("completion", "tools")),
    Candidate("llama3:70b", int(39.9 * GIB), "70.6B", ("completion",)),
    Candidate("mistral:7b", int(4.1 * GIB), "7.2B", ("completion",)),
    Candidate("nomic-embed-text:latest", int(0.3 * GIB), "137M", ("embedding",)),
]


def ram(available_gib: float, total_gib: float = 64) -> HardwareProfile:
    return HardwareProfile(int(total_gib * GIB), int(available_gib * GIB))


def test_parameter_sizes():
    assert parse_parameter_size("8.0B") == 8.0e9
    assert parse_parameter_size("494M") == 494e6
    assert parse_parameter_size("") == 0.0
    assert parse_parameter_size("weird") == 0.0


def test_largest_installed_model_that_fits_in_ram():
    choice = recommend(INSTALLED, ram(16))
    assert choice.model == "mistral:7b" and choice.installed
    assert "16.0 GiB" in choice.reason and "largest installed model" in choice.reason
    assert choice.alternatives == ("llama3.2:latest",)  # the embedding model is never a default


def test_big_machine_takes_the_big_model():
    assert recommend(INSTALLED, ram(60)).model == "llama3:70b"


def test_vram_decides_when_a_gpu_is_seen():
    gpu = HardwareProfile(int(128 * GIB), int(100 * GIB), int(6 * GIB), "nvml")
    choice = recommend(INSTALLED, gpu)
    assert choice.model == "mistral:7b"  # 4.1 GiB * 1.2 fits in 6 GiB VRAM, 70b does not
    assert "6.0 GiB VRAM (nvml)" in choice.reason


def test_nothing_fits_recommends_a_pull_by_tier():
    choice = recommend(INSTALLED, ram(2))
    assert not choice.installed
    assert choice.model == "llama3.2:1b"
    assert "Run: ollama pull llama3.2:1b" in choice.reason
    assert "Installed models (llama3.2:latest, llama3:70b, mistral:7b) need more" in choice.reason


def gpu(vram_gib: float) -> HardwareProfile:
    return HardwareProfile(int(128 * GIB), int(100 * GIB), int(vram_gib * GIB), "nvml")


def test_empty_machine_gets_the_tier_for_its_memory():
    assert recommend([], gpu(100)).model == "qwen2.5:72b"
    assert recommend([], gpu(16)).model == "qwen2.5-coder:14b"
    assert recommend([], gpu(7)).model == "mistral:7b"
    assert recommend([], gpu(4)).model == "llama3.2:3b"
    tiny = recommend([], ram(0.2))
    assert tiny.model == "qwen2.5:0.5b" and "No chat model is installed" in tiny.reason


def test_a_cpu_only_machine_without_models_gets_a_small_model():
    for free in (100, 16, 7, 4):
        choice = recommend([], ram(free))
        assert choice.model == "llama3.2:3b", free
        assert "quick without a GPU" in choice.reason
        assert all(name not in choice.alternatives for name in ("qwen2.5-coder:14b", "mistral:7b"))


def test_a_reasoning_model_is_the_default_only_when_nothing_else_fits():
    r1 = Candidate("deepseek-r1:8b", int(5.2 * GIB), "8.2B", ("completion", "thinking"))
    small = Candidate("llama3.2:latest", int(2.0 * GIB), "3.2B", ("completion", "tools"))
    embed = Candidate("nomic-embed-text:latest", int(0.3 * GIB), "137M", ("embedding",))
    choice = recommend([r1, small, embed], ram(32))
    assert choice.model == "llama3.2:latest"
    assert "deepseek-r1:8b is larger but a reasoning model" in choice.reason
    assert choice.alternatives == ("deepseek-r1:8b",)
    # Known reasoning families count without the capability list.
    qwq = Candidate("qwq:32b", int(19 * GIB), "32B", ())
    assert recommend([qwq, small], ram(64)).model == "llama3.2:latest"
    # Alone, it is still better than nothing; an embedding model never is.
    assert recommend([r1, embed], ram(32)).model == "deepseek-r1:8b"


def test_sized_against_total_vram_not_vram_in_use():
    big = Candidate("qwen2.5-coder:14b", int(9.0 * GIB), "14.8B", ("completion",))
    loaded = Candidate("llama3.2:latest", int(2.0 * GIB), "3.2B", ("completion",))
    # NVML: the card's total (24 GiB) counts, not what Ollama has loaded on it.
    card = HardwareProfile(int(32 * GIB), int(4 * GIB), int(24 * GIB), "nvml")
    assert recommend([big, loaded], card).model == "qwen2.5-coder:14b"
    # /api/ps only: 2 GiB in use proves a GPU, it is not the budget (free RAM is).
    seen = HardwareProfile(int(64 * GIB), int(20 * GIB), int(2 * GIB), "ollama-ps")
    assert recommend([big, loaded], seen).model == "qwen2.5-coder:14b"


def test_tier_table_is_data():
    tiers = {"tiers": [{"min_memory_gib": 0, "models": [
        {"name": "custom:1b", "parameter_size": "1B", "size_gib": 0.5, "purpose": "chat"}]}],
        "embedding": []}
    assert recommend([], ram(8), tiers).model == "custom:1b"


def test_vram_seen_only_in_ollama_ps_is_a_lower_bound():
    # Without NVML, /api/ps says how much VRAM Ollama uses now, not what the card holds.
    seen = HardwareProfile(int(64 * GIB), int(20 * GIB), int(2 * GIB), "ollama-ps")
    assert seen.model_memory == int(20 * GIB)
    assert "at least 2.0 GiB VRAM" in seen.describe()
    assert recommend(INSTALLED, seen).model == "mistral:7b"
