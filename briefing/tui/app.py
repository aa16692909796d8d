"""`briefing` with no command: open the reader.

Kept free of Textual at import time: `run` starts the first store reads on a thread, then
imports the app (Textual's import takes about as long as the thread-list query on a big
cache, so the two overlap).
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from briefing.cli import Context
    from briefing.tui.reader import BriefingApp, open_in_browser

__all__ = ["BriefingApp", "open_in_browser", "run"]


def __getattr__(name: str) -> Any:
    if name in ("BriefingApp", "open_in_browser"):
        from briefing.tui import reader

        return getattr(reader, name)
    raise AttributeError(name)


def run(ctx: Context, offline: bool) -> int:
    """Open the reader on the cache of `ctx` (what `briefing` with no command runs)."""
    from briefing.tui.prefetch import prefetch

    store = ctx.open_store()
    startup = prefetch(store, ctx.config)
    from briefing.tui.reader import BriefingApp

    try:
        app = BriefingApp(
            store, ctx.config, offline=offline, data_dir=ctx.data_dir, startup=startup
        )
        result = int(app.run() or 0)
    finally:
        store.close()
    if app.refreshing:
        # Quitting mid-refresh: do not wait for slow feeds. Every write is its own SQLite
        # transaction, so stopping here is as safe as the kill -9 the cache is built for.
        # The refresh's worker processes go too: they would wait for work for ever.
        from briefing.tui import refresh_hook

        refresh_hook.abandon()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(result)
    return result
