"""The schedule contract, the console's side: the Schedules page's next fire times (console/expressions.py) are the
times of the shared corpus (tests/src/test/resources/contract/schedule-fire-times.json in the repository), which the
Java side (tests/…/ScheduleFireTimesContractIT) holds the local scheduler's evaluator to. What the admin says will
fire is what fires."""
import json
from datetime import datetime
from pathlib import Path

import pytest

from outrigger_django.console import expressions

CORPUS = (Path(__file__).resolve().parents[3] / "tests" / "src" / "test" / "resources" / "contract"
          / "schedule-fire-times.json")

pytestmark = pytest.mark.skipif(not CORPUS.exists(), reason="not running inside the Outrigger repository")

CASES = json.loads(CORPUS.read_text("utf-8"))["cases"] if CORPUS.exists() else []


def _instant(text):
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


@pytest.mark.parametrize("case", CASES, ids=[f"{c['expression']} {c['timezone']}" for c in CASES])
def test_the_console_shows_the_contracts_fire_times(case):
    start = _instant(case["start"]) if "start" in case else None
    end = _instant(case["end"]) if "end" in case else None
    fires = expressions.next_fires(case["expression"], case["timezone"], after=_instant(case["after"]), count=3,
                                   start=start, end=end)

    assert [f.astimezone(_instant(case["after"]).tzinfo) for f in fires] == [_instant(t) for t in case["next"]]
    assert all(f.utcoffset() is not None for f in fires)
