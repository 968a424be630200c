"""One mapping from a step's outcome to the document's next step, for workers and
``--inline`` alike (``docbatch.engine.outcomes.next_step``)."""

from __future__ import annotations

import pytest

from docbatch.engine.outcomes import NextStep, StepOutcome, StepStatus, next_step
from docbatch.models import Stage


@pytest.mark.parametrize(
    ("outcome", "ocr", "expected"),
    [
        (StepOutcome("d", StepStatus.ADVANCED, next_stage=Stage.CHUNK), False,
         NextStep(Stage.CHUNK)),
        # The OCR step's success moves on to the next stage as a plain step.
        (StepOutcome("d", StepStatus.ADVANCED, next_stage=Stage.CHUNK), True,
         NextStep(Stage.CHUNK)),
        (StepOutcome("d", StepStatus.NEEDS_OCR, next_stage=Stage.EXTRACT), False,
         NextStep(Stage.EXTRACT, ocr=True)),
        # A retry runs the same step again, alone, after its delay (0 included).
        (StepOutcome("d", StepStatus.RETRY, next_stage=Stage.EXTRACT, retry_in=2.0), True,
         NextStep(Stage.EXTRACT, ocr=True, delay=2.0)),
        (StepOutcome("d", StepStatus.RETRY, next_stage=Stage.ENTITIES), False,
         NextStep(Stage.ENTITIES, delay=0.0)),
        (StepOutcome("d", StepStatus.SCHEDULED, next_stage=Stage.RESOLVE, retry_in=60.0), False,
         NextStep(Stage.RESOLVE, delay=60.0, parked=True)),
        (StepOutcome("d", StepStatus.COMPLETED), False, NextStep(None)),
        (StepOutcome("d", StepStatus.FAILED, reason="corrupt"), True, NextStep(None)),
        (StepOutcome("d", StepStatus.SKIPPED), False, NextStep(None)),
    ],
)  # fmt: skip
def test_next_step(outcome: StepOutcome, ocr: bool, expected: NextStep) -> None:
    assert next_step(outcome, ocr=ocr) == expected


def test_the_step_name_on_the_broker() -> None:
    assert NextStep(Stage.EXTRACT, ocr=True).name == "ocr"
    assert NextStep(Stage.CHUNK).name == "chunk"
    assert StepStatus.COMPLETED == "completed"  # stored and shown as plain strings
