"""The peer: Jupyter Book v1 building the same notebooks, from its own venv (peer-requirements.txt)."""

from __future__ import annotations

import importlib.metadata
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import yaml
from packaging.requirements import Requirement

from dev_tools.bench.common import REPO, timed

PEER_VENV = REPO / ".cache" / "bench-venvs" / "jupyter-book"
PEER = "jupyter-book==1.0.4.post1"  # the last v1 release; v2 is a different program (MyST, Node)
PEER_LOCK = Path(__file__).resolve().parent / "peer-requirements.txt"


def peer_pins() -> list[str]:
    """Jupyter Book v1 and everything it runs the lessons with, each `name==version` (bench/peer-requirements.txt)."""
    return [line.strip() for line in PEER_LOCK.read_text().splitlines() if line.strip() and not line.startswith("#")]


def _same_distribution_here(pin: str):
    """The distribution this venv (the project's) has installed at exactly the pinned version, if any."""
    requirement = Requirement(pin)
    try:
        installed = importlib.metadata.distribution(requirement.name)
    except importlib.metadata.PackageNotFoundError:
        return None
    return installed if requirement.specifier.contains(installed.version, prereleases=True) else None


def _link_distribution(installed, venv: Path) -> None:
    """The installed distribution's files (its RECORD: modules, compiled bytecode, metadata, data
    such as a kernel spec), hard linked into another venv of the same Python at the same place: the
    files pip would unpack there from the same wheel. Not its scripts: they name this venv's Python."""
    prefix = Path(sys.prefix).resolve()
    for file in installed.files or []:
        source = Path(installed.locate_file(file)).resolve()
        if not source.is_file() or not source.is_relative_to(prefix):
            continue
        place = source.relative_to(prefix)
        if place.parts[0] == "bin":
            continue
        target = venv / place
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(source, target)
        except OSError:  # another file system
            shutil.copy2(source, target)


def ensure_peer_venv() -> Path:
    """The peer's venv, made once from bench/peer-requirements.txt and kept between runs. A
    distribution the project's venv has at the same version (torch, numpy, scipy: most of the bytes)
    is hard linked from there, as uv links from its cache; pip installs the rest, without resolving
    (the file is the whole closure), and `pip check` proves the result is consistent."""
    pins = peer_pins()
    wanted = "\n".join(pins)
    stamp = PEER_VENV / ".bench-installed"
    if stamp.exists() and stamp.read_text() == wanted:
        return PEER_VENV
    shutil.rmtree(PEER_VENV, ignore_errors=True)
    print(f"bench: installing {PEER} and what it needs into {PEER_VENV} (once)", flush=True)
    started = time.perf_counter()
    subprocess.run([sys._base_executable, "-m", "venv", "--without-pip", str(PEER_VENV)], check=True)
    here = {pin: _same_distribution_here(pin) for pin in pins}
    linked = [pin for pin in pins if here[pin]]
    for pin in linked:
        _link_distribution(here[pin], PEER_VENV)
    rest = [pin for pin in pins if not here[pin]]
    pip = [sys.executable, "-m", "pip", "--python", str(PEER_VENV / "bin" / "python")]
    installed = subprocess.run(
        pip + ["install", "--quiet", "--disable-pip-version-check", "--no-deps", *rest],
        capture_output=True,
        text=True,
    )
    if installed.returncode != 0:
        raise SystemExit(f"bench: could not install {PEER}:\n{installed.stderr[-3000:]}")
    checked = subprocess.run(pip + ["check"], capture_output=True, text=True)
    if checked.returncode != 0:
        raise SystemExit(f"bench: {PEER_LOCK.name} does not hold together (pip check):\n{checked.stdout}")
    print(
        f"bench: {len(linked)} distributions linked from the project's venv, {len(rest)} installed by pip, "
        f"in {time.perf_counter() - started:.0f} s",
        flush=True,
    )
    stamp.write_text(wanted)
    return PEER_VENV


def peer_builds(copy: Path, runs: int) -> dict:
    venv = ensure_peer_venv()
    book = copy.parent / "jupyter-book"
    (book / "lessons").mkdir(parents=True)
    lessons = sorted((copy / "lessons").glob("[0-9][0-9]-*.ipynb"))
    for lesson in lessons:
        shutil.copy2(lesson, book / "lessons" / lesson.name)
    (book / "intro.md").write_text("# Shape Matters\n\nThe same lessons, built by Jupyter Book v1.\n")
    (book / "_config.yml").write_text(
        yaml.safe_dump(
            {
                "title": "Shape Matters (Jupyter Book v1)",
                "only_build_toc_files": True,
                # Every build executes every notebook, as the cold build does; errors on purpose are
                # tagged raises-exception, which myst-nb honours.
                "execute": {"execute_notebooks": "force", "timeout": 120, "allow_errors": False},
            }
        )
    )
    (book / "_toc.yml").write_text(
        yaml.safe_dump(
            {
                "format": "jb-book",
                "root": "intro",
                "chapters": [{"file": f"lessons/{lesson.stem}"} for lesson in lessons],
            }
        )
    )
    seconds = []
    for _ in range(runs):
        shutil.rmtree(book / "_build", ignore_errors=True)
        took, result = timed([str(venv / "bin" / "jupyter-book"), "build", str(book)], book)
        if "Execution Failed" in result.stdout + result.stderr:
            raise SystemExit(f"bench: Jupyter Book failed to execute a lesson:\n{result.stdout[-3000:]}")
        seconds.append(took)
    return {"seconds": seconds, "version": PEER, "notebooks": len(lessons)}
