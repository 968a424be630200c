"""``python -m bench SCENARIO [options]``: run one benchmark scenario.

The dispatcher only knows scenario names and the module that implements each; a module
is imported when its scenario runs, so one scenario's heavy imports never slow another.
To add a scenario, write ``bench/<name>.py`` with ``add_arguments(parser)`` and
``run(args) -> int`` and list it in :data:`SCENARIOS`.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

__all__ = ["SCENARIOS", "main"]

#: Scenario name -> (module implementing it, one-line description).
SCENARIOS: dict[str, tuple[str, str]] = {
    "stages": ("bench.stages", "pages per second of each pipeline stage, in-process"),
    "baseline": ("bench.baseline", "docbatch vs the specification's naive chain-and-chord design"),
    "sizes": ("bench.sizes", "throughput and batch initialisation at 100 / 1,000 / 10,000 docs"),
    "warm": ("bench.warm", "a batch cold, then re-submitted: stage-cache hit rate and speed-up"),
    "scaling": ("bench.scaling", "1 vs 2 worker processes: efficiency, and a model for N"),
    "overhead": ("bench.overhead", "pure stages vs Celery end to end: overhead in percent"),
    "accuracy": ("bench.accuracy", "entity precision / recall / F1 per type vs ground truth"),
    "memory": ("bench.memory", "peak RSS of the submitter and of the workers"),
    "peer": ("bench.peer", "a plain pdfminer.six + eyecite script vs docbatch"),
    "realworld": ("bench.realworld", "real court filings and pdf.js's test PDFs, embedded"),
    "depth": ("bench.depth", "HTML extraction time against nesting depth: linear or not"),
    "search": ("bench.search", "full-text index cost per run and query latency on 10,000 pages"),
    "startup": ("bench.startup", "docbatch run's start: first document, embedded vs inline"),
    "bigscan": ("bench.bigscan", "a 96-page scan on 1 worker vs 2: OCR page ranges shared"),
    "services": ("bench.services", "per-document costs on the database and Redis, and a model"),
    "growth": ("bench.growth", "entities stage time against text length: linear or not"),
    "all": ("bench.all", "every scenario at a CI-friendly size, plus summary.md / .json / .png"),
}


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the command line, run the chosen scenario and return its exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="scenario", required=True, metavar="SCENARIO")
    chosen = next((arg for arg in argv if not arg.startswith("-")), None)
    for name, (module_name, description) in SCENARIOS.items():
        scenario_parser = sub.add_parser(name, help=description, description=description)
        if name == chosen:
            # Only the chosen scenario's module is imported, to add its options.
            module = importlib.import_module(module_name)
            module.add_arguments(scenario_parser)
            scenario_parser.set_defaults(_run=module.run)
    args = parser.parse_args(argv)
    return int(args._run(args))


if __name__ == "__main__":
    sys.exit(main())
