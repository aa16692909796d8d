"""The CPU pool starts even where sys.stderr has no file descriptor (as inside Textual)."""

from __future__ import annotations

import subprocess
import sys
import textwrap


def test_pool_starts_when_stderr_has_no_fileno() -> None:
    # Textual swaps sys.stderr for a capture object whose fileno() is -1; multiprocessing's
    # helper processes used to be started with that and the app's refresh always failed.
    code = textwrap.dedent(
        """
        import io, sys
        class Capture(io.StringIO):
            def fileno(self):
                return -1
        sys.stderr = Capture()
        from briefing.refresh import make_pool
        with make_pool(1) as pool:
            print(pool.submit(sum, [1, 2, 3]).result(timeout=60))
        """
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=90)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "6"
