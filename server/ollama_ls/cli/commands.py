"""One coroutine per `ollama-ls` subcommand. Data goes to stdout, everything else to stderr."""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from collections.abc import Awaitable, Callable
from typing import Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TaskProgressColumn,
    TextColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)
from rich.table import Table

from ollama_ls.client import OllamaError
from ollama_ls.facade import OllamaEditorTools, ToolsConfig
from ollama_ls.facade.pull_tracker import PullTracker, format_bytes

Handler = Callable[[OllamaEditorTools, argparse.Namespace], Awaitable[int]]

# Piped output is not cut to 80 columns: scripts read whole names.
stdout = Console(highlight=False, soft_wrap=True, width=None if sys.stdout.isatty() else 240)
stderr = Console(stderr=True, highlight=False, soft_wrap=True)


async def run(handler: Handler, args: argparse.Namespace) -> int:
    async with OllamaEditorTools(ToolsConfig(base_url=args.server)) as tools:
        try:
            return await handler(tools, args)
        except OllamaError as error:
            stderr.print(str(error), markup=False)
            return 1


def print_json(value: Any) -> None:
    if dataclasses.is_dataclass(value):
        value = dataclasses.asdict(value)
    elif isinstance(value, list):
        value = [dataclasses.asdict(v) if dataclasses.is_dataclass(v) else v for v in value]
    sys.stdout.write(json.dumps(value, indent=2, default=str) + "\n")


async def cmd_status(tools: OllamaEditorTools, args: argparse.Namespace) -> int:
    status = await tools.check_status(force=True)
    if args.json:
        print_json(status)
        return 0 if status.reachable else 1
    if not status.reachable:
        stderr.print(f"Ollama is not reachable at {status.base_url}", markup=False)
        stderr.print(status.error or "", markup=False)
        if status.suggestion:
            stderr.print(status.suggestion, markup=False)
        return 1
    stdout.print(
        f"Ollama {status.version} at {status.base_url} · {status.model_count} models"
        f" · {status.latency_ms:.0f} ms",
        markup=False,
    )
    for model in status.running_models:
        stdout.print(
            f"running: {model.name} ({format_bytes(model.size)}, "
            f"{format_bytes(model.size_vram)} in VRAM, until {model.expires_at})",
            markup=False,
        )
    return 0


async def cmd_models(tools: OllamaEditorTools, args: argparse.Namespace) -> int:
    models = await tools.list_available_models()
    if args.json:
        print_json(models)
        return 0
    table = Table(box=None, pad_edge=False)
    for column in ("NAME", "SIZE", "PARAMETERS", "QUANTIZATION", "MODIFIED", "CAPABILITIES"):
        table.add_column(column)
    for model in models:
        table.add_row(
            model.name,
            format_bytes(model.size),
            model.parameter_size,
            model.quantization,
            model.modified_at[:19].replace("T", " "),
            ", ".join(model.capabilities),
        )
    stdout.print(table)
    return 0


async def cmd_show(tools: OllamaEditorTools, args: argparse.Namespace) -> int:
    details = await tools.get_model_details(args.model)
    if args.json:
        print_json(details)
        return 0
    rows = [
        ("name", details.name),
        ("family", details.family),
        ("parameters", details.parameter_size),
        ("quantization", details.quantization),
        ("context length", str(details.context_length or "")),
        ("capabilities", ", ".join(details.capabilities)),
        ("size on disk", format_bytes(details.size) if details.size else ""),
        ("modified", details.modified_at or ""),
        ("loaded now", "yes" if details.loaded else "no"),
        ("license", details.license_first_line or ""),
    ]
    for label, value in rows:
        stdout.print(f"{label:<15} {value}", markup=False)
    return 0


async def cmd_pull(tools: OllamaEditorTools, args: argparse.Namespace) -> int:
    tracker = PullTracker()
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=stderr, transient=False) as progress:
        task = progress.add_task(f"pulling {args.model}", total=None)
        async for update in tools.pull(args.model):
            tracker.update(update.status, update.digest, update.total, update.completed)
            progress.update(
                task,
                description=update.status,
                total=tracker.total or None,
                completed=tracker.completed,
            )
    stderr.print(f"Pulled {args.model}.", markup=False)
    return 0


async def cmd_rm(tools: OllamaEditorTools, args: argparse.Namespace) -> int:
    await tools.delete(args.model)
    stderr.print(f"Deleted {args.model}.", markup=False)
    return 0


async def cmd_generate(tools: OllamaEditorTools, args: argparse.Namespace) -> int:
    options = {"system": args.system} if args.system else {}
    async with tools.generate(args.model, prompt=args.prompt, **options) as stream:
        async for chunk in stream:
            sys.stdout.write(chunk.text)
            sys.stdout.flush()
    sys.stdout.write("\n")
    stderr.print(speed_line(stream.metrics), markup=False)
    return 0


def speed_line(metrics: Any) -> str:
    """`12 tokens · 38.2 tokens/s · first token after 120 ms`, leaving out what is unknown."""
    parts = [f"{metrics.completion_tokens or 0} tokens"]
    if metrics.tokens_per_second is not None:
        estimated = " (estimated)" if metrics.estimated else ""
        parts.append(f"{metrics.tokens_per_second:.1f} tokens/s{estimated}")
    if metrics.time_to_first_token_s is not None:
        parts.append(f"first token after {metrics.time_to_first_token_s * 1000:.0f} ms")
    return " · ".join(parts)


async def cmd_embed(tools: OllamaEditorTools, args: argparse.Namespace) -> int:
    response = await tools.embed(args.model, args.text)
    vector = list(response.vectors[0]) if response.vectors else []
    if args.json:
        print_json({"model": response.model, "dimensions": len(vector), "embedding": vector})
        return 0
    preview = ", ".join(f"{value:.4f}" for value in vector[:8])
    stdout.print(f"{len(vector)} dimensions: [{preview}{', ...' if len(vector) > 8 else ''}]")
    return 0


async def cmd_recommend(tools: OllamaEditorTools, args: argparse.Namespace) -> int:
    choice = await tools.get_default_model()
    if args.json:
        print_json(
            {
                "model": choice.model,
                "installed": choice.installed,
                "reason": choice.reason,
                "alternatives": list(choice.alternatives),
                "hardware": dataclasses.asdict(choice.hardware),
            }
        )
        return 0
    stdout.print(choice.model, markup=False)
    stderr.print(choice.reason, markup=False)
    return 0
