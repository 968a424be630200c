"""HTML extraction is linear in nesting depth.

Each text node used to walk all its ancestors looking for a ``<pre>``: 20,000 nested
divs took 46 s. The walk is counted on a tree of plain objects shaped like selectolax's
nodes, so the test is about work done, not about time.
"""

from __future__ import annotations

from collections.abc import Iterator

from docbatch.pipeline import extract_office
from docbatch.pipeline.extract_office import read_html
from docbatch.pipeline.options import ExtractOptions


class Node:
    """A selectolax-like node that counts how often any node's parent is looked up."""

    lookups = 0

    def __init__(self, tag: str, parent: Node | None = None, text: str = "") -> None:
        self.tag = tag
        self._parent = parent
        self.text_content = text
        self.children: list[Node] = []
        if parent is not None:
            parent.children.append(self)

    @property
    def parent(self) -> Node | None:
        Node.lookups += 1
        return self._parent

    def iter(self, include_text: bool = True) -> Iterator[Node]:
        return iter(self.children)


def deep_tree(depth: int, inner: str = "div") -> Node:
    root = node = Node("body")
    for level in range(depth):
        node = Node(inner if level == depth - 1 else "div", node)
        Node("-text", node, f"w{level}  ")
    return root


def test_parent_lookups_grow_linearly_with_depth() -> None:
    Node.lookups = 0
    text = extract_office._render_html(deep_tree(2000))
    assert text.split() == [f"w{level}" for level in range(2000)]
    assert Node.lookups <= 2  # the root's ancestors only; was about depth²/2 = 2,000,000


def test_pre_still_keeps_its_whitespace() -> None:
    root = Node("body")
    pre = Node("pre", root)
    span = Node("span", pre)
    Node("-text", span, "a    b")
    Node("-text", Node("p", root), "c    d")
    assert extract_office._render_html(root) == "a    b\n\nc d"


def test_twenty_thousand_nested_divs_are_read() -> None:
    depth = 20_000
    html = "<html><body>" + "<div>x " * depth + "</div>" * depth + "</body></html>"
    document = read_html(html.encode(), ExtractOptions())
    assert document.pages[0].text.split() == ["x"] * depth
