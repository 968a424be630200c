"""``docbatch search``, ``entity`` and ``cites`` on a finished inline run (SQLite)."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from docbatch.cli.main import app
from docbatch.cli.search_commands import highlighted, plain
from docbatch.errors import NotFoundError
from docbatch.search_query import QueryError
from docbatch.store.search import HIT_END, HIT_START

runner = CliRunner()
DOCBATCH = Path(__file__).resolve().parents[2] / ".venv" / "bin" / "docbatch"

FILINGS = {
    "order.txt": (
        "Plaintiff Margaret Holloway opposes. The motion to dismiss is denied. "
        "See Bell Atlantic Corp. v. Twombly, 550 U.S. 544, 570 (2007)."
    ),
    "brief.txt": (
        "The summary judgment standard. Bell Atlantic Corp. v. Twombly, 550 U.S. 544 (2007)."
    ),
}


@pytest.fixture(scope="module")
def state(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("search-cli")
    folder = root / "filings"
    folder.mkdir()
    for name, text in FILINGS.items():
        (folder / name).write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["run", "--inline", str(folder)], env=_env(root))
    assert result.exit_code == 0, result.output
    return root


def _env(root: Path) -> dict[str, str]:
    return {"DOCBATCH_STATE_DIR": str(root / "state"), "DOCBATCH_SANDBOX": "false"}


def invoke(state: Path, *args: str) -> object:
    return runner.invoke(app, list(args), env=_env(state))


def test_search_prints_ranked_pages_with_highlights(state: Path):
    result = invoke(state, "search", "dismiss", "--json")
    assert result.exit_code == 0, result.output
    [hit] = json.loads(result.stdout)["hits"]
    assert Path(hit["path"]).name == "order.txt" and hit["page"] == 1
    assert "[dismiss]" in hit["snippet"]
    table = invoke(state, "search", '"summary judgment"')
    assert table.exit_code == 0 and "brief.txt" in table.stdout and "order.txt" not in table.stdout


def test_entity_shows_where_and_as_what(state: Path):
    result = invoke(state, "entity", "Margaret Holloway", "--json")
    assert result.exit_code == 0, result.output
    [first, *_] = json.loads(result.stdout)["entities"]
    assert first["name"] == "Margaret Holloway" and first["type"] == "person"
    assert "plaintiff" in {o["role"] for o in first["occurrences"]}
    missing = invoke(state, "entity", "Nobody Atall")
    assert missing.exit_code == 1 and "no entity matches" in missing.stderr


def test_cites_lists_citing_documents_and_the_most_cited(state: Path):
    result = invoke(state, "cites", "550 U.S. 544", "--json")
    assert result.exit_code == 0, result.output
    citing = json.loads(result.stdout)["citations"]
    assert sorted({Path(c["path"]).name for c in citing}) == ["brief.txt", "order.txt"]
    top = json.loads(invoke(state, "cites", "--top", "3", "--json").stdout)["most_cited"]
    assert top[0]["documents"] == 2
    both = invoke(state, "cites", "550 U.S. 544", "--top", "3")
    assert both.exit_code == 2


def test_a_bad_query_and_a_missing_database_are_clear_errors(state: Path, tmp_path: Path):
    bad = invoke(state, "search", "AND")
    assert isinstance(bad.exception, QueryError) and "needs a term" in str(bad.exception)
    nothing = runner.invoke(app, ["search", "x"], env={"DOCBATCH_STATE_DIR": str(tmp_path)})
    assert nothing.exception is not None and "nothing there" in str(nothing.exception)
    unknown = invoke(state, "search", "dismiss", "--project", "no-such-project")
    assert isinstance(unknown.exception, NotFoundError)
    script = subprocess.run(
        [str(DOCBATCH), "search", "motion OR"], env={**os.environ, **_env(state)},
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert script.returncode != 0 and "ends with OR" in script.stderr


def test_snippets_escape_terminal_controls():
    snippet = f"a {HIT_START}hit{HIT_END} \x1b[2J[bold]x[/]"
    text = highlighted(snippet)
    assert "\x1b" not in text.plain and "[bold]" in text.plain
    assert [span.style for span in text.spans] == ["bold yellow"]
    assert plain(snippet).startswith("a [hit]")
