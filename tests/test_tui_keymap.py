"""feeds.toml's [keys] knows exactly the app's binding ids."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

from textual.binding import Binding

import briefing.tui
from briefing.config import KEY_IDS


def app_binding_ids() -> set[str]:
    ids: set[str] = set()
    for info in pkgutil.walk_packages(briefing.tui.__path__, "briefing.tui."):
        module = importlib.import_module(info.name)
        for obj in vars(module).values():
            if inspect.isclass(obj) and obj.__module__ == module.__name__:
                for binding in getattr(obj, "BINDINGS", None) or []:
                    if isinstance(binding, Binding) and binding.id:
                        ids.add(binding.id)
    return ids


def test_config_key_ids_match_the_app() -> None:
    ids = app_binding_ids()
    assert {"star", "read", "briefing", "quit", "undo", "move"} <= ids
    assert ids == KEY_IDS, (sorted(ids - KEY_IDS), sorted(KEY_IDS - ids))
