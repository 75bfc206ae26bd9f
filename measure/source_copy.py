"""A copy of the repository's sources with its installs linked: builds measured or compared there
(the bench, tests/test_site.py) start from caches of their own and leave the developer's alone."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def copy_sources(folder: Path) -> Path:
    """The tracked files and the new ones git does not ignore, as they are in the work tree, copied
    into `folder`; .venv/ and node_modules/ linked, not copied. Returns `folder`."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO,
        capture_output=True,
        check=True,
    ).stdout
    for name in filter(None, listed.split(b"\0")):
        source = REPO / os.fsdecode(name)
        if source.is_file():  # a tracked file deleted in the work tree is left out
            target = folder / os.fsdecode(name)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    for installed in [".venv", "node_modules"]:
        (folder / installed).symlink_to(REPO / installed)
    return folder
