"""``python -m bench depth``: HTML extraction time against nesting depth.

For documents of ``--depths`` nested ``<div>`` elements (each holding one word), times
lexbor's parse and docbatch's text rendering (the rest of
:func:`docbatch.pipeline.extract_office.read_html`) separately, and fits the growth
exponent of each against depth on a log-log scale: about 1 is linear, 2 quadratic. The
rendering used to walk every text node's ancestors, so 20,000 nested divs took 46 s.
Exits 1 when the rendering's exponent is over ``--max-exponent``; the parser's own growth
is reported for information (it is lexbor's, bounded by the sandbox's time limit).
"""

from __future__ import annotations

import argparse
import functools
import math
import time
from collections.abc import Callable

from docbatch.pipeline import extract_office

__all__ = ["add_arguments", "growth_exponent", "nested_html", "run"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add this scenario's options to its sub-command parser."""
    parser.add_argument("--depths", default="2500,5000,10000,20000", help="comma-separated")
    parser.add_argument("--repeat", type=int, default=3, help="best of this many runs")
    parser.add_argument("--max-exponent", type=float, default=1.5)


def nested_html(depth: int) -> bytes:
    """An HTML page of ``depth`` nested divs, one word in each."""
    return ("<html><body>" + "<div>x " * depth + "</div>" * depth + "</body></html>").encode()


def growth_exponent(points: list[tuple[int, float]]) -> float:
    """The least-squares slope of log(seconds) against log(depth)."""
    xs = [math.log(depth) for depth, _ in points]
    ys = [math.log(max(seconds, 1e-9)) for _, seconds in points]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sum(
        (x - mx) ** 2 for x in xs
    )


def _best(repeat: int, call: Callable[[], object]) -> float:
    best = math.inf
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        best = min(best, time.perf_counter() - started)
    return best


def run(args: argparse.Namespace) -> int:
    """Time each depth, print the table and the exponents; 1 when rendering is over the cap."""
    from selectolax.lexbor import LexborHTMLParser

    parse_points, render_points = [], []
    for depth in (int(d) for d in args.depths.split(",")):
        text = nested_html(depth).decode()
        parse = _best(args.repeat, functools.partial(LexborHTMLParser, text))
        body = LexborHTMLParser(text).body
        render = _best(args.repeat, functools.partial(extract_office._render_html, body))
        parse_points.append((depth, parse))
        render_points.append((depth, render))
        print(f"depth {depth:>7,}: parse {parse:8.3f} s   render {render:8.3f} s")
    exponent = growth_exponent(render_points)
    print(f"render growth exponent {exponent:.2f} (1 = linear, 2 = quadratic)")
    print(f"parse growth exponent {growth_exponent(parse_points):.2f} (lexbor, for information)")
    return 0 if exponent <= args.max_exponent else 1
