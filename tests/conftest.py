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
