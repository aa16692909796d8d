"""Work for a pool worker that takes its time (a runaway page), for the signal tests of
test_fetch_cli.py. A module of its own: a worker finds a function by its module's name."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any


def slow_parse(*_args: Any, **_kwargs: Any) -> None:
    """Say that it started (the file named by $BRIEFING_TEST_STARTED), then take a minute."""
    Path(os.environ["BRIEFING_TEST_STARTED"]).touch()
    time.sleep(60)
