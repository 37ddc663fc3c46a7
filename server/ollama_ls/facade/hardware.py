"""What memory a model can use here: RAM from psutil, VRAM from NVML or Ollama's /api/ps."""

from __future__ import annotations

from dataclasses import dataclass

import psutil

GIB = 1024**3


@dataclass(frozen=True)
class HardwareProfile:
    total_ram: int
    available_ram: int
    total_vram: int = 0
    vram_source: str | None = None  # "nvml", "ollama-ps" or None

    @property
    def has_gpu(self) -> bool:
        return self.total_vram > 0

    @property
    def model_memory(self) -> int:
        """Bytes a model can be loaded into: VRAM when NVML measured it; else the larger of
        free RAM and the VRAM Ollama reports in use (a lower bound of the card, and the same
        memory as RAM on unified-memory machines)."""
        if self.vram_source == "nvml":
            return self.total_vram
        return max(self.total_vram, self.available_ram)

    def describe(self) -> str:
        ram = f"{self.available_ram / GIB:.1f} GiB of {self.total_ram / GIB:.1f} GiB RAM free"
        if not self.has_gpu:
            return f"{ram}, no GPU seen"
        if self.vram_source == "nvml":
            return f"{ram}, {self.total_vram / GIB:.1f} GiB VRAM (nvml)"
        return f"{ram}, at least {self.total_vram / GIB:.1f} GiB VRAM (in use by Ollama)"


def read_nvml_vram() -> int:
    """Total VRAM of all NVIDIA GPUs, or 0 when NVML is not installed or finds none."""
    try:
        import pynvml  # type: ignore[import-not-found]
    except ImportError:
        return 0
    try:
        pynvml.nvmlInit()
        try:
            count = pynvml.nvmlDeviceGetCount()
            return sum(
                pynvml.nvmlDeviceGetMemoryInfo(pynvml.nvmlDeviceGetHandleByIndex(i)).total
                for i in range(count)
            )
        finally:
            pynvml.nvmlShutdown()
    except Exception:  # NVML raises its own error types when no driver is loaded
        return 0


def read_hardware(vram_in_use_by_ollama: int = 0) -> HardwareProfile:
    """Read this machine. `vram_in_use_by_ollama` (sum of /api/ps size_vram) proves a GPU exists
    when NVML is unavailable; it is a lower bound of the VRAM, not the total."""
    memory = psutil.virtual_memory()
    nvml_vram = read_nvml_vram()
    if nvml_vram:
        return HardwareProfile(memory.total, memory.available, nvml_vram, "nvml")
    if vram_in_use_by_ollama:
        return HardwareProfile(memory.total, memory.available, vram_in_use_by_ollama, "ollama-ps")
    return HardwareProfile(memory.total, memory.available)
