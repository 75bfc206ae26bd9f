"""`make test` from a fresh clone, or the record of the run just before the bench."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

from dev_tools import suite_record
from dev_tools.bench.common import MAKE, REPO, clear_caches, environment


def make_test(copy: Path, rerun: bool) -> dict:
    """`make test` after set-up with nothing cached, so each lesson executes once. The run that came
    just before the bench, if it was that (dev_tools/suite_record.py: a full run that started cold, on
    exactly these sources and installs), is reported as it was measured; otherwise, or with
    --rerun-test, `make test` runs here, in the copy. A failing test is reported with the time, not
    raised: the bench measures, the suite judges."""
    record = None if rerun else suite_record.read_matching(REPO)
    if record is not None:
        return {
            **{field: record[field] for field in ["summary", "exit_code", "failed", "failures"]},
            "seconds": [record["seconds"]],
            "measured": f"the make test run that finished {record['finished']}",
        }
    clear_caches(copy)
    started = time.perf_counter()
    result = subprocess.run(MAKE + ["test"], cwd=copy, capture_output=True, text=True, env=environment())
    took = time.perf_counter() - started
    lines = result.stdout.splitlines()
    summary = [line for line in lines if line.startswith("lessons:")]
    summary += [line.strip("= ") for line in lines[-1:] if " in " in line]
    failing = [line for line in lines if line.startswith(("FAILED", "ERROR"))]
    failed = [line.split(" - ")[0] for line in failing]
    # pytest's one-line reason for each, kept in the JSON: a failure seen only in the bench's copy
    # must be readable after the copy is gone.
    return {
        "seconds": [took],
        "summary": summary,
        "exit_code": result.returncode,
        "failed": failed,
        "failures": failing,
        "measured": "by the bench, in its copy",
    }
