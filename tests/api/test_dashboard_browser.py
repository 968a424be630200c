"""End to end: the web dashboard in headless Chromium, a real server and real workers.

The browser enters the API token, submits a batch of server paths, watches it reach
100 %, opens a completed document (entities highlighted) and a failed one (its reason),
then presses recover. Needs the ``chromium`` binary: skipped locally without it, a
failure under ``CI=true``. Set ``DOCBATCH_TEST_WRITE_SCREENSHOT=1`` to refresh
``docs/dashboard.png`` from this run.
"""

from __future__ import annotations

import json
import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn

from docbatch.api.app import create_app
from docbatch.client import Docbatch, Sources
from docbatch.observe.report import build_report
from docbatch.observe.report_html import render_html
from tests.api.cdp import Browser, find_chromium
from tests.api.conftest import TOKEN
from tests.api.support import ROOT, copy_samples, process_inline
from tests.conftest import in_ci
from tests.integration.engine_support import engine_settings, running_workers, wait_finished

pytestmark = [pytest.mark.integration, pytest.mark.slow]


@pytest.fixture
def chromium() -> str:
    binary = find_chromium()
    if binary is None:
        if in_ci():
            pytest.fail("chromium is not installed (CI=true: the browser test must run)")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    return binary


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(params=[True])
def server(client: Docbatch, request: pytest.FixtureRequest) -> Iterator[str]:
    """The API with its dashboard on a free loopback port, token required unless the
    test asks for loopback mode (``indirect`` parameter False)."""
    port = _free_port()
    app = create_app(client.settings, require_token=request.param, client=client,
                     sample_seconds=1)  # fmt: skip
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
    instance = uvicorn.Server(config)
    thread = threading.Thread(target=instance.run, daemon=True)
    thread.start()
    while not instance.started:
        assert thread.is_alive(), "the API server did not start"
        threading.Event().wait(0.05)
    yield f"http://127.0.0.1:{port}"
    instance.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def browser(chromium: str, tmp_path: Path) -> Iterator[Browser]:
    instance = Browser(chromium, tmp_path / "profile")
    yield instance
    instance.close()


def _click(browser: Browser, selector: str) -> None:
    browser.js(f"document.querySelector({json.dumps(selector)}).click()")


def test_dashboard_submits_watches_opens_and_recovers(
    client: Docbatch, docs_root: Path, server: str, browser: Browser, tmp_path: Path
) -> None:
    folder = copy_samples(docs_root / "browser")
    client.settings = engine_settings(client.settings)
    with running_workers(client.settings, concurrency=1):
        browser.goto(server + "/")
        browser.wait("!document.getElementById('token-view').hidden")  # 401: asks for the token
        browser.js(f"document.getElementById('token').value = {json.dumps(TOKEN)};"
                   "document.getElementById('token-form').requestSubmit()")  # fmt: skip
        browser.wait("!document.getElementById('list-view').hidden")

        browser.js(f"document.getElementById('paths').value = {json.dumps(str(folder))}")
        _click(browser, "#submit")
        batch_id = browser.wait("location.hash.startsWith('#/batch/') && location.hash.slice(8)")
        browser.wait("document.getElementById('batch-summary').dataset.percent === '100'", 180)
        browser.wait("document.querySelectorAll('#documents tbody tr').length === 5")
        assert wait_finished(client, batch_id).failed == 1
        summary = browser.js("document.getElementById('batch-summary').textContent")
        assert "4 completed" in summary and "1 failed" in summary
        # A completed document's stage is its last stage, never the one it stopped at.
        # (The table is redrawn on its own poll: wait for the redraw after the end.)
        browser.wait(
            "document.querySelectorAll('#documents tr[data-state=completed]').length === 4"
        )
        stages = browser.js(
            "[...document.querySelectorAll('#documents tr[data-state=completed]')]"
            ".map(row => row.children[2].textContent)"
        )
        assert stages == ["relate"] * 4
        shot, document_shot = tmp_path / "dashboard.png", tmp_path / "dashboard-document.png"
        time.sleep(0.6)  # let the progress bar's width transition end
        browser.screenshot(shot)

        _click(browser, "#documents tr[data-state=completed]:last-child")
        browser.wait("document.querySelectorAll('#pages mark[data-type]').length > 0")
        browser.screenshot(document_shot)
        browser.js("history.back()")
        browser.wait("!!document.querySelector('#documents tr[data-state=failed]')")
        _click(browser, "#documents tr[data-state=failed]")
        error = browser.wait("document.getElementById('doc-error').textContent")
        assert "failed in extract" in error and "data/" in error
        _click(browser, "#doc-back")
        browser.wait("!document.getElementById('recover').disabled")
        _click(browser, "#recover")
        recovery_id = browser.wait(
            f"location.hash.startsWith('#/batch/') && location.hash.slice(8) !== '{batch_id}'"
            " && location.hash.slice(8)"
        )
        recovery = wait_finished(client, recovery_id)
        # The batch list names the recovery by number, source and size.
        browser.goto(server + "/#/")
        names = browser.wait(
            "[...document.querySelectorAll('#batches tbody tr')].length >= 2 &&"
            "[...document.querySelectorAll('#batches tbody tr')]"
            ".map(row => row.children[0].textContent)"
        )
        assert f"recovery #1 of {batch_id[:8]}: 1 document" in names

    assert (recovery.parent_batch_id, recovery.priority.value, recovery.total) == (
        batch_id, "high", 1
    )  # fmt: skip
    _check_report_in_browser(client, batch_id, browser, tmp_path)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    if os.environ.get("DOCBATCH_TEST_WRITE_SCREENSHOT") == "1":
        (ROOT / "docs").mkdir(exist_ok=True)
        (ROOT / "docs" / "dashboard.png").write_bytes(shot.read_bytes())
        (ROOT / "docs" / "dashboard-document.png").write_bytes(document_shot.read_bytes())


def _check_report_in_browser(
    client: Docbatch, batch_id: str, browser: Browser, tmp_path: Path
) -> None:
    """The HTML report as a browser draws it: each chart holds its own legend, the
    latency chart one entry per bar (p50, p95, max), and axis labels in plain units."""
    page = tmp_path / "report.html"
    page.write_text(render_html(build_report(client.repo, batch_id)), encoding="utf-8")
    browser.goto(page.as_uri())
    charts = browser.wait(
        "document.querySelectorAll('figure svg').length === 2 &&"
        "[...document.querySelectorAll('figure svg')].map(svg => ({"
        " label: svg.getAttribute('aria-label'),"
        " legend: [...svg.querySelectorAll('g.legend text')].map(t => t.textContent),"
        " ticks: [...svg.querySelectorAll('text')].map(t => t.textContent),"
        " visible: [...svg.querySelectorAll('g.legend')].every(g => {"
        "   const box = g.getBBox();"
        "   return box.x >= 0 && box.x + box.width <= svg.width.baseVal.value;"
        " })}))"
    )
    legends = {chart["label"]: chart["legend"] for chart in charts}
    assert sorted(legends.values()) == [["completed", "failed"], ["p50", "p95", "max"]]
    assert all(chart["visible"] for chart in charts)
    assert not any("e+" in tick for chart in charts for tick in chart["ticks"])


@pytest.mark.parametrize("server", [False], indirect=True)
def test_dashboard_without_token_changes_state_through_its_csrf_cookie(
    client: Docbatch, docs_root: Path, server: str, browser: Browser
) -> None:
    """Loopback mode: no Authorization header, so the cancel POST passes the CSRF check
    only with the token the page's cookie carries."""
    batch = client.create(Sources.from_args([copy_samples(docs_root / "csrf", ("memo.txt",))]))
    browser.goto(f"{server}/#/batch/{batch.id}")
    browser.wait("!document.getElementById('batch-view').hidden && "
                 "!document.getElementById('cancel').disabled")  # fmt: skip
    _click(browser, "#cancel")
    browser.wait("document.getElementById('action-status').textContent === 'cancelled'")

    assert client.get_batch(batch.id).state.value == "cancelled"


@pytest.mark.parametrize("server", [False], indirect=True)
def test_dashboard_searches_opens_the_hit_and_looks_up_an_entity(
    client: Docbatch, docs_root: Path, server: str, browser: Browser, tmp_path: Path
) -> None:
    """The search box lists ranked pages with their hits marked; a hit opens its document
    with the search terms highlighted; the entity button shows where a party appears."""
    folder = docs_root / "search"
    folder.mkdir()
    (folder / "order.txt").write_text(
        "Plaintiff Margaret Holloway opposes. The motion to dismiss is denied.", encoding="utf-8"
    )
    (folder / "memo.txt").write_text("A memo about nothing in particular.", encoding="utf-8")
    batch = client.create(Sources.from_args([folder]))
    process_inline(client, batch.id)
    browser.goto(server + "/")
    browser.wait("!document.getElementById('list-view').hidden")
    browser.js("document.getElementById('search-q').value = 'dismiss';"
               "document.getElementById('search-form').requestSubmit()")  # fmt: skip
    browser.wait("document.querySelectorAll('#hits .hit-row').length === 1")
    assert browser.js("document.querySelector('#hits mark.hit').textContent") == "dismiss"
    assert "order.txt" in browser.js("document.querySelector('#hits a').textContent")
    _click(browser, "#hits a")
    browser.wait("!document.getElementById('document-view').hidden && "
                 "document.querySelectorAll('#pages mark.hit').length === 1")  # fmt: skip
    browser.screenshot(tmp_path / "search.png")
    browser.js("document.getElementById('search-q').value = 'Margaret Holloway';"
               "document.getElementById('entity-lookup').click()")  # fmt: skip
    browser.wait("document.querySelectorAll('#entities section.entity').length > 0")
    title = browser.js("document.querySelector('#entities h3').textContent")
    assert title.startswith("Margaret Holloway (person")
    cells = browser.js("[...document.querySelectorAll('#entities td')].map(c => c.textContent)")
    assert "plaintiff" in cells
