"""`make build`: `mkdocs build --strict`, unless site/ is already the build of exactly these sources.

A build with nothing changed then costs what make's own "nothing to be done" costs, as a second
`make` of any other target does. "Nothing changed" is checked, not assumed. The stamp
(.cache/site-build.json), written after a build that succeeded, holds two signatures:

- the sources: the path, size and modification time of every file in the repository that is not
  an output (site/, .cache/, .venv/, node_modules/, ...), taken before the build started, plus the
  packages installed in the venv and in node_modules (their folders change when a package is
  added, removed or upgraded), the Python running MkDocs, the build's arguments and the
  SHAPE_MATTERS_* variables;
- site/ as that build left it: every file's path, size and modification time.

Any difference builds again: an edited, touched, added or removed source, an install, a file of
site/ changed or deleted by hand. A failed build leaves no stamp. `make build FORCE=1` builds
whatever the stamp says. Only the standard library is imported here, so the check itself is
quick.

    python dev_tools/site_stamp.py [--force] [mkdocs build arguments...]
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import sysconfig
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
STAMP = Path(".cache") / "site-build.json"
SITE = Path("site")
# What builds, tests and installs write, at the top of the repository: not sources.
OUTPUT_FOLDERS = {".git", ".venv", "node_modules", "site", ".cache", "test-artifacts", "dev_tools/bench/results"}
# ... and anywhere in it.
OUTPUT_NAMES = {"__pycache__", ".pytest_cache", ".ruff_cache", ".ipynb_checkpoints"}
# Installed packages the build reads (MkDocs, its plugins, reveal.js): these folders' times change
# when a package in them is added, removed or upgraded; the stamps change when make installs.
INSTALLED = [".venv/.installed", "node_modules", "node_modules/.installed"]


def _files(root: Path, folder: Path, skip_outputs: bool) -> Iterator[tuple[str, int, int]]:
    """(path relative to root, size, modification time in ns) of every file under folder."""
    with os.scandir(folder) as entries:
        for entry in sorted(entries, key=lambda entry: entry.name):
            path = Path(entry.path)
            relative = path.relative_to(root).as_posix()
            if skip_outputs and (entry.name in OUTPUT_NAMES or relative in OUTPUT_FOLDERS):
                continue
            if entry.is_dir(follow_symlinks=False):
                yield from _files(root, path, skip_outputs)
            else:
                status = entry.stat()
                yield relative, status.st_size, status.st_mtime_ns


def source_paths(root: Path) -> list[str]:
    """Every source file under root (what the stamp covers), relative to it, in order."""
    return [relative for relative, _, _ in _files(root, root, True)]


def _digest(parts) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(repr(part).encode() + b"\n")
    return digest.hexdigest()


def sources_signature(root: Path, arguments: list[str]) -> str:
    installed = []
    for name in INSTALLED:
        path = root / name
        installed.append((name, path.stat().st_mtime_ns if path.exists() else None))
    site_packages = Path(sysconfig.get_paths()["purelib"])
    installed.append(("site-packages", site_packages.stat().st_mtime_ns if site_packages.exists() else None))
    variables = sorted((name, value) for name, value in os.environ.items() if name.startswith("SHAPE_MATTERS_"))
    return _digest([sys.version, sys.executable, arguments, variables, installed, *_files(root, root, True)])


def site_signature(root: Path) -> str | None:
    site = root / SITE
    return _digest(_files(site, site, False)) if site.is_dir() else None


def is_up_to_date(root: Path, sources: str) -> bool:
    try:
        stamp = json.loads((root / STAMP).read_text())
    except (OSError, ValueError):
        return False
    return stamp.get("sources") == sources and stamp.get("site") == site_signature(root)


def build(root: Path, command: list[str], arguments: list[str], force: bool = False) -> int:
    """Run command + arguments in root unless site/ is the build of these sources already.
    Returns the exit code (0 when there was nothing to do)."""
    sources = sources_signature(root, arguments)
    if not force and is_up_to_date(root, sources):
        print(
            "site/ is up to date: no source, install or file of site/ changed since it was built "
            "(make build FORCE=1 builds it anyway)."
        )
        return 0
    (root / STAMP).unlink(missing_ok=True)  # a build that fails, or is stopped, leaves none
    code = subprocess.run([*command, *arguments], cwd=root).returncode
    if code == 0:
        (root / STAMP).parent.mkdir(parents=True, exist_ok=True)
        (root / STAMP).write_text(json.dumps({"sources": sources, "site": site_signature(root)}) + "\n")
    return code


def main() -> None:
    arguments = sys.argv[1:]
    force = "--force" in arguments
    arguments = [argument for argument in arguments if argument != "--force"]
    sys.exit(build(REPO, [sys.executable, "-m", "mkdocs", "build"], arguments, force))


if __name__ == "__main__":
    main()
