"""`make build` skips the build only when site/ is the build of exactly the sources it has
(dev_tools/site_stamp.py). Each test builds a small tree with a real process standing in for
MkDocs: it writes site/ and counts its runs in .cache/, an output folder."""

import os
import subprocess
import sys
import time

import pytest

from dev_tools import site_stamp

WRITE_SITE = (
    "import pathlib, sys\n"
    "site = pathlib.Path('site'); site.mkdir(exist_ok=True)\n"
    "(site / 'index.html').write_text(pathlib.Path('docs/index.md').read_text())\n"
    "log = pathlib.Path('.cache/builds.log'); log.parent.mkdir(exist_ok=True)\n"
    "log.write_text(log.read_text() + 'built\\n' if log.exists() else 'built\\n')\n"
    "sys.exit(int(pathlib.Path('docs/index.md').read_text() == 'broken'))\n"
)
BUILD = [sys.executable, "-c", WRITE_SITE]


@pytest.fixture
def repo(tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text("# Home")
    (tmp_path / "mkdocs.yml").write_text("site_name: t")
    return tmp_path


def builds(repo) -> int:
    log = repo / ".cache" / "builds.log"
    return len(log.read_text().splitlines()) if log.exists() else 0


def build(repo, arguments=("--strict",), force=False) -> int:
    return site_stamp.build(repo, BUILD, list(arguments), force)


def later(path):
    """Move the file's modification time on, as an edit a moment later would."""
    status = path.stat()
    os.utime(path, ns=(status.st_atime_ns, status.st_mtime_ns + 1_000_000_000))


def test_a_second_build_with_nothing_changed_does_nothing(repo, capsys):
    assert build(repo) == 0 and builds(repo) == 1
    assert build(repo) == 0 and builds(repo) == 1
    assert "site/ is up to date" in capsys.readouterr().out


@pytest.mark.parametrize(
    "change",
    [
        lambda repo: (repo / "docs" / "index.md").write_text("# Home, edited"),
        lambda repo: later(repo / "mkdocs.yml"),  # touched: built again, as make would
        lambda repo: (repo / "docs" / "new.md").write_text("# New"),
        lambda repo: (repo / "mkdocs.yml").unlink(),
        lambda repo: (repo / "site" / "index.html").write_text("edited by hand"),
        lambda repo: (repo / "site" / "index.html").unlink(),
        lambda repo: (repo / "site" / "stray.html").write_text("left over"),
        lambda repo: (repo / ".cache" / "site-build.json").unlink(),
    ],
    ids=[
        "source edited",
        "source touched",
        "source added",
        "source removed",
        "site file edited",
        "site file deleted",
        "site file added",
        "stamp deleted",
    ],
)
def test_any_change_to_the_sources_or_the_site_builds_again(repo, change):
    build(repo)
    change(repo)
    build(repo)
    assert builds(repo) == 2


def test_outputs_and_caches_are_not_sources(repo):
    build(repo)
    for output in [".cache/lessons/x.json", "__pycache__/x.pyc", "docs/__pycache__/y.pyc", "test-artifacts/shot.png"]:
        (repo / output).parent.mkdir(parents=True, exist_ok=True)
        (repo / output).write_text("written by a test or a build")
    build(repo)
    assert builds(repo) == 1


def test_an_install_builds_again(repo):
    build(repo)
    (repo / "node_modules").mkdir()  # npm ci made node_modules
    build(repo)
    assert builds(repo) == 2
    time.sleep(0.01)
    (repo / "node_modules" / "reveal.js").mkdir()  # a package added to it
    build(repo)
    assert builds(repo) == 3


def test_other_arguments_or_variables_build_again(repo, monkeypatch):
    build(repo)
    build(repo, arguments=["--strict", "--verbose"])
    assert builds(repo) == 2
    monkeypatch.setenv("SHAPE_MATTERS_STAMP_TEST", str(os.getpid()))
    build(repo, arguments=["--strict", "--verbose"])
    assert builds(repo) == 3


def test_force_builds_anyway(repo):
    build(repo)
    build(repo, force=True)
    assert builds(repo) == 2


def test_a_failed_build_leaves_no_stamp_and_its_exit_code(repo):
    build(repo)
    (repo / "docs" / "index.md").write_text("broken")
    assert build(repo) == 1
    assert not (repo / ".cache" / "site-build.json").exists()
    assert build(repo) == 1 and builds(repo) == 3  # tried again, not taken as up to date


def test_the_script_needs_only_the_standard_library(tmp_path):
    """The check runs before every `make build`: it must not import MkDocs, nbformat, torch..."""
    script = (
        "import runpy, sys; sys.argv = ['site_stamp', '--help-never-given']\n"
        f"module = runpy.run_path({str(site_stamp.__file__)!r}, run_name='not_main')\n"
        "heavy = sorted({'mkdocs', 'nbformat', 'torch', 'bs4', 'lesson_runner'} & set(sys.modules))\n"
        "print(heavy)"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
