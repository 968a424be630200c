"""The dashboard's look in headless Chromium: a progress cell on one line, entity colours
a colour-blind reader can tell apart. A real API server (no workers: the batch is
processed in this process) and a narrow window, where the old page wrapped "100 %"."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn

from docbatch.api.app import create_app
from docbatch.client import Docbatch
from tests.api.cdp import Browser, find_chromium
from tests.api.support import copy_samples, create_batch, process_inline
from tests.conftest import in_ci

pytestmark = [pytest.mark.integration]

#: Okabe & Ito (2008), "Color Universal Design": the eight colours, as CSS computes them.
OKABE_ITO = {
    "rgb(0, 0, 0)", "rgb(230, 159, 0)", "rgb(86, 180, 233)", "rgb(0, 158, 115)",
    "rgb(240, 228, 66)", "rgb(0, 114, 178)", "rgb(213, 94, 0)", "rgb(204, 121, 167)",
}  # fmt: skip
ENTITY_TYPES = ("citation", "statute", "regulation", "court", "case_number", "date", "money",
                "person", "organization", "court_rule")  # fmt: skip


@pytest.fixture
def chromium() -> str:
    binary = find_chromium()
    if binary is None:
        if in_ci():
            pytest.fail("chromium is not installed (CI=true: the browser test must run)")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    return binary


@pytest.fixture
def server(client: Docbatch) -> Iterator[str]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    app = create_app(client.settings, require_token=False, client=client, sample_seconds=0)
    instance = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=instance.run, daemon=True)
    thread.start()
    while not instance.started:
        assert thread.is_alive(), "the API server did not start"
        threading.Event().wait(0.05)
    yield f"http://127.0.0.1:{port}"
    instance.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def narrow_browser(chromium: str, tmp_path: Path) -> Iterator[Browser]:
    instance = Browser(chromium, tmp_path / "profile", width=480, height=700)
    yield instance
    instance.close()


def test_a_finished_batch_shows_100_percent_on_one_line(
    client: Docbatch, docs_root: Path, server: str, narrow_browser: Browser
) -> None:
    batch_id = create_batch(client, copy_samples(docs_root / "one", ("memo.txt",)))
    process_inline(client, batch_id)

    narrow_browser.goto(server + "/")
    selector = json.dumps(f"#batches tr[data-id='{batch_id}'] .pct")
    narrow_browser.wait(f"!!document.querySelector({selector})")
    text, lines = narrow_browser.js(
        f"(() => {{ const pct = document.querySelector({selector});"
        " return [pct.textContent, pct.getClientRects().length]; })()"
    )
    assert (text, lines) == ("100\u00a0%", 1)
    bar, pct = narrow_browser.js(
        f"(() => {{ const pct = document.querySelector({selector});"
        " const bar = pct.parentElement.querySelector('.bar').getBoundingClientRect();"
        " const own = pct.getBoundingClientRect();"
        " return [[bar.top, bar.bottom, bar.right], [own.top, own.bottom, own.left]]; })()"
    )
    # Side by side: the number starts right of the bar and overlaps it vertically
    # (wrapped, it sat under the bar, its top below the bar's bottom).
    assert pct[2] >= bar[2] and pct[0] < bar[1] and pct[1] > bar[0], (bar, pct)


def test_entity_highlights_use_distinct_okabe_ito_colours(
    server: str, narrow_browser: Browser
) -> None:
    narrow_browser.goto(server + "/")
    narrow_browser.wait("document.readyState === 'complete'")
    styles = narrow_browser.js(
        "(() => { const out = {}; for (const t of " + json.dumps(ENTITY_TYPES) + ") {"
        " const m = document.createElement('mark'); m.className = 't-' + t;"
        " m.textContent = t; document.body.appendChild(m); const s = getComputedStyle(m);"
        " out[t] = [s.borderBottomColor, s.borderBottomStyle]; } return out; })()"
    )
    assert {color for color, _ in styles.values()} <= OKABE_ITO
    assert len({tuple(v) for v in styles.values()}) == len(ENTITY_TYPES)  # no two alike
    # The pair readers confused: blue against orange, far apart for every kind of
    # colour blindness.
    assert styles["court"][0] == "rgb(0, 114, 178)"
    assert styles["case_number"][0] == "rgb(230, 159, 0)"
