"""``docbatch run --inline`` parses in the sandbox, as SECURITY.md says it does.

SECURITY.md used to say that ``--inline`` skips the sandbox; it starts one. These tests
pin the documented behaviour: the text layer is read through a sandbox child unless
``DOCBATCH_SANDBOX=false``.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from docbatch.cli.main import app
from docbatch.engine.sandbox import Sandbox
from docbatch.settings import Settings

MEMO = Path(__file__).resolve().parents[2] / "samples" / "memo.txt"


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The operations sent to sandbox children in this process."""
    seen: list[str] = []
    original = Sandbox.call

    def spy(self: Sandbox, operation: str, params: Any, data: bytes) -> Any:
        seen.append(operation)
        return original(self, operation, params, data)

    monkeypatch.setattr(Sandbox, "call", spy)
    return seen


@pytest.mark.parametrize(("sandbox", "expected"), [("true", ["text_layer"]), ("false", [])])
def test_inline_runs_parse_in_the_sandbox_unless_it_is_off(
    settings: Settings, tmp_path: Path, calls: list[str], sandbox: str, expected: list[str]
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(MEMO, folder / "memo.txt")
    env = {"DOCBATCH_STATE_DIR": str(settings.state_dir), "DOCBATCH_SANDBOX": sandbox}

    result = CliRunner().invoke(app, ["run", "--inline", "--json", str(folder)], env=env)

    assert result.exit_code == 0, result.output
    assert calls == expected
