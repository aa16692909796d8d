"""A fetch killed by cron's timeout (SIGTERM) or by SIGKILL leaves no pool workers behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from briefing import pool_guard

OWNER = """
import os, signal, sys
from briefing.refresh import make_pool
pool = make_pool(2)
for f in [pool.submit(pow, 2, n) for n in range(8)]:
    f.result()
# (CPython's own record of the pool's processes: pid -> Process)
print(*pool._processes, flush=True)
os.kill(os.getpid(), getattr(signal, sys.argv[1]))
"""


def _gone(pid: int) -> bool:
    """Ended: no such process, or a zombie waiting to be reaped."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return True
    return stat.rsplit(")", 1)[1].split()[0] == "Z"


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
@pytest.mark.parametrize("how", ["SIGKILL", "SIGTERM"])
def test_the_workers_end_with_a_killed_owner(tmp_path: Path, how: str) -> None:
    # before, each kill left the two workers (and the fork server, the resource tracker)
    # idle for ever: four processes a killed `briefing fetch`
    out = tmp_path / "pids"
    with out.open("w") as fh:  # a file: a pipe would stay open in workers that outlive it
        done = subprocess.run([sys.executable, "-c", OWNER, how], stdout=fh, timeout=60)
    assert done.returncode == -getattr(signal, how)
    workers = [int(pid) for pid in out.read_text().split()]
    assert len(workers) == 2
    deadline = time.monotonic() + 10
    while not all(map(_gone, workers)) and time.monotonic() < deadline:
        time.sleep(0.05)
    try:
        assert all(map(_gone, workers)), f"workers {workers} outlived their killed owner"
    finally:
        for pid in workers:
            if not _gone(pid):
                os.kill(pid, signal.SIGKILL)


def test_without_pidfd_the_watch_polls(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(os, "pidfd_open", raising=False)
    monkeypatch.setattr(pool_guard, "POLL_SECONDS", 0.02)
    child = subprocess.Popen([sys.executable, "-c", "import sys; sys.stdin.read()"],
                             stdin=subprocess.PIPE)  # fmt: skip
    ended = threading.Event()
    watch = threading.Thread(target=lambda: (pool_guard._wait_for_end(child.pid), ended.set()))
    watch.start()
    time.sleep(0.2)
    assert not ended.is_set()  # the owner is alive: the watch waits
    child.communicate(b"")  # it ends (and is reaped)
    watch.join(5)
    assert ended.is_set()


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_without_pidfd_an_owner_ended_but_not_reaped_counts_as_ended(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # an owner killed while its own parent has not yet waited for it is a zombie: kill(pid, 0)
    # still succeeds on it, so the poll took it for alive (the pidfd path does not)
    monkeypatch.delattr(os, "pidfd_open", raising=False)
    monkeypatch.setattr(pool_guard, "POLL_SECONDS", 0.02)
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    try:
        deadline = time.monotonic() + 10
        while not _gone(child.pid) and time.monotonic() < deadline:
            time.sleep(0.02)
        assert _gone(child.pid)  # ended, not reaped: a zombie
        ended = threading.Event()
        watch = threading.Thread(
            target=lambda: (pool_guard._wait_for_end(child.pid), ended.set()), daemon=True
        )
        watch.start()
        watch.join(2)
        assert ended.is_set(), "the watch waits on an owner that has ended"
    finally:
        child.wait()
