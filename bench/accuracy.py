"""``python -m bench accuracy``: entity precision, recall and F1 per type vs ground truth.

A generated corpus carries, in ``truth.jsonl``, the ``(type, normalised value)`` pairs
each document's text contains. The pipeline (extract, chunk, entities) runs in this
process over every document and its distinct ``(type, normalized)`` pairs are compared
with the truth of that document: a true positive is a pair in both. Counts are summed
over documents per type (micro average). Types the generator never plants are reported
with their prediction counts but left out of the overall figures, since the truth
cannot say whether those predictions are right.

Next to the synthetic figures it scores the real-document gold set (:mod:`bench.gold`:
real court filings annotated by hand), per entity type and per relation, unless
``--no-real`` is given. The real figures are the ones to believe.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from bench import write_results
from bench.charts import Bar, bar_chart
from bench.gold import GOLD_DIR, load_gold, measure_real
from bench.harness import TEXT_MIX, add_common_arguments, make_corpus, summary_row
from bench.pure import text_mentions
from bench.synth.corpus import parse_mix
from docbatch.pipeline.options import PipelineOptions

__all__ = ["MIX", "add_arguments", "measure", "run", "score", "summarize"]

#: The text formats plus a few scans, so OCR's effect on recall shows.
MIX = {**TEXT_MIX, "scan": 0.05}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add this scenario's options to its sub-command parser."""
    parser.add_argument(
        "--mix", type=parse_mix, default=dict(MIX), help="formats, e.g. pdf=0.9,scan=0.1"
    )
    parser.add_argument(
        "--no-real", dest="real", action="store_false", help="skip the real-document gold set"
    )
    parser.add_argument(
        "--gold", "--real-dir", dest="gold", type=Path, default=GOLD_DIR,
        help="gold-set folder, e.g. tests/golden/real_blind for the blind set",
    )  # fmt: skip
    parser.add_argument(
        "--real-only", action="store_true", help="score the gold set only, no synthetic corpus"
    )
    add_common_arguments(parser, docs=100, max_pages=3)


def run(args: argparse.Namespace) -> int:
    """Run the scenario; write ``accuracy.json`` and ``accuracy.png``."""
    result: dict[str, Any]
    if args.real_only:
        result = {"types": {}, "overall": None, "corpus": {"docs": 0}}
    else:
        result = measure(args.docs, args.max_pages, args.mix, args.seed)
    if args.real or args.real_only:
        started = time.perf_counter()
        result["real"] = measure_real(load_gold(args.gold))
        result["real"]["seconds"] = round(time.perf_counter() - started, 3)
    path = write_results(args.out, "accuracy", result)
    if not args.real_only:
        _chart(args.out / "accuracy.png", result)
    real: dict[str, Any] = result.get("real", {"types": {}, "relations": {}})
    print(f"{'':<14} {'synthetic':<28} real ({real.get('documents', 0)} documents)")
    for kind in sorted(set(result["types"]) | set(real["types"])):
        print(f"{kind:<14} {_line(result['types'].get(kind)):<28} {_line(real['types'].get(kind))}")
    print(f"{'overall':<14} {_line(result['overall']):<28} {_line(real.get('overall'))}")
    for kind, row in real["relations"].items():
        print(f"{kind:<14} {'':<28} {_line(row)}")
    if "party_roles" in real:
        roles = real["party_roles"]
        print(
            f"{'party roles':<14} {'':<28} {roles['right']}/{roles['found']} right "
            f"({roles['accuracy']:.3f}); {roles['found']}/{roles['parties']} parties given one"
        )
        print(
            f"{'rows/entity':<14} {'':<28} at most {real['rows_per_entity_max']:.2f} per document"
        )
    print(f"results written to {path}")
    return 0


def _line(row: dict[str, Any] | None) -> str:
    if row is None:
        return "-"
    if not row.get("in_truth", True) or not row.get("expected", 1):
        return f"{row['predicted']} predicted, none annotated"
    return f"P {row['precision']:.3f} R {row['recall']:.3f} F1 {row['f1']:.3f}"


def measure(docs: int, max_pages: int, mix: dict[str, float], seed: int) -> dict[str, Any]:
    """Run the text stages over a generated corpus and score them against its truth."""
    options = PipelineOptions()
    tp: Counter[str] = Counter()
    predicted: Counter[str] = Counter()
    expected: Counter[str] = Counter()
    with tempfile.TemporaryDirectory(prefix="docbatch-bench-") as tmp:
        corpus = make_corpus(Path(tmp), docs, seed=seed, pages=(1, max_pages), mix=mix)
        started = time.perf_counter()
        with corpus.truth_path.open(encoding="utf-8") as truth_file:
            for line in truth_file:
                record = json.loads(line)
                data = (corpus.folder / record["path"]).read_bytes()
                _, _, mentions = text_mentions(data, options)
                found = {(m.type.value, m.normalized) for m in mentions}
                truth = {(kind, value) for kind, value in record["entities"]}
                _count(found, truth, tp, predicted, expected)
        seconds = time.perf_counter() - started
    return {
        "params": {"docs": docs, "max_pages": max_pages, "mix": mix, "seed": seed},
        "corpus": {"docs": corpus.count, "pages": corpus.pages, "formats": dict(corpus.formats)},
        "seconds": round(seconds, 3),
        "matching": "distinct (type, normalised value) pairs per document, micro-averaged",
        **score(tp, predicted, expected),
    }


def score(tp: Counter[str], predicted: Counter[str], expected: Counter[str]) -> dict[str, Any]:
    """Precision, recall and F1 per type and overall (types in the truth only)."""
    types = {}
    for kind in sorted(set(predicted) | set(expected)):
        types[kind] = {"in_truth": expected[kind] > 0, "true_positives": tp[kind],
                       "predicted": predicted[kind], "expected": expected[kind],
                       **_prf(tp[kind], predicted[kind], expected[kind])}  # fmt: skip
    scored = [kind for kind, row in types.items() if row["in_truth"]]
    overall = _prf(
        sum(tp[k] for k in scored), sum(predicted[k] for k in scored),
        sum(expected[k] for k in scored),
    )  # fmt: skip
    return {"types": types, "overall": overall}


def _count(
    found: set[tuple[str, str]],
    truth: set[tuple[str, str]],
    tp: Counter[str],
    predicted: Counter[str],
    expected: Counter[str],
) -> None:
    predicted.update(kind for kind, _ in found)
    expected.update(kind for kind, _ in truth)
    tp.update(kind for kind, _ in found & truth)


def _prf(tp: int, predicted: int, expected: int) -> dict[str, float]:
    precision = tp / predicted if predicted else 0.0
    recall = tp / expected if expected else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)}


def summarize(result: dict[str, Any]) -> list[dict[str, Any]]:
    """The headline rows of this scenario for ``bench all``'s summary table: the micro F1,
    then the F1 of every planted type."""
    overall = result["overall"]
    rows = [
        summary_row("entity F1, all planted types (micro)",
                    f"{overall['f1']:.3f} (P {overall['precision']:.3f}, "
                    f"R {overall['recall']:.3f})"),
    ]  # fmt: skip
    for kind, row in result["types"].items():
        if row["in_truth"]:
            rows.append(summary_row(f"entity F1, {kind}",
                                    f"{row['f1']:.3f} (P {row['precision']:.3f}, "
                                    f"R {row['recall']:.3f})"))  # fmt: skip
    real = result.get("real")
    if real:
        for kind, row in [("all types (micro)", real["overall"]), *real["types"].items(),
                          *real["relations"].items()]:  # fmt: skip
            if row.get("expected", 1):
                rows.append(summary_row(f"real gold set F1, {kind}",
                                        f"{row['f1']:.3f} (P {row['precision']:.3f}, "
                                        f"R {row['recall']:.3f})"))  # fmt: skip
    return rows


def _chart(path: Path, result: dict[str, Any]) -> None:
    bars = [
        Bar(kind, row["f1"], f"F1 {row['f1']:.3f} (P {row['precision']:.2f} R {row['recall']:.2f})",
            index, section="synthetic corpus: F1 per entity type" if index == 0 else "")
        for index, (kind, row) in enumerate(
            (k, r) for k, r in result["types"].items() if r["in_truth"]
        )
    ]  # fmt: skip
    real = result.get("real")
    if real:
        rows = [(k, r) for k, r in [*real["types"].items(), *real["relations"].items()]
                if r["expected"]]  # fmt: skip
        heading = f"real gold set ({real['documents']} filings)"
        bars += [
            Bar(kind, row["f1"], f"F1 {row['f1']:.3f} (P {row['precision']:.2f} "
                f"R {row['recall']:.2f})", 1, section=heading if index == 0 else "")
            for index, (kind, row) in enumerate(rows)
        ]  # fmt: skip
    note = f"synthetic F1 {result['overall']['f1']:.3f}; {result['corpus']['docs']} documents"
    if real:
        note += f"; real F1 {real['overall']['f1']:.3f}"
    title = "accuracy: generated documents vs real filings (hand gold set)"
    bar_chart(path, title, bars, note=note)
