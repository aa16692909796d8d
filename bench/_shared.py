"""What the benchmark scripts share: where ../shared is, and its scorer loaded as a module.

Standard library only, so the scripts that run in a venv of their own (threads_graph.py,
threads_embed.py) can import it too.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
EVAL = SHARED / "tools" / "cluster_eval.py"


def load_eval() -> ModuleType:
    """../shared/tools/cluster_eval.py, the project's shared scorer, as a module."""
    spec = importlib.util.spec_from_file_location("cluster_eval", EVAL)
    assert spec is not None and spec.loader is not None, EVAL
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod
