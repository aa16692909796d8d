"""Shared test fixtures. Keep this small: helpers live in their own modules (httpserver.py)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from httpserver import TestServer  # noqa: E402


@pytest.fixture
def http_server() -> Iterator[TestServer]:
    """A real threaded HTTP/1.1 server on 127.0.0.1 (see tests/httpserver.py)."""
    with TestServer() as server:
        yield server


@pytest.fixture(scope="session")
def cpu_pool() -> Iterator[object]:
    """One process pool for all fetch tests (starting one per run costs a second)."""
    from briefing.refresh import make_pool

    pool = make_pool(2)
    yield pool
    pool.shutdown(wait=True, cancel_futures=True)


@pytest.fixture
def fetch_env(tmp_path: Path, http_server: TestServer, cpu_pool: object) -> Iterator[object]:
    """A data dir, a feeds.toml and a Store around the test server (see tests/fetchenv.py)."""
    from fetchenv import FetchEnv

    env = FetchEnv(tmp_path, http_server, cpu_pool)  # type: ignore[arg-type]
    yield env
    env.close()


@pytest.fixture
def cache(tmp_path: Path) -> Iterator[object]:
    """The reader tests' cache (tests/test_tui_support.py: build_cache). It shadows pytest's
    own `cache` fixture, which no test here uses."""
    from test_tui_support import build_cache

    c = build_cache(tmp_path)
    yield c
    c.store.close()


@pytest.fixture
def run(cache, tmp_path: Path):
    """`briefing ARGS...` in-process over the `cache` fixture's data dir and feeds; returns
    the exit status."""
    from test_tui_support import FEEDS

    from briefing.cli import main

    feeds = tmp_path / "feeds.toml"
    feeds.write_text("".join(f'[[feeds]]\nname = "{f.name}"\nurl = "{f.url}"\n\n' for f in FEEDS))

    def cli(*args: str) -> int:
        return main(["--feeds", str(feeds), "--data-dir", str(tmp_path / "data"), *args])

    return cli


@pytest.fixture(autouse=True)
def _unfreeze_gc() -> Iterator[None]:
    """The reader freezes its start-up objects (gc.freeze) once settled; a test process runs
    many readers, so each test gives them back to the collector."""
    yield
    import gc

    gc.unfreeze()
