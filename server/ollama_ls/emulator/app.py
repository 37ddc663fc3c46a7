"""The aiohttp application: Ollama's route table, the middleware, and the control routes."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from . import routes_embed, routes_generate, routes_models, routes_pull
from .control import EMULATOR, add_control_routes
from .faults import Faults
from .lookup import STATE
from .middleware import FAULTS, KNOWN_PATHS, add_cors_and_drop_server_header, emulate
from .state import EmulatorState

# (methods, path, handler) as Ollama's GenerateRoutes registers them.
ROUTES: list[tuple[tuple[str, ...], str, Any]] = [
    (("GET", "HEAD"), "/", routes_models.root),
    (("GET", "HEAD"), "/api/version", routes_models.version),
    (("GET", "HEAD"), "/api/tags", routes_models.tags),
    (("GET",), "/api/status", routes_models.status),
    (("POST",), "/api/pull", routes_pull.pull),
    (("POST",), "/api/show", routes_models.show),
    (("DELETE",), "/api/delete", routes_models.delete),
    (("POST",), "/api/copy", routes_models.copy),
    (("GET",), "/api/ps", routes_models.ps),
    (("POST",), "/api/generate", routes_generate.generate),
    (("POST",), "/api/chat", routes_generate.chat),
    (("POST",), "/api/embed", routes_embed.embed),
    (("POST",), "/api/embeddings", routes_embed.embeddings),
]


def build_app(state: EmulatorState, faults: Faults, emulator: object) -> web.Application:
    app = web.Application(middlewares=[emulate], client_max_size=64 * 1024**2)
    app[STATE] = state
    app[FAULTS] = faults
    app[EMULATOR] = emulator
    app[KNOWN_PATHS] = {path for _, path, _ in ROUTES}
    for methods, path, handler in ROUTES:
        for method in methods:
            app.router.add_route(method, path, handler)
    add_control_routes(app)
    app.on_response_prepare.append(add_cors_and_drop_server_header)
    return app
