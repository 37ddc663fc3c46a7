"""One coroutine per `ollama-ls` subcommand. Data goes to stdout, everything else to stderr."""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import io
import json
import sys
import time
from collections.abc import Awaitable, Callable
from typing import Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    ProgressColumn,
    Task,
    TaskProgressColumn,
    TextColumn,
)
from rich.table import Table
from rich.text import Text

from ollama_ls.cli.advice import redact, render_error, reword
from ollama_ls.client import OllamaError
from ollama_ls.client import host as ollama_host
from ollama_ls.facade import OllamaEditorTools, ToolsConfig
from ollama_ls.facade.models import Status
from ollama_ls.facade.pull_tracker import PullTracker, format_bytes

Handler = Callable[[OllamaEditorTools, argparse.Namespace], Awaitable[int]]

# Terminal width in a terminal; COLUMNS when set; else 80 (rich's rules).
stdout = Console(highlight=False, soft_wrap=True)
stderr = Console(stderr=True, highlight=False, soft_wrap=True)

# `status` and the first probe of `check` wait this long in all, whatever OLLAMA_TIMEOUT says
# for generations: a server that accepts and never answers is "not answering" after 5 s.
PROBE_TIMEOUT = 5.0
EMULATOR_HINT = (
    "No Ollama at hand? Try everything on the bundled emulator: "
    "python -m ollama_ls.emulator --port 11434"
)

_partial_line = False  # stdout has text without its newline (a generation in progress)


def end_partial_line() -> None:
    """Finish a line of streamed text so that what follows (Cancelled.) starts its own."""
    global _partial_line
    if _partial_line:
        sys.stdout.write("\n")
        sys.stdout.flush()
        _partial_line = False


def tools_config(args: argparse.Namespace, **overrides: Any) -> ToolsConfig:
    return ToolsConfig(
        base_url=args.server, ca_bundle=getattr(args, "ca_bundle", None),
        first_token_timeout=getattr(args, "first_token_timeout", None), advice_for="cli",
        **overrides,
    )


async def run(handler: Handler, args: argparse.Namespace) -> int:
    async with OllamaEditorTools(tools_config(args)) as tools:
        try:
            return await handler(tools, args)
        except OllamaError as error:
            end_partial_line()
            stderr.print(render_error(error), markup=False)
            return 1


async def probe_status(tools: OllamaEditorTools) -> Status:
    """`check_status` that gives up after PROBE_TIMEOUT, as an unreachable Status."""
    try:
        return await asyncio.wait_for(tools.check_status(force=True), PROBE_TIMEOUT)
    except (TimeoutError, asyncio.TimeoutError):
        return Status(
            reachable=False,
            base_url=tools.base_url,
            error=f"Ollama at {tools.base_url} accepted the connection but did not answer "
            f"within {PROBE_TIMEOUT:g} s",
            suggestion="It may be starting, loading a model or stuck: check it (ollama ps, "
            "its server log) and retry.",
        )


def print_json(value: Any) -> None:
    if dataclasses.is_dataclass(value):
        value = dataclasses.asdict(value)
    elif isinstance(value, list):
        value = [dataclasses.asdict(v) if dataclasses.is_dataclass(v) else v for v in value]
    sys.stdout.write(redact(json.dumps(value, indent=2, default=str)) + "\n")


def unreachable_lines(status: Status) -> list[str]:
    """What `status` prints when the server does not answer: no line says the same twice."""
    url = redact(status.base_url)
    error = redact(status.error or "")
    if error.startswith("Not authorized") or "HTTP 401" in error or "HTTP 403" in error:
        lines = [f"Ollama at {url} answers but refuses the request: it needs an API key ({error})"]
    elif url in error:
        lines = [error]
    else:
        lines = [f"Ollama is not reachable at {url}: {error}" if error
                 else f"Ollama is not reachable at {url}"]
    suggestion = reword(status.suggestion)
    if suggestion:
        lines.append(redact(suggestion))
    if ollama_host.is_local(status.base_url) and "not running" in lines[0]:
        lines.append(EMULATOR_HINT)
    return lines


async def cmd_status(tools: OllamaEditorTools, args: argparse.Namespace) -> int:
    status = await probe_status(tools)
    if args.json:
        print_json(status)
        return 0 if status.reachable else 1
    if not status.reachable:
        for line in unreachable_lines(status):
            stderr.print(line, markup=False)
        return 1
    stdout.print(
        f"Ollama {status.version} at {redact(status.base_url)} · {status.model_count} models"
        f" · {status.latency_ms:.0f} ms",
        markup=False,
    )
    for model in status.running_models:
        stdout.print(
            f"running: {model.name} ({format_bytes(model.size)}, "
            f"{format_bytes(model.size_vram)} in VRAM, until {model.expires_at})",
            markup=False,
        )
    if status.suggestion:  # e.g. localhost refused, 127.0.0.1 answered: which address to use
        stderr.print(redact(reword(status.suggestion) or ""), markup=False)
    return 0


async def cmd_models(tools: OllamaEditorTools, args: argparse.Namespace) -> int:
    models = await tools.list_available_models()
    if args.json:
        print_json(models)
        return 0
    rows = [
        {
            "NAME": model.name,
            "SIZE": format_bytes(model.size),
            "PARAMETERS": model.parameter_size,
            "QUANTIZATION": model.quantization,
            "MODIFIED": model.modified_at[:19].replace("T", " "),
            "CAPABILITIES": ", ".join(model.capabilities),
        }
        for model in models
    ]
    print_table(rows, ["NAME", "SIZE", "PARAMETERS", "QUANTIZATION", "MODIFIED", "CAPABILITIES"],
                drop_order=["MODIFIED", "QUANTIZATION", "CAPABILITIES", "PARAMETERS", "SIZE"],
                wrap="CAPABILITIES")
    return 0


def print_table(
    rows: list[dict[str, str]], columns: list[str], drop_order: list[str], wrap: str
) -> None:
    """A table that fits the console's width (the terminal's; COLUMNS; 80 when piped).

    The first column (the model name) is never cut or wrapped; `wrap` may wrap between words;
    when even that is too wide, columns go in `drop_order`. A name longer than the width is
    printed whole, past the width.
    """
    gap = 2

    def natural(column: str) -> int:
        return max([len(column), *(len(row[column]) for row in rows)])

    def minimum(column: str) -> int:
        if column != wrap:
            return natural(column)
        words = [word for row in rows for word in row[column].split()]
        return max([len(column), *(len(word) for word in words)])

    shown = list(columns)
    width = stdout.width
    while len(shown) > 1 and sum(map(minimum, shown)) + gap * (len(shown) - 1) > width:
        shown.remove(next(column for column in drop_order if column in shown))
    needed = sum(map(minimum, shown)) + gap * (len(shown) - 1)
    table = Table(box=None, pad_edge=False, expand=False, padding=(0, gap, 0, 0),
                  collapse_padding=True, show_edge=False)
    for column in shown:
        if column == wrap:
            table.add_column(column, min_width=minimum(column), overflow="fold")
        else:
            table.add_column(column, no_wrap=True, min_width=natural(column))
    for row in rows:
        table.add_row(*(row[column] for column in shown))
    # Rendered apart, so that a name wider than the terminal is printed whole; no trailing blanks.
    canvas = Console(file=io.StringIO(), width=max(width, needed), highlight=False,
                     color_system=None, legacy_windows=False)
    canvas.print(table, soft_wrap=False)
    text = canvas.file.getvalue()  # type: ignore[attr-defined]
    sys.stdout.write("".join(line.rstrip() + "\n" for line in text.splitlines()))


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


class _SpeedColumn(ProgressColumn):
    """Transfer speed, blank until there is one (rich prints `?`)."""

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text("" if speed is None else f"{format_bytes(int(speed))}/s")


class _BytesColumn(ProgressColumn):
    """`1.2 GB/4.1 GB`, blank until the size is known (rich prints `0/? bytes`)."""

    def render(self, task: Task) -> Text:
        if task.total is None:
            return Text("")
        return Text(f"{format_bytes(int(task.completed))}/{format_bytes(int(task.total))}")


class _RemainingColumn(ProgressColumn):
    """Time left, blank while unknown."""

    def render(self, task: Task) -> Text:
        remaining = task.time_remaining
        if remaining is None or task.total is None:
            return Text("")
        minutes, seconds = divmod(int(remaining), 60)
        hours, minutes = divmod(minutes, 60)
        return Text(f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}")


PULL_LINE_INTERVAL = 5.0  # seconds between progress lines when stderr is not a terminal


async def cmd_pull(tools: OllamaEditorTools, args: argparse.Namespace) -> int:
    if stderr.is_terminal:
        return await _pull_with_bar(tools, args)
    return await _pull_with_lines(tools, args)


async def _pull_with_bar(tools: OllamaEditorTools, args: argparse.Namespace) -> int:
    tracker = PullTracker()
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        _BytesColumn(),
        _SpeedColumn(),
        _RemainingColumn(),
    )
    # Transient: the bar goes away when the pull ends, so an error follows no stray bar.
    with Progress(*columns, console=stderr, transient=True) as progress:
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


async def _pull_with_lines(tools: OllamaEditorTools, args: argparse.Namespace) -> int:
    """One line per new status and one every PULL_LINE_INTERVAL seconds: CI logs see a pull
    move instead of waiting minutes for its end."""
    tracker = PullTracker()
    started = time.monotonic()
    last_line = 0.0
    last_status = None
    async for update in tools.pull(args.model):
        tracker.update(update.status, update.digest, update.total, update.completed)
        now = time.monotonic()
        if update.status == "success":
            continue
        if update.status != last_status or now - last_line >= PULL_LINE_INTERVAL:
            if update.status != last_status and not tracker.total:
                line = update.status
            else:
                line = _progress_line(update.status, tracker, now - started)
            stderr.print(line, markup=False)
            last_line, last_status = now, update.status
    stderr.print(f"Pulled {args.model}.", markup=False)
    return 0


def _progress_line(status: str, tracker: PullTracker, elapsed: float) -> str:
    if not tracker.total:
        return status
    percent = 100 * tracker.completed / tracker.total
    parts = [f"{status}: {percent:.0f}%",
             f"{format_bytes(tracker.completed)} of {format_bytes(tracker.total)}"]
    if elapsed > 0 and tracker.completed:
        parts.append(f"{format_bytes(int(tracker.completed / elapsed))}/s")
    return " · ".join(parts)


async def cmd_rm(tools: OllamaEditorTools, args: argparse.Namespace) -> int:
    await tools.delete(args.model)
    stderr.print(f"Deleted {args.model}.", markup=False)
    return 0


async def cmd_generate(tools: OllamaEditorTools, args: argparse.Namespace) -> int:
    options = {"system": args.system} if args.system else {}
    global _partial_line
    async with tools.generate(args.model, prompt=args.prompt, **options) as stream:
        async for chunk in stream:
            if chunk.text:
                sys.stdout.write(chunk.text)
                sys.stdout.flush()
                _partial_line = not chunk.text.endswith("\n")
    if not _partial_line:  # an empty answer still ends its (empty) line
        _partial_line = stream.metrics is None or not (stream.metrics.completion_tokens or 0)
    end_partial_line()
    stderr.print(speed_line(stream.metrics), markup=False)
    return 0


def speed_line(metrics: Any) -> str:
    """`12 tokens (5 of them thinking) · 38.2 tokens/s · first token after 120 ms`, leaving
    out what is unknown. Tokens and speed are Ollama's (eval_count / eval_duration), thinking
    included; the thinking part is the number of chunks that carried thinking."""
    parts = [f"{metrics.completion_tokens or 0} tokens"]
    thinking = getattr(metrics, "thinking_tokens", None)
    if thinking:
        parts[0] += f" ({thinking} of them thinking)"
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
