"""The chaos suite's fault hooks exist only when their variable is set (issue 22)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from docbatch.faults import FREEZE_ONCE_ENV, POISON_MARKER_ENV, freeze_hook, poison_hook

_PROBE = (
    "from docbatch import faults; "
    "print(faults.poison_point is None, faults.freeze_point is None); "
    "faults.poison_point and faults.poison_point('/corpus/POISON-PILL-1.pdf')"
)


def _probe(**env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in (POISON_MARKER_ENV, FREEZE_ONCE_ENV)}
    return subprocess.run(
        [sys.executable, "-c", _PROBE], env=clean | env, capture_output=True, text=True, timeout=60
    )


def test_without_their_variables_the_hooks_are_none() -> None:
    probe = _probe()
    assert (probe.returncode, probe.stdout.split()) == (0, ["True", "True"])


def test_the_poison_marker_kills_the_process_that_meets_it() -> None:
    probe = _probe(**{POISON_MARKER_ENV: "POISON-PILL"})
    assert (probe.returncode, probe.stdout.split()) == (1, ["False", "True"])


def test_the_hooks_are_built_only_for_a_value() -> None:
    assert poison_hook(None) is None and poison_hook("") is None
    assert freeze_hook(None) is None and freeze_hook("") is None
    hook = poison_hook("POISON-PILL")
    assert hook is not None
    hook("/corpus/healthy.pdf")  # returns: only a marked path kills


def test_the_freeze_flag_is_taken_by_the_first_process_only(tmp_path: Path) -> None:
    flag = tmp_path / "frozen.pid"
    flag.write_text("12345")  # another process froze first
    hook = freeze_hook(str(flag))
    assert hook is not None
    hook()  # returns at once instead of stopping this process
    assert flag.read_text() == "12345"
