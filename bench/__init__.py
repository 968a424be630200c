"""docbatch benchmarks: scenarios run with ``python -m bench SCENARIO [options]``.

Each scenario is a module of this package with ``add_arguments(parser)`` and
``run(args) -> int``, registered in :data:`bench.__main__.SCENARIOS`. The helpers here
are shared by every scenario so their JSON results describe the machine the same way.
"""

from __future__ import annotations

import datetime as dt
import importlib.metadata
import json
import os
import platform
from collections.abc import Mapping
from pathlib import Path
from typing import Any

__all__ = ["DEFAULT_OUT", "TRACKED_PACKAGES", "machine_info", "package_versions", "write_results"]

#: Where results go unless ``--out`` says otherwise.
DEFAULT_OUT = Path(__file__).parent / "results"
#: Packages whose versions move the figures, recorded with every result.
TRACKED_PACKAGES = ("docbatch", "pypdfium2", "eyecite", "hyperscan", "tesserocr", "rapidocr")


def machine_info() -> dict[str, Any]:
    """CPU model, core counts, memory, OS and Python version of this machine."""
    return {
        "cpu_model": _cpu_model(),
        "cores_logical": os.cpu_count(),
        "cores_usable": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "memory_bytes": _memory_bytes(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "python_implementation": platform.python_implementation(),
    }


def package_versions(names: tuple[str, ...] = TRACKED_PACKAGES) -> dict[str, str | None]:
    """Installed version of each package, ``None`` for one that is not installed."""
    versions: dict[str, str | None] = {}
    for name in names:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def write_results(out: Path, scenario: str, payload: Mapping[str, Any]) -> Path:
    """Write ``payload`` with machine and package info to ``out/<scenario>.json``."""
    out.mkdir(parents=True, exist_ok=True)
    document = {
        "scenario": scenario,
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": machine_info(),
        "packages": package_versions(),
        **payload,
    }
    path = out / f"{scenario}.json"
    path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    return path


def _cpu_model() -> str:
    # /proc/cpuinfo names the CPU on Linux; platform.processor() is often empty there.
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            for line in info:
                if line.startswith("model name"):
                    return line.partition(":")[2].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _memory_bytes() -> int | None:
    try:
        import psutil
    except ImportError:
        return None
    return int(psutil.virtual_memory().total)
