"""A pool worker that ends with the process that started its pool.

A `ProcessPoolExecutor` worker waits for work for ever, and nothing tells it that the
process which owns its pool is gone: after a `briefing fetch` killed by cron's timeout
(SIGTERM) or by SIGKILL, its workers, the fork server and the resource tracker stayed,
idle, four processes a kill. `watch_owner` is the pools' initializer: a daemon thread in each
worker waits for the owner to end and then ends the worker. With the workers gone, the fork
server and the resource tracker, which run as long as a process they serve does, end too.

Kept apart from `briefing.refresh` so that a worker imports nothing more than it needs.
"""

from __future__ import annotations

import os
import select
import signal
import threading
import time

POLL_SECONDS = 1.0  # where the system cannot say at once that a process ended


def watch_owner(owner: int) -> None:
    """Pool initializer: end this worker (without cleanup: it holds nothing to save) as soon
    as process `owner` has ended. The worker ignores Ctrl-C, which a terminal sends to the
    whole process group: the owner handles it (a run cut short ends its workers, a task
    under way included: refresh.stop_pool; else the pool is shut down, or the owner ends,
    and then so does the worker). Before, Ctrl-C on `briefing fetch` printed each idle worker's
    KeyboardInterrupt traceback above "briefing: interrupted". SIGTERM keeps its default:
    a pool that breaks (a worker crashed) ends its other workers with it, and a worker
    ignoring it, busy on a runaway page, would hold the pool's shutdown, and the fetch's
    exit, until it was done."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_wait_then_exit, args=(owner,), name="owner-watch", daemon=True).start()


def _wait_then_exit(owner: int) -> None:
    _wait_for_end(owner)
    os._exit(0)


def _wait_for_end(owner: int) -> None:
    """Return once process `owner` has ended (a zombie not yet reaped counts as ended, where
    the system tells: a pidfd, or /proc; on macOS the poll sees it end once it is reaped)."""
    pidfd_open = getattr(os, "pidfd_open", None)
    if pidfd_open is not None:  # Linux 5.3+: readable when the process ends
        try:
            fd = pidfd_open(owner)
        except ProcessLookupError:
            return
        except OSError:  # an older kernel, a sandbox refusing the call: poll instead
            pass
        else:
            try:
                select.select([fd], [], [])
            finally:
                os.close(fd)
            return
    while True:
        try:
            os.kill(owner, 0)
        except ProcessLookupError:
            return
        except PermissionError:  # the pid is another user's process now: the owner has ended
            return
        if _zombie(owner):  # kill(pid, 0) succeeds on a process that waits to be reaped
            return
        time.sleep(POLL_SECONDS)


def _zombie(pid: int) -> bool:
    """Whether process `pid` has ended and waits to be reaped, as /proc says; False where
    there is no /proc to ask (macOS)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            fields = fh.read().rsplit(b")", 1)[-1].split()
    except OSError:
        return False
    return bool(fields) and fields[0] in (b"Z", b"X")
