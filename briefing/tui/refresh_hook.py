"""Runs the fetch pipeline (`briefing.refresh`) for the app, on a worker thread.

The pipeline gets its own Store connection (the store contract: one per long job), so the
app's own lane stays free for triage while a refresh runs. Any failure comes back as
(False, message): a failed refresh is a message on the status line, never a crash.
"""

from __future__ import annotations

import asyncio
import importlib
import inspect
from collections.abc import Callable
from pathlib import Path
from typing import Any

from briefing.config import Config
from briefing.store import Store

Progress = Callable[[str], None]


def find_pipeline() -> Callable[..., Any] | None:
    try:
        module = importlib.import_module("briefing.refresh")
    except ImportError:
        return None
    for name in ("refresh", "run_refresh", "refresh_all"):
        fn = getattr(module, name, None)
        if callable(fn):
            return fn
    return None


def describe(event: Any) -> str:
    """A one-line progress text from whatever the pipeline reports."""
    if isinstance(event, str):
        return event
    done = getattr(event, "done", None)
    total = getattr(event, "total", None)
    if done is not None and total:
        return f"refreshing {done}/{total} feeds"
    return "refreshing…"


def run_refresh(data_dir: Path, config: Config, progress: Progress) -> tuple[bool, str]:
    pipeline = find_pipeline()
    if pipeline is None:
        return False, "the fetch pipeline (briefing.refresh) is not available in this build"
    try:
        with Store.open(data_dir) as store:
            params = inspect.signature(pipeline).parameters
            kwargs: dict[str, Any] = {}
            for name in ("progress", "on_progress", "report"):
                if name in params:
                    kwargs[name] = lambda *args: progress(describe(args[0] if args else ""))
                    break
            result = pipeline(store, config, **kwargs)
            if inspect.isawaitable(result):
                result = asyncio.run(_await(result))
        return True, summarise(result)
    except Exception as exc:  # the pipeline's failure is a message for the status line
        return False, f"{type(exc).__name__}: {exc}"


async def _await(awaitable: Any) -> Any:
    return await awaitable


def summarise(result: Any) -> str:
    new = getattr(result, "new", None) or getattr(result, "new_articles", None)
    if isinstance(new, int):
        return f"refreshed: {new} new stor{'y' if new == 1 else 'ies'}"
    return "refreshed"
