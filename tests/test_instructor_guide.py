"""The instructor guide: made from the lessons at build, its numbers and lists the lessons' own.

Expected values are read here straight from the notebooks' JSON (metadata, headings, bullets,
code cells), not through site_builder, so a mistake in the guide's reading of a lesson shows.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import pytest
import yaml
from bs4 import BeautifulSoup

import lesson_runner
from lesson_runner import lesson_facts
from site_builder import guide

REPO = Path(__file__).resolve().parent.parent
SLUGS = [path.stem for path in lesson_runner.lesson_paths()]


def notebook(slug: str) -> dict:
    return json.loads((lesson_runner.LESSONS_DIR / f"{slug}.ipynb").read_text())


def markdown_lines(slug: str) -> list[str]:
    return [
        line
        for cell in notebook(slug)["cells"]
        if cell["cell_type"] == "markdown" and cell["metadata"].get("slideshow", {}).get("slide_type") != "notes"
        for line in "".join(cell["source"]).splitlines()
    ]


def bullets_under(slug: str, heading: str) -> list[str]:
    """The lesson's `- ` items under a `## heading`, as plain text (no Markdown marks)."""
    items, inside = [], False
    for line in markdown_lines(slug):
        if line.startswith("#"):
            inside = line == f"## {heading}"
        elif inside and line.startswith("- "):
            items.append(line[2:])
        elif inside and line.startswith("  ") and items:
            items[-1] += " " + line.strip()
    return [plain(item) for item in items]


def plain(markdown: str) -> str:
    text = re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", markdown)
    return " ".join(text.replace("`", "").replace("**", "").split())


def guide_page(site: Path, slug: str) -> BeautifulSoup:
    return BeautifulSoup((site / "instructors" / slug / "index.html").read_text(), "html.parser")


def section(page: BeautifulSoup, heading_id: str) -> list:
    """The elements after the h2 with this id, up to the next h2."""
    start = page.find("h2", id=heading_id)
    assert start is not None, f"no section #{heading_id}"
    out = []
    for element in start.find_next_siblings():
        if element.name == "h2":
            break
        out.append(element)
    return out


def text(element) -> str:
    return " ".join(element.get_text().replace("¶", "").split())


@pytest.mark.site
@pytest.mark.parametrize("slug", SLUGS)
def test_timing_and_exercise_count_are_the_lessons_metadata(built_site, slug):
    minutes = notebook(slug)["metadata"]["lesson"]
    exercises = [line for line in markdown_lines(slug) if re.match(r"### Exercise \d+: ", line)]
    teaching, exercise_time, total = [
        text(cell) for cell in guide_page(built_site, slug).select("table")[0].select("td")
    ]
    assert teaching == f"{minutes['teaching_minutes']} min", slug
    assert exercise_time == f"{minutes['exercise_minutes']} min for {len(exercises)} exercises", slug
    assert total == f"{minutes['teaching_minutes'] + minutes['exercise_minutes']} min", slug


@pytest.mark.site
@pytest.mark.parametrize("slug", SLUGS)
def test_objectives_prerequisites_and_key_points_are_the_lessons_own(built_site, slug):
    page = guide_page(built_site, slug)
    for heading, anchor in [
        ("You will learn", "objectives"),
        ("Prerequisites", "prerequisites"),
        ("Key points", "key-points"),
    ]:
        shown = [text(item) for element in section(page, anchor) for item in element.select("li")]
        assert shown == bullets_under(slug, heading), (
            f"instructors/{slug}/: {anchor} differ from the lesson's {heading!r}"
        )


@pytest.mark.site
@pytest.mark.parametrize("slug", SLUGS)
def test_exercises_are_listed_with_their_time(built_site, slug):
    minutes = notebook(slug)["metadata"]["lesson"]["exercise_minutes"]
    expected = [line[4:] for line in markdown_lines(slug) if re.match(r"### Exercise \d+: ", line)]
    page = guide_page(built_site, slug)
    heading = page.find("h2", id=re.compile(r"^exercises"))
    assert text(heading) == f"Exercises: {minutes} min", slug
    shown = [text(h3) for h3 in section(page, heading["id"]) if h3.name == "h3"]
    assert shown == [plain(title) for title in expected], slug


@pytest.mark.site
@pytest.mark.parametrize("slug", SLUGS)
def test_live_coding_script_is_the_lessons_code_in_order(built_site, executed_lessons, slug):
    page = guide_page(built_site, slug)
    script = section(page, "live-coding-script")
    # A typed step is "Step N. Type:" followed by its code block; a pasted one is folded, its summary
    # "Step N. Paste this cell; don't type it (L lines)".
    steps = []
    for element, following in zip(script, script[1:] + [None]):
        if re.fullmatch(r"Step \d+\. Type:", text(element)) and following.select_one("div.highlight, pre"):
            steps.append(("type", " ".join(following.get_text().split())))
        elif element.name == "details" and re.fullmatch(
            r"Step \d+\. Paste this cell; don't type it \(\d+ lines?\)", text(element.summary)
        ):
            steps.append(("paste", " ".join(element.select_one("div.highlight, pre").get_text().split())))
    cells = [
        ("type" if lesson_facts.is_typed(cell) else "paste", " ".join("".join(cell["source"]).split()))
        for cell in notebook(slug)["cells"]
        if cell["cell_type"] == "code" and "solution" not in cell["metadata"].get("tags", [])
    ]
    assert steps == cells, f"instructors/{slug}/: the live-coding script's code is not the lesson's code cells"
    numbers = [
        int(re.match(r"Step (\d+)", text(e.summary if e.name == "details" else e))[1])
        for e in script
        if re.match(r"Step \d+\. (Type|Paste)", text(e.summary if e.name == "details" else e))
    ]
    assert numbers == list(range(1, len(cells) + 1)), f"instructors/{slug}/: steps are numbered {numbers}"
    for cell in notebook(slug)["cells"]:
        tags = cell["metadata"].get("tags", [])
        if "drawing-code" in tags or "support-code" in tags:
            assert not lesson_facts.is_typed(cell), f"{slug}.ipynb, cell {cell['id']}: the script would type it"
    # Every cell that raises on purpose shows the exact error the lesson expects.
    expected_errors = [
        f"{cell['metadata']['expected_error']['ename']}: {cell['metadata']['expected_error']['evalue']}"
        for cell in notebook(slug)["cells"]
        if "raises-exception" in cell["metadata"].get("tags", [])
    ]
    shown_errors = [text(element.select_one("code")) for element in script if "failure" in (element.get("class") or [])]
    assert shown_errors == expected_errors, f"instructors/{slug}/"


@pytest.mark.site
@pytest.mark.parametrize("slug", SLUGS)
def test_misconceptions_come_from_the_lesson_and_point_at_its_cells(built_site, slug):
    listed = notebook(slug)["metadata"]["lesson"].get("misconceptions", [])
    rows = section(guide_page(built_site, slug), "common-misconceptions")
    table = next((element for element in rows if element.name == "table" or element.select_one("table")), None)
    assert listed, f"{slug}.ipynb lists no misconceptions"
    table = table if table.name == "table" else table.select_one("table")
    shown = [[text(cell) for cell in row.select("td")] for row in table.select("tbody tr")]
    assert [row[:2] for row in shown] == [[plain(item["belief"]), plain(item["correction"])] for item in listed], slug
    lesson_page = (built_site / "lessons" / slug / "index.html").read_text()
    for item, row in zip(listed, table.select("tbody tr")):
        href = row.select("td")[2].a["href"]
        assert href == f"../../lessons/{slug}/#cell-id={item['cell']}", href
        assert f'id="cell-id={item["cell"]}"' in lesson_page, f"lessons/{slug}/ has no cell {item['cell']}"


@pytest.mark.parametrize("slug", SLUGS)
def test_every_lesson_names_the_misconceptions_it_targets_and_has_speaker_notes(slug):
    listed = notebook(slug)["metadata"]["lesson"].get("misconceptions", [])
    assert len(listed) >= 3, f"{slug}.ipynb lists {len(listed)} misconceptions; every lesson names at least three"
    notes = [
        cell for cell in notebook(slug)["cells"] if cell["metadata"].get("slideshow", {}).get("slide_type") == "notes"
    ]
    assert len(notes) >= 5, f"{slug}.ipynb has {len(notes)} speaker notes cells; every lesson has at least five"


@pytest.mark.site
def test_no_guide_page_says_it_lists_no_misconceptions(built_site):
    for slug in SLUGS:
        page = (built_site / "instructors" / slug / "index.html").read_text()
        assert "This lesson lists none yet" not in page, f"instructors/{slug}/ says it lists no misconceptions"


@pytest.mark.site
def test_schedule_adds_up_the_lessons_metadata(built_site):
    page = BeautifulSoup((built_site / "instructors" / "index.html").read_text(), "html.parser")
    assert guide.SCHEDULE_PLACEHOLDER not in str(page)
    rows = [[text(cell) for cell in row.select("td")] for row in page.select("table")[0].select("tbody tr")]
    start = 0
    for slug, row in zip(SLUGS, rows):
        minutes = notebook(slug)["metadata"]["lesson"]
        exercises = sum(bool(re.match(r"### Exercise \d+: ", line)) for line in markdown_lines(slug))
        title = markdown_lines(slug)[0].removeprefix("# ")
        assert row[:4] == [
            f"{start // 60}:{start % 60:02d}",
            title,
            f"{minutes['teaching_minutes']} min",
            f"{minutes['exercise_minutes']} min ({exercises} exercises)",
        ], slug
        start += minutes["teaching_minutes"] + minutes["exercise_minutes"]
    teaching = sum(notebook(slug)["metadata"]["lesson"]["teaching_minutes"] for slug in SLUGS)
    exercise = sum(notebook(slug)["metadata"]["lesson"]["exercise_minutes"] for slug in SLUGS)
    assert len(rows) == len(SLUGS) + 1
    assert rows[-1][:4] == [
        f"{start // 60}:{start % 60:02d}",
        f"Total: {len(SLUGS)} lessons, {start // 60}:{start % 60:02d} h",
        f"{teaching} min",
        rows[-1][3],
    ]
    assert rows[-1][3].startswith(f"{exercise} min"), rows[-1]
    links = [link["href"] for link in page.select("table")[0].select("a")]
    assert links == [href for slug in SLUGS for href in (f"../slides/{slug}.html", f"{slug}/")]


def _nav() -> list:
    class Loader(yaml.SafeLoader):
        pass

    Loader.add_multi_constructor("", lambda loader, suffix, node: None)  # MkDocs' !!python tags
    return yaml.load((REPO / "mkdocs.yml").read_text(), Loader=Loader)["nav"]


def _section(nav: list, title: str) -> list[str]:
    entries = next(item[title] for item in nav if isinstance(item, dict) and title in item)
    return [next(iter(entry.values())) if isinstance(entry, dict) else entry for entry in entries]


def test_every_lesson_in_the_nav_has_its_guide_page_in_the_nav():
    nav = _nav()
    lessons = [Path(path).stem for path in _section(nav, "Lessons")]
    assert _section(nav, "Instructor guide") == ["instructors/index.md"] + [
        f"instructors/{slug}.md" for slug in lessons
    ]


@pytest.mark.site
def test_guide_pages_are_generated_at_build_not_written_in_docs(built_site):
    # Only the overview is a file in docs/; the per-lesson pages are in the nav and were found there
    # when the strict build validated it, so the hook must have added them before validation.
    assert sorted(path.name for path in (REPO / "docs" / "instructors").iterdir()) == ["index.md"]
    for path in _section(_nav(), "Instructor guide"):
        folder = Path(path).parent if path.endswith("/index.md") else Path(path).with_suffix("")
        assert (built_site / folder / "index.html").is_file(), f"{path} is in the nav but was not built"


# --- reading a lesson: bad input gets a sentence --------------------------------------------------


def _lesson(**metadata):
    cells = [
        nbformat.v4.new_markdown_cell(
            "# 7. A test lesson\n\n## You will learn\n\n- one thing\n\n## Prerequisites\n\n- none"
        ),
        nbformat.v4.new_code_cell("x = 1"),
        nbformat.v4.new_markdown_cell("## Exercises\n\n### Exercise 1: first"),
        nbformat.v4.new_code_cell("x = 2", metadata={"tags": ["solution"]}),
        nbformat.v4.new_markdown_cell("## Key points\n\n- a point"),
    ]
    for number, cell in enumerate(cells):
        cell.id = f"07-{number:02d}"
    return nbformat.v4.new_notebook(cells=cells, metadata=metadata)


def test_a_complete_lesson_reads():
    facts = lesson_facts.read(
        Path("lessons/07-test.ipynb"), _lesson(lesson={"teaching_minutes": 5, "exercise_minutes": 3})
    )
    assert (facts.title, facts.total_minutes, facts.objectives, facts.key_points) == (
        "7. A test lesson",
        8,
        ["one thing"],
        ["a point"],
    )
    assert [(exercise.number, exercise.title, exercise.solutions) for exercise in facts.exercises] == [(1, "first", 1)]


def test_missing_timing_is_named():
    with pytest.raises(lesson_facts.LessonFactsError) as error:
        lesson_facts.read(Path("lessons/07-test.ipynb"), _lesson())
    assert error.value.problems == [
        "07-test.ipynb: the notebook metadata needs lesson.teaching_minutes, a whole number of minutes above zero "
        "(found None)",
        "07-test.ipynb: the notebook metadata needs lesson.exercise_minutes, a whole number of minutes above zero "
        "(found None)",
    ]


def test_a_misconception_naming_a_missing_cell_is_named():
    lesson = _lesson(
        lesson={
            "teaching_minutes": 5,
            "exercise_minutes": 3,
            "misconceptions": [{"belief": "b", "correction": "c", "cell": "07-99"}, {"belief": "b"}],
        }
    )
    with pytest.raises(lesson_facts.LessonFactsError) as error:
        lesson_facts.read(Path("lessons/07-test.ipynb"), lesson)
    assert error.value.problems == [
        "07-test.ipynb: lesson.misconceptions[1] names cell '07-99', which the lesson does not have; use the id of "
        "the cell that sets the belief right",
        "07-test.ipynb: lesson.misconceptions[2] needs non-empty 'belief', 'correction' and 'cell' strings",
    ]


def test_a_heading_in_speaker_notes_is_named():
    lesson = _lesson(lesson={"teaching_minutes": 5, "exercise_minutes": 3})
    notes = nbformat.v4.new_markdown_cell("## Say this", metadata={"slideshow": {"slide_type": "notes"}})
    notes.id = "07-notes"
    lesson.cells.insert(1, notes)
    with pytest.raises(lesson_facts.LessonFactsError) as error:
        lesson_facts.read(Path("lessons/07-test.ipynb"), lesson)
    assert error.value.problems == [
        "07-test.ipynb, cell 2 ('## Say this'): speaker notes with a heading; notes are not on the reader's page, "
        "so they must not add to its table of contents: take the '#' out"
    ]
