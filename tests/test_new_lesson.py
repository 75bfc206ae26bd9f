"""`make new-lesson SLUG=NN-slug TITLE="..."`: a lesson made from the template builds, strictly,
with nothing else touched; a bad request is refused with a sentence.

The real run happens in a copy of the sources (dev_tools/source_copy.py) with the developer's caches
copied in, so the build there executes the new lesson only and renders from warm caches.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import lesson_runner
from authoring import new_lesson
from dev_tools.site_stamp import source_paths
from dev_tools.source_copy import copy_sources

REPO = Path(__file__).resolve().parent.parent
# What the build caches by content (never by path): a copy that has them builds warm.
CACHES = ["lessons", "docs-blocks", "mkdocs-jupyter", "pages", "slides", "notebook-css"]
# The generic checks of one lesson, wherever they are (a file that is not there is left out).
ONE_LESSON_CHECKS = [
    "tests/test_lessons.py",
    "tests/test_lessons_beyond.py",
    "tests/test_lint.py",
    "tests/test_summary_device.py",
    "tests/test_lesson_timing.py",
]


def _tree(root: Path) -> dict[str, str]:
    return {name: hashlib.sha256((root / name).read_bytes()).hexdigest() for name in source_paths(root)}


def _run(command: list[str], cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    env.pop("SHAPE_MATTERS_SITE_DIR", None)
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, env=env)


def test_make_new_lesson_then_the_strict_build(tmp_path):
    copy = copy_sources(tmp_path / "repo")
    for cache in CACHES:
        if (REPO / ".cache" / cache).is_dir():
            shutil.copytree(REPO / ".cache" / cache, copy / ".cache" / cache)
    number = max(int(path.name[:2]) for path in lesson_runner.lesson_paths()) + 1
    slug = f"{number:02d}-example"
    before = _tree(copy)

    # The venv is the one running this test (linked into the copy): make is not to install it again.
    made = _run(["make", "--old-file=.venv/.installed", "new-lesson", f"SLUG={slug}", "TITLE=Example"], copy)
    assert made.returncode == 0, made.stdout + made.stderr
    after = _tree(copy)
    touched = sorted(name for name in before.keys() | after.keys() if before.get(name) != after.get(name))
    assert touched == [f"lessons/{slug}.ipynb", "mkdocs.yml"], (
        "make new-lesson touched more than the lesson and the nav"
    )

    linted = _run([sys.executable, "-m", "lesson_runner.lint"], copy)
    assert linted.returncode == 0, linted.stdout + linted.stderr

    built = _run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(copy / "site")], copy)
    assert built.returncode == 0, f"mkdocs build --strict failed with the new lesson:\n{built.stdout}\n{built.stderr}"
    site = copy / "site"
    for page in [f"lessons/{slug}/index.html", f"instructors/{slug}/index.html", f"slides/{slug}.html"]:
        assert (site / page).is_file(), f"the build made no {page}"
    assert f"{number}. Example" in (site / "lessons" / slug / "index.html").read_text()

    # The generic checks of one lesson, run on the new one in the copy (its executed copy is cached now).
    checks = [name for name in ONE_LESSON_CHECKS if (copy / name).is_file()]
    tested = _run([sys.executable, "-m", "pytest", *checks, "-k", slug, "-v", "-p", "no:cacheprovider"], copy)
    assert tested.returncode == 0, tested.stdout + tested.stderr
    for check in [
        "test_lesson_has_the_house_skeleton",
        "test_drawing_code_stays_off_the_slides",
        "test_committed_lesson_has_no_outputs",
        "test_lesson_stands_alone",
        "test_lesson_runs_as_it_promises",
        "test_pictures_stay_small",
        "test_lesson_keeps_every_convention",
    ]:
        assert f"{check}[{slug}.ipynb] PASSED" in tested.stdout, f"{check} did not pass on {slug}:\n{tested.stdout}"


# --- refusals, and the nav as text ------------------------------------------------------------


@pytest.fixture
def repo(tmp_path) -> Path:
    """A repository with two lessons and a nav, as far as new_lesson reads one."""
    (tmp_path / "lessons").mkdir()
    for name in ["01-first.ipynb", "03-third.ipynb"]:
        (tmp_path / "lessons" / name).write_text("{}")
    (tmp_path / "mkdocs.yml").write_text(NAV)
    return tmp_path


NAV = """site_name: A site
nav:
  - Home: index.md
  - Lessons:
      - 1. First: lessons/01-first.ipynb
      - 3. Third: lessons/03-third.ipynb
  # A comment that stays.
  - Instructor guide:
      - Overview and schedule: instructors/index.md
      - 1. First: instructors/01-first.md
      - 3. Third: instructors/03-third.md

theme:
  name: material
"""


@pytest.mark.parametrize(
    "slug, title, refusal",
    [
        (
            "2-second",
            "Second",
            "SLUG '2-second' is not NN-slug: two digits (the lesson's place in the order), a dash, and lowercase "
            "words joined by '-', e.g. 05-fix-it; make new-lesson SLUG=NN-slug TITLE=\"The lesson's title\"",
        ),
        (
            "02-Second",
            "Second",
            "SLUG '02-Second' is not NN-slug: two digits (the lesson's place in the order), a dash, and lowercase "
            "words joined by '-', e.g. 05-fix-it; make new-lesson SLUG=NN-slug TITLE=\"The lesson's title\"",
        ),
        ("", "Second", 'SLUG is missing: make new-lesson SLUG=NN-slug TITLE="The lesson\'s title"'),
        ("02-second", "", 'TITLE is missing: make new-lesson SLUG=NN-slug TITLE="The lesson\'s title"'),
        ("02-second", "  ", 'TITLE is missing: make new-lesson SLUG=NN-slug TITLE="The lesson\'s title"'),
        ("01-first", "First", "lessons/01-first.ipynb exists already: edit it, or choose another SLUG"),
        (
            "03-another",
            "Another",
            "lessons/03-third.ipynb has the number 03 already: each lesson has a number of its own; the next free "
            "one is 04",
        ),
    ],
)
def test_a_bad_request_is_refused_with_a_sentence(repo, slug, title, refusal):
    with pytest.raises(new_lesson.Refusal) as refused:
        new_lesson.create(slug, title, repo)
    assert str(refused.value) == refusal
    assert sorted(path.name for path in (repo / "lessons").iterdir()) == ["01-first.ipynb", "03-third.ipynb"]
    assert (repo / "mkdocs.yml").read_text() == NAV


def test_the_command_exits_1_with_the_sentence(capsys):
    assert new_lesson.main(["2-second", "Second"]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith("new-lesson: SLUG '2-second' is not NN-slug: ")


def test_the_lesson_goes_into_both_navs_in_number_order(repo):
    new_lesson.create("02-second", "Second: the middle", repo)
    assert (repo / "mkdocs.yml").read_text() == NAV.replace(
        "      - 3. Third: lessons/03-third.ipynb",
        '      - "2. Second: the middle": lessons/02-second.ipynb\n      - 3. Third: lessons/03-third.ipynb',
    ).replace(
        "      - 3. Third: instructors/03-third.md",
        '      - "2. Second: the middle": instructors/02-second.md\n      - 3. Third: instructors/03-third.md',
    )
    new_lesson.create("04-fourth", "Fourth", repo)
    text = (repo / "mkdocs.yml").read_text()
    assert "      - 3. Third: lessons/03-third.ipynb\n      - 4. Fourth: lessons/04-fourth.ipynb\n" in text
    assert "      - 3. Third: instructors/03-third.md\n      - 4. Fourth: instructors/04-fourth.md\n" in text
    assert "  # A comment that stays.\n" in text


def test_the_first_lesson_goes_under_each_heading(tmp_path):
    (tmp_path / "lessons").mkdir()
    (tmp_path / "mkdocs.yml").write_text(
        "nav:\n  - Lessons:\n  - Instructor guide:\n      - Overview and schedule: instructors/index.md\n"
    )
    new_lesson.create("01-first", "First", tmp_path)
    assert (tmp_path / "mkdocs.yml").read_text() == (
        "nav:\n  - Lessons:\n      - 1. First: lessons/01-first.ipynb\n  - Instructor guide:\n"
        "      - Overview and schedule: instructors/index.md\n      - 1. First: instructors/01-first.md\n"
    )


def test_the_lesson_is_the_template_in_its_own_numbering(repo):
    new_lesson.create("02-second", "Second", repo)
    import nbformat

    made = nbformat.read(repo / "lessons" / "02-second.ipynb", as_version=4)
    template = nbformat.read(new_lesson.TEMPLATE, as_version=4)
    assert made.cells[0].source.splitlines()[0] == "# 2. Second"
    assert [cell.id for cell in made.cells] == [cell.id.replace("NN-", "02-", 1) for cell in template.cells]
    assert [cell.source for cell in made.cells[1:]] == [cell.source for cell in template.cells[1:]]
    [misconception] = made.metadata.lesson.misconceptions
    assert misconception["cell"] in {cell.id for cell in made.cells}
