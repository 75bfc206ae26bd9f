"""A copy of the repository's sources with its installs linked: builds measured or compared there
(the bench, tests/test_site.py) start from caches of their own and leave the developer's alone."""

from __future__ import annotations

import shutil
from pathlib import Path

from dev_tools.site_stamp import source_paths

REPO = Path(__file__).resolve().parent.parent


def copy_sources(folder: Path) -> Path:
    """Every source file (what `make build`'s stamp covers: no outputs, caches or installs), as it
    is in the work tree, copied into `folder`; .venv/ and node_modules/ linked, not copied. Needs
    no git: the bench runs the tests in a copy that is not a checkout. Returns `folder`."""
    for name in source_paths(REPO):
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / name, target)
    for installed in [".venv", "node_modules"]:
        (folder / installed).symlink_to(REPO / installed)
    return folder
