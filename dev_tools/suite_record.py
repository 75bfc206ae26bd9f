"""What the last full run of the suite (`make test`) took, kept for the bench.

`make bench` is run right after `make test` (CI's order, and the issue's). Running the whole suite a
second time only to time it would double the bench's longest step; instead, a full run (pytest with
no arguments, nothing selected, no SHAPE_MATTERS_* variable) writes .cache/make-test.json at its end:
how long its session took, its outcome, whether it started with nothing cached, and a fingerprint of
the sources and installs it ran on. The bench reads the record only if the fingerprint is the
work tree's as it is now and the run started cold; otherwise it runs `make test` itself.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from dev_tools.site_stamp import source_paths

REPO = Path(__file__).resolve().parent.parent
RECORD = Path(".cache") / "make-test.json"
# Installs the suite runs on: their stamps change whenever make installs again.
INSTALL_STAMPS = [".venv/.installed", "node_modules/.installed"]


def fingerprint(root: Path = REPO) -> str:
    """Every source file's path and bytes, and the install stamps' times."""
    digest = hashlib.sha256()
    for name in source_paths(root):
        digest.update(name.encode() + b"\0" + (root / name).read_bytes() + b"\0")
    for stamp in INSTALL_STAMPS:
        path = root / stamp
        digest.update(f"{stamp} {path.stat().st_mtime_ns if path.exists() else None}\n".encode())
    return digest.hexdigest()


def is_full_run(arguments: tuple[str, ...]) -> bool:
    """pytest as `make test` runs it: no arguments, nothing added through the environment."""
    return (
        not arguments
        and not os.environ.get("PYTEST_ADDOPTS")
        and not any(name.startswith("SHAPE_MATTERS_") for name in os.environ)
    )


def starts_cold(root: Path = REPO) -> bool:
    """Nothing cached: no executed lesson, no built site (a fresh clone, or after `make clean`)."""
    lessons = root / ".cache" / "lessons"
    return not (root / "site").exists() and not (lessons.exists() and any(lessons.iterdir()))


def write(root: Path, record: dict) -> None:
    path = root / RECORD
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(record, indent=2) + "\n")


def read_matching(root: Path = REPO) -> dict | None:
    """The record of a cold, full run on exactly this work tree, or None."""
    try:
        record = json.loads((root / RECORD).read_text())
    except (OSError, ValueError):
        return None
    if not record.get("cold") or record.get("fingerprint") != fingerprint(root):
        return None
    return record
