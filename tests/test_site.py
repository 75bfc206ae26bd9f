"""The strict site build, and what a reader finds in site/."""

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

import lesson_runner
from dev_tools.source_copy import copy_sources
from lesson_runner.learner_copy import learner_copy

pytestmark = pytest.mark.site

REPO = Path(__file__).resolve().parent.parent
LESSON_SLUGS = [path.stem for path in lesson_runner.lesson_paths()]


def page(site, path):
    return (site / path / "index.html").read_text()


def text_files(site):
    for path in site.rglob("*"):
        if path.suffix in {".html", ".js", ".css", ".json", ".xml", ".ipynb", ".txt"}:
            yield path


def test_no_build_machine_path_anywhere(built_site):
    for path in text_files(built_site):
        text = path.read_text(errors="replace")
        for fragment in [str(REPO), "/tmp/", "/root/", "site-packages"]:
            assert fragment not in text, f"{path.relative_to(built_site)} contains {fragment!r}"


def test_no_page_asks_for_anything_outside_its_origin(built_site):
    # Links to other sites are fine; loading a script, style, font or image from one is not.
    loads = re.compile(r"<(?:script|link|img|iframe|source)\b[^>]*?(?:src|href)=\"(https?:)?//", re.I)
    imports = re.compile(r"(?:@import|url\()\s*[\"']?(https?:)?//", re.I)
    for path in built_site.rglob("*.html"):
        html = path.read_text()
        for tag in re.findall(r"<(?:script|link|img|iframe|source)\b[^>]*>", html, re.I):
            if re.search(r"\brel=\"(?:canonical|alternate)\"", tag):
                continue
            assert not loads.search(tag), f"{path.relative_to(built_site)} loads {tag}"
        assert "fonts.googleapis" not in html and "cdnjs" not in html and "jsdelivr" not in html, path
    for path in built_site.rglob("*.css"):
        assert not imports.search(path.read_text()), f"{path.relative_to(built_site)} imports from another origin"


def test_every_lesson_is_a_page_with_its_notebook_to_download(built_site):
    for slug in LESSON_SLUGS:
        html = page(built_site, f"lessons/{slug}")
        assert f'download="" href="{slug}.ipynb"' in html, f"{slug}: no download link"
        download = json.loads((built_site / "lessons" / slug / f"{slug}.ipynb").read_text())
        learners = learner_copy(nbformat.read(lesson_runner.LESSONS_DIR / f"{slug}.ipynb", as_version=4))
        assert download == json.loads(nbformat.writes(learners)), f"{slug}: the download is not its learner's copy"


def test_reader_sees_the_executed_error(built_site):
    html = page(built_site, "lessons/01-reproduce-the-error")
    assert "mat1 and mat2 shapes cannot be multiplied (2x1568 and 1050x10)" in html
    assert "frames inside the library hidden" in html


def test_reader_sees_the_computed_table_and_the_fixed_summary(built_site):
    table = page(built_site, "lessons/04-derive-1568")
    # (the hook marks output cells data-search-exclude, so the tag may carry an attribute)
    assert table.count(">✓</td>") == 6 and "32 · 7 · 7 = 1568" in table
    fixed = page(built_site, "lessons/05-fix-it")
    assert "Total params: 28,938" in fixed


def test_solutions_are_collapsed(built_site):
    for slug in LESSON_SLUGS:
        html = page(built_site, f"lessons/{slug}")
        assert html.count('<details class="success solution"><summary>Solution</summary>') >= 2, slug


def test_the_code_that_draws_a_picture_is_folded_above_the_picture(built_site):
    from bs4 import BeautifulSoup

    with_pictures = 0
    for slug in LESSON_SLUGS:
        source = nbformat.read(lesson_runner.LESSONS_DIR / f"{slug}.ipynb", as_version=4)
        tagged = [cell for cell in source.cells if "drawing-code" in cell.metadata.get("tags", [])]
        soup = BeautifulSoup(page(built_site, f"lessons/{slug}"), "html.parser")
        folded = soup.select("details.drawing-code")
        assert len(folded) == len(tagged), f"{slug}: {len(tagged)} drawing-code cells, {len(folded)} folded"
        for details in folded:
            assert details.summary.get_text() == "The code that draws the picture below", slug
            assert "open" not in details.attrs and "def draw_" in details.get_text(), slug
            assert details.find("img") is None, f"{slug}: the picture itself is folded away"
            assert details.find_next("img") is not None, f"{slug}: no picture after the folded code"
        with_pictures += bool(folded)
    assert with_pictures >= 5, "each core lesson folds the code of its picture"


def test_the_build_shortcuts_change_nothing_in_the_site(built_site, tmp_path):
    """Two shortcuts, each proved to leave the site byte for byte as it would be without it:
    - the hook hands Material's search plugin each page without its marked-out parts
      (code, outputs), then gives the page back whole;
    - the hook's on_files renders the lesson pages ahead of MkDocs, in worker processes
      (site_builder/lesson_pages.py), into the caches MkDocs then reads (a build that executes
      lessons hands those same jobs to the workers earlier, as each lesson is executed: test_workers).
    Both builds start from empty page caches (the executed lessons copied in): the first takes both
    shortcuts, the second neither, so MkDocs renders every page itself. Each builds in a copy of
    the sources with caches of its own, so the two run side by side: one after the other they were
    the longest test of the suite (52 s), and each mostly waits on one core."""
    from site_builder import lesson_pages, search_index, workers

    def build(name, **variables):
        copy = _copy_of_the_sources(tmp_path / name)
        env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", **variables}
        env.pop("SHAPE_MATTERS_SITE_DIR", None)
        command = [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(copy / "site")]
        return subprocess.Popen(command, cwd=copy, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)

    def finish(build):
        log = build.communicate()[0]
        assert build.returncode == 0, log
        folder = Path(build.args[-1])
        return {path.relative_to(folder): path.read_bytes() for path in folder.rglob("*") if path.is_file()}, log

    shortcuts = build("shortcuts")
    plain = build(
        "plain",
        **{search_index.WHOLE_PAGES_VARIABLE: "1", lesson_pages.AHEAD_VARIABLE: "0", workers.EARLY_VARIABLE: "0"},
    )
    shortcuts, log = finish(shortcuts)
    # Every lesson page was rendered ahead: MkDocs found mkdocs-jupyter's cache already filled.
    assert log.count("Cache hit:") == len(LESSON_SLUGS), log
    assert len(list((tmp_path / "shortcuts" / ".cache" / "pages" / "search").glob("*.json"))) >= len(LESSON_SLUGS)
    plain, log = finish(plain)
    assert log.count("Cache miss, writing:") == len(LESSON_SLUGS), log
    assert sorted(shortcuts) == sorted(plain)
    different = [str(path) for path in shortcuts if shortcuts[path] != plain[path]]
    assert different == [], f"these files differ when MkDocs renders everything itself: {different}"


def _copy_of_the_sources(folder: Path) -> Path:
    """The sources, with the executed lessons copied in: a build there executes nothing and has
    page caches of its own."""
    copy_sources(folder)
    shutil.copytree(lesson_runner.CACHE_DIR, folder / ".cache" / "lessons")
    return folder


def test_the_reference_shape_table_on_the_page_is_what_pytorch_computes(built_site):
    import torch
    from bs4 import BeautifulSoup
    from torch import nn

    soup = BeautifulSoup(page(built_site, "reference"), "html.parser")
    section = soup.find(id="the-shapes-of-the-mnist-cnn")
    rows = [[cell.get_text() for cell in row.find_all("td")] for row in section.find_next("table").find_all("tr")[1:]]
    x = torch.zeros(1, 1, 28, 28)
    measured = [["input", "1 × 28 × 28"]]
    for written, layer in [
        ("Conv2d(1, 16, 5, 1, 2)", nn.Conv2d(1, 16, 5, 1, 2)),
        ("MaxPool2d(2)", nn.MaxPool2d(2)),
        ("Conv2d(16, 32, 5, 1, 2)", nn.Conv2d(16, 32, 5, 1, 2)),
        ("MaxPool2d(2)", nn.MaxPool2d(2)),
    ]:
        x = layer(x)
        measured.append([written, " × ".join(str(size) for size in x.shape[1:])])
    channels, height, width = x.shape[1:]
    measured.append(["flatten", f"{channels} · {height} · {width} = {x[0].numel()}"])
    assert rows == measured


def test_landing_page_leads_with_the_error_and_the_fix(built_site):
    html = page(built_site, "")
    body = html.split('<article class="md-content__inner md-typeset">')[1]
    assert body.index("mat1 and mat2 shapes cannot be multiplied (2x1568 and 1050x10)") < body.index(
        "fix in 30 seconds"
    )
    assert "nn.Linear(1568, 10)" in body


def test_every_lesson_that_traces_shapes_links_the_shape_calculator(built_site):
    """Issue 6: where a lesson computes shapes layer by layer (a forward hook on every layer), the
    reader is pointed at the tool that does the same for their own model."""
    tracing = [
        path.stem
        for path in lesson_runner.lesson_paths()
        if any("register_forward_hook" in cell.source for cell in nbformat.read(path, as_version=4).cells)
    ]
    assert len(tracing) >= 4, tracing
    unlinked = [
        slug for slug in tracing if 'href="../../tools/shape-calculator/"' not in page(built_site, f"lessons/{slug}")
    ]
    assert not unlinked, f"these lessons trace shapes but do not link the shape calculator: {unlinked}"
