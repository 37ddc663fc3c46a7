"""An Ollama emulator: a real HTTP server that speaks Ollama's wire format, with fault injection.

    from ollama_ls.emulator import Emulator
    with Emulator() as emu:
        httpx.get(f"{emu.base_url}/api/tags")
"""

from .catalogue import CatalogueModel, Layer
from .faults import Fault, Faults
from .server import Emulator
from .state import RecordedRequest

__all__ = ["CatalogueModel", "Emulator", "Fault", "Faults", "Layer", "RecordedRequest"]
