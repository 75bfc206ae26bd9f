"""The lesson linter (lesson_runner/lint.py): every lesson keeps every convention, and each
convention, broken on purpose in a good lesson, is named with its exact sentence.

The good lesson is the template `make new-lesson` copies (authoring/lesson_template.ipynb), made
into lesson 7 of a folder of its own; each test breaks one thing in it.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import lesson_runner
from authoring import new_lesson
from lesson_runner import lesson_facts, lint

REPO = Path(__file__).resolve().parent.parent
LESSONS = [path.name for path in lesson_runner.lesson_paths()]
NAME = "07-example.ipynb"
# The template's cells by number (counting every cell from 1), as its sentences name them.
IMPORTS = "07-example.ipynb, cell 3 ('import matplotlib.pyplot as plt')"
SECTION = "07-example.ipynb, cell 4 ('## A batch through the layer')"
BATCH = "07-example.ipynb, cell 5 ('batch = torch.zeros(2, 4)')"
STAYS = (
    '07-example.ipynb, cell 6 ("The batch size stays: 2 examples in, 2 rows out. The last size goes from the layer\'s")'
)
DRAWING = "07-example.ipynb, cell 9 ('def draw_shapes(steps, title):')"
DRAW = "07-example.ipynb, cell 10 ('title = \"a batch of 2 through nn.Linear(4, 3)\"')"
EXERCISE_2 = "07-example.ipynb, cell 15 ('### Exercise 2: the layer for a shape')"
SOLUTION_2 = "07-example.ipynb, cell 14 ('answer = nn.Linear(7, 10)')"
STRIP = "clear them before committing: `.venv/bin/nbstripout --keep-id lessons/07-example.ipynb`"


# --- the lessons -----------------------------------------------------------------------------


@pytest.mark.lessons
@pytest.mark.parametrize("name", LESSONS)
def test_lesson_keeps_every_convention(name):
    problems = lint.lint_notebook(lesson_runner.LESSONS_DIR / name)
    assert not problems, "\n" + "\n".join(problems)


def test_the_lessons_have_a_number_each_and_their_two_places_in_the_nav():
    problems = lint.lint_between(lint.lesson_files(), lint._nav_of(REPO / "mkdocs.yml"))
    assert not problems, "\n" + "\n".join(problems)


def test_the_folder_of_lessons_holds_lessons_only():
    """A notebook misnamed in lessons/ is not skipped in silence: lesson_paths() would miss it."""
    misnamed = [path.name for path in lint.lesson_files() if not lint.NAME.match(path.name)]
    assert not misnamed, f"lessons/ holds notebooks not named NN-slug.ipynb: {misnamed}"


# --- a good lesson, broken one way at a time -------------------------------------------------


@pytest.fixture
def lessons(tmp_path) -> Path:
    folder = tmp_path / "lessons"
    folder.mkdir()
    return folder


def good(slug: str = "07-example") -> dict:
    """The template as lesson 7, as plain JSON data (a test may break it past what nbformat accepts)."""
    notebook = json.loads(json.dumps(new_lesson.lesson_from_template(slug, "Example")))
    for cell in notebook["cells"]:
        cell["source"] = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
    return notebook


def cell(notebook: dict, cell_id: str) -> dict:
    """The template's cell with this id (ids stay put when cells are added around them)."""
    [found] = [cell for cell in notebook["cells"] if cell["id"] == cell_id]
    return found


def lint_of(notebook: dict, folder: Path, name: str = NAME, committed: bool = True) -> list[str]:
    path = folder / name
    path.write_text(json.dumps(notebook, indent=1, ensure_ascii=False) + "\n")
    return lint.lint_notebook(path, committed)


def test_the_template_keeps_every_convention(lessons):
    assert lint_of(good(), lessons) == []
    assert (
        lint.lint_between(
            [lessons / NAME],
            [("7. Example", "lessons/07-example.ipynb"), ("7. Example", "instructors/07-example.md")],
            lessons,
        )
        == []
    )


def test_the_file_name(lessons):
    assert lint_of(good(), lessons, name="example.ipynb") == [
        "example.ipynb: a lesson's file is named NN-slug.ipynb: two digits (its place in the order), a dash, "
        "lowercase words joined by '-' (05-fix-it.ipynb); rename it"
    ]


def test_not_a_notebook(lessons):
    (lessons / NAME).write_text("{not json")
    [problem] = lint.lint_notebook(lessons / NAME)
    assert problem.startswith("07-example.ipynb: is not a notebook that Jupyter can read (")
    assert problem.endswith("); save it again from a notebook editor")


def test_a_broken_cell_is_named_not_raised(lessons):
    notebook = good()
    del notebook["cells"][4]["metadata"]
    assert lint_of(notebook, lessons) == [
        "07-example.ipynb: is not a notebook that Jupyter can read (The notebook is invalid and is missing an "
        "expected key: metadata); save it again from a notebook editor"
    ]
    notebook = good()
    del notebook["cells"][4]["cell_type"]
    assert lint_of(notebook, lessons) == [
        "07-example.ipynb, cell 5: is not a notebook cell; save the notebook again from a notebook editor"
    ]


def test_the_title_is_numbered_as_the_file(lessons):
    notebook = good()
    notebook["cells"][0]["source"] = notebook["cells"][0]["source"].replace("# 7. Example", "# 8. Example")
    assert lint_of(notebook, lessons) == [
        "07-example.ipynb, cell 1 ('# 8. Example'): the title must read '# 7. Title', numbered as the file is"
    ]


def test_the_title_comes_first(lessons):
    notebook = good()
    notebook["cells"][0]["source"] = notebook["cells"][0]["source"].replace("# 7. Example\n", "Example\n")
    assert lint_of(notebook, lessons) == [
        "07-example.ipynb: the first cell must be markdown starting with a '# ' title"
    ]


@pytest.mark.parametrize("section", ["## You will learn", "## Prerequisites", "## Key points"])
def test_a_missing_section_is_named_once(lessons, section):
    notebook = good()
    for cell in notebook["cells"]:
        cell["source"] = cell["source"].replace(section + "\n", "")
    assert lint_of(notebook, lessons) == [
        f"07-example.ipynb: missing the section {section!r}; every lesson has '## You will learn', "
        "'## Prerequisites', '## Exercises' and '## Key points'"
    ]


def test_a_section_without_bullets(lessons):
    notebook = good()
    notebook["cells"][0]["source"] = notebook["cells"][0]["source"].replace("- Python, and", "Python, and")
    assert lint_of(notebook, lessons) == [
        "07-example.ipynb: no '- ' bullets under '## Prerequisites'; write the section as a list of '- ' bullets"
    ]


def test_two_exercises_with_solutions(lessons):
    notebook = good()
    cell(notebook, "07-11")["metadata"]["tags"] = []
    assert lint_of(notebook, lessons) == [
        f"{EXERCISE_2}: Exercise 2 ('the layer for a shape') has no code cell tagged 'solution'; put its solution "
        "in a code cell after it, tagged 'solution'",
        "07-example.ipynb: needs at least two exercises with executed solutions (found 1 code cell tagged "
        "'solution'); give each exercise a code cell tagged 'solution'",
    ]


def test_exercises_numbered_in_order(lessons):
    notebook = good()
    cell(notebook, "07-10")["source"] = cell(notebook, "07-10")["source"].replace("Exercise 2", "Exercise 3")
    assert lint_of(notebook, lessons) == [
        "07-example.ipynb: exercises are numbered [1, 3], expected 1 to 2 in order; number them 1, 2, ..."
    ]


def test_a_solution_follows_its_exercise(lessons):
    notebook = good()
    notebook["cells"][9]["metadata"]["tags"] = ["solution"]
    assert lint_of(notebook, lessons) == [
        f"{DRAW}: tagged 'solution' but follows no '### Exercise N: ...' heading; put it after its exercise's heading"
    ]


@pytest.mark.parametrize("value", [0, None, 2.5])
def test_minutes_are_whole_and_above_zero(lessons, value):
    notebook = good()
    notebook["metadata"]["lesson"]["teaching_minutes"] = value
    assert lint_of(notebook, lessons) == [
        "07-example.ipynb: the notebook metadata needs lesson.teaching_minutes, a whole number of minutes above "
        f"zero (found {value!r})"
    ]


def test_teaching_minutes_fit_the_pace(lessons):
    notebook = good()
    notebook["metadata"]["lesson"]["teaching_minutes"] = 1
    load = lesson_facts.workload(notebook)
    assert load.teaching_minutes > 1
    assert lint_of(notebook, lessons) == [
        f"07-example.ipynb: {load.code_lines} lines to type, {load.outputs} outputs to discuss and {load.words} "
        f"words of prose need {load.teaching_minutes:.1f} minutes at the stated pace, and the lesson states 1: "
        "trim it, tag long support code 'support-code' (pasted, not typed), or give it more teaching_minutes"
    ]


def test_exercise_minutes_fit_the_pace(lessons):
    notebook = good()
    notebook["metadata"]["lesson"]["exercise_minutes"] = 1
    cell(notebook, "07-11")["source"] += "\nprint(answer)\nprint(answer.weight.shape)"
    load = lesson_facts.workload(notebook)
    assert load.solution_lines == 5
    assert lint_of(notebook, lessons) == [
        "07-example.ipynb: 5 lines of solutions need 1.2 minutes at the stated pace, and the lesson states 1 "
        "exercise minutes: shorten the solutions, or give it more exercise_minutes"
    ]


def test_a_lesson_fits_a_session(lessons):
    notebook = good()
    extra = lesson_facts.MAX_CELLS + 1 - lesson_facts.page_cells(notebook)
    notebook["cells"][6:6] = [
        {"cell_type": "markdown", "id": f"07-04-more-{index}", "metadata": {}, "source": "More."}
        for index in range(extra)
    ]
    assert lint_of(notebook, lessons) == [
        f"07-example.ipynb: {lesson_facts.MAX_CELLS + 1} cells on the page (speaker notes not counted); a lesson "
        f"holds at most {lesson_facts.MAX_CELLS}: split it"
    ]


def test_speaker_notes_do_not_count_against_the_session(lessons):
    notebook = good()
    extra = lesson_facts.MAX_CELLS - lesson_facts.page_cells(notebook)
    notebook["cells"][6:6] = [
        {"cell_type": "markdown", "id": f"07-04-more-{index}", "metadata": {}, "source": "More."}
        for index in range(extra)
    ] + [
        {
            "cell_type": "markdown",
            "id": f"07-04-notes-{index}",
            "metadata": {"slideshow": {"slide_type": "notes"}},
            "source": "Say this.",
        }
        for index in range(3)
    ]
    assert lesson_facts.page_cells(notebook) == lesson_facts.MAX_CELLS
    assert lint_of(notebook, lessons) == []


def test_a_misconception_names_a_cell_of_the_lesson(lessons):
    notebook = good()
    notebook["metadata"]["lesson"]["misconceptions"][0]["cell"] = "07-99"
    assert lint_of(notebook, lessons) == [
        "07-example.ipynb: lesson.misconceptions[1] names cell '07-99', which the lesson does not have; use the id "
        "of the cell that sets the belief right"
    ]


def test_speaker_notes_have_no_headings(lessons):
    notebook = good()
    notebook["cells"][1]["source"] = "## Say this"
    assert lint_of(notebook, lessons) == [
        "07-example.ipynb, cell 2 ('## Say this'): speaker notes with a heading; notes are not on the reader's "
        "page, so they must not add to its table of contents: take the '#' out"
    ]


def test_every_cell_has_an_id(lessons):
    notebook = good()
    del notebook["cells"][2]["id"]
    assert lint_of(notebook, lessons) == [f"{IMPORTS}: has no id; give it one in the lesson's numbering (07-...)"]


def test_ids_are_unique(lessons):
    notebook = good()
    notebook["cells"][5]["id"] = "07-01"
    assert lint_of(notebook, lessons) == [f"{STAYS}: its id '07-01' is cell 3's too; give it an id of its own"]


def test_ids_are_in_the_lessons_numbering(lessons):
    notebook = good()
    notebook["cells"][3]["id"] = "01-02"
    assert lint_of(notebook, lessons) == [
        f"{SECTION}: its id '01-02' is not in the lesson's numbering; ids start with '07-' (07-00, 07-01, ...), "
        "and a misconception names the new id"
    ]


def test_ids_need_nbformat_4_5(lessons):
    notebook = good()
    notebook["nbformat_minor"] = 4
    assert lint_of(notebook, lessons) == [
        "07-example.ipynb: saved as nbformat 4.4, whose cells have no ids; save it as nbformat 4.5 or later and "
        "give every cell an id in the lesson's numbering (NN-00, NN-01, ...)"
    ]


def test_slide_types_are_known(lessons):
    notebook = good()
    notebook["cells"][3]["metadata"]["slideshow"]["slide_type"] = "Slide"
    assert lint_of(notebook, lessons) == [
        f"{SECTION}: slideshow.slide_type is 'Slide'; use one of -, fragment, notes, skip, slide, subslide"
    ]


def test_every_code_cell_has_a_slide_type_when_the_lesson_uses_them(lessons):
    notebook = good()
    del notebook["cells"][4]["metadata"]["slideshow"]
    assert lint_of(notebook, lessons) == [
        f"{BATCH}: has no slideshow.slide_type, and the lesson's other cells have one; give it one ('subslide' for "
        "a slide of its own, 'fragment' or '-' to add it to the slide above, 'skip' to leave it off the slides)"
    ]


def test_a_lesson_without_slide_metadata_needs_only_notes_and_drawings_marked(lessons):
    notebook = good()
    for cell in notebook["cells"]:
        cell["metadata"].pop("slideshow", None)
    problems = lint_of(notebook, lessons)
    # The slide types of the decks are optional, but not the speaker notes (cells of type 'notes'),
    # nor the drawing code's place off the slides. The notes cells have become page cells.
    no_notes = (
        "this section has no speaker notes; add a markdown cell with slideshow.slide_type 'notes' (what to ask, "
        "draw or point at) before the next section"
    )
    assert problems == [
        f"{SECTION}: {no_notes}",
        f"07-example.ipynb, cell 8 ('## As a picture'): {no_notes}",
        f"07-example.ipynb, cell 12 ('## Exercises'): {no_notes}",
        f"07-example.ipynb, cell 17 ('## Key points'): {no_notes}",
        f"{DRAWING}: is tagged 'drawing-code', and its slideshow.slide_type is None, not 'skip'; set it to 'skip': "
        "the slides show the picture, not the code that draws it",
    ]


def test_every_section_has_speaker_notes(lessons):
    notebook = good()
    notebook["cells"] = [entry for entry in notebook["cells"] if entry["id"] != "07-08-notes"]
    assert lint_of(notebook, lessons) == [
        "07-example.ipynb, cell 12 ('## Exercises'): this section has no speaker notes; add a markdown cell with "
        "slideshow.slide_type 'notes' (what to ask, draw or point at) before the next section"
    ]


def test_drawing_code_stays_off_the_slides(lessons):
    notebook = good()
    notebook["cells"][8]["metadata"]["slideshow"]["slide_type"] = "subslide"
    assert lint_of(notebook, lessons) == [
        f"{DRAWING}: is tagged 'drawing-code', and its slideshow.slide_type is 'subslide', not 'skip'; set it to "
        "'skip': the slides show the picture, not the code that draws it"
    ]


def test_drawing_code_defines_a_draw_function(lessons):
    notebook = good()
    for cell in notebook["cells"][8:10]:
        cell["source"] = cell["source"].replace("draw_shapes(", "plot_shapes(")
    assert lint_of(notebook, lessons) == [
        "07-example.ipynb, cell 9 ('def plot_shapes(steps, title):'): is tagged 'drawing-code' but defines no "
        "draw_ function; define 'def draw_...(...)' here and call it in the cell after"
    ]


def test_a_later_cell_calls_the_draw_function(lessons):
    notebook = good()
    notebook["cells"][9]["source"] = "print(tuple(out.shape))"
    assert lint_of(notebook, lessons) == [
        f"{DRAWING}: defines draw_shapes, which no later cell calls; call it in the cell after, where the picture goes"
    ]


def test_a_draw_function_is_tagged_drawing_code(lessons):
    notebook = good()
    notebook["cells"][8]["metadata"]["tags"] = []
    assert lint_of(notebook, lessons) == [
        f"{DRAWING}: defines draw_shapes but is not tagged 'drawing-code'; tag it, with slide_type 'skip', so that "
        "it is folded on the page and off the slides"
    ]


def test_every_lesson_draws_a_picture(lessons):
    notebook = good()
    del notebook["cells"][7:10]
    assert lint_of(notebook, lessons) == [
        "07-example.ipynb: draws no picture; every lesson draws at least one, from its own model: a cell tagged "
        "'drawing-code' defining a draw_ function, and the cell after it calling that function"
    ]


def test_a_tag_to_raise_needs_its_expected_error(lessons):
    notebook = good()
    notebook["cells"][4]["metadata"]["tags"] = ["raises-exception"]
    assert lint_of(notebook, lessons) == [
        f"{BATCH}: is tagged 'raises-exception' but has no expected_error metadata "
        '{"ename": ..., "evalue": ...} saying which exception it must raise, with its exact message'
    ]


def test_an_expected_error_needs_its_tag(lessons):
    notebook = good()
    notebook["cells"][4]["metadata"]["expected_error"] = {"ename": "RuntimeError", "evalue": "no"}
    assert lint_of(notebook, lessons) == [
        f"{BATCH}: has expected_error metadata but no 'raises-exception' tag; add the tag if it is meant to fail, "
        "or remove the metadata"
    ]


def test_prose_cannot_raise(lessons):
    notebook = good()
    notebook["cells"][5]["metadata"]["tags"] = ["raises-exception"]
    assert lint_of(notebook, lessons) == [
        f"{STAYS}: a markdown cell cannot raise; move the tag and expected_error to code"
    ]


@pytest.mark.parametrize(
    "line",
    ["import sys\nsys.path.insert(0, '..')", "from lesson_runner import lint", "from dev_tools import source_copy"],
)
def test_a_lesson_stands_alone(lessons, line):
    notebook = good()
    notebook["cells"][2]["source"] += "\n" + line
    assert lint_of(notebook, lessons) == [
        f"{IMPORTS}: reaches into the repository (lesson_runner, sys.path or a package of the repository); a lesson "
        "stands alone, importing only what requirements.txt installs"
    ]


def test_committed_without_outputs(lessons):
    notebook = good()
    notebook["cells"][4]["outputs"] = [{"name": "stdout", "output_type": "stream", "text": "(2, 4) -> (2, 3)\n"}]
    notebook["cells"][2]["execution_count"] = 1
    expected = [f"{IMPORTS}: committed with an execution count; {STRIP}", f"{BATCH}: committed with outputs; {STRIP}"]
    assert lint_of(notebook, lessons) == expected
    # A lesson being edited may keep its outputs: the build does not stop for them.
    assert lint_of(notebook, lessons, committed=False) == []


def test_every_convention_missed_is_reported_at_once(lessons):
    notebook = good()
    notebook["cells"][0]["source"] = notebook["cells"][0]["source"].replace("# 7. Example", "# 8. Example")
    notebook["cells"][1]["source"] = "## Say this"
    notebook["cells"][4]["outputs"] = [{"name": "stdout", "output_type": "stream", "text": "(2, 4) -> (2, 3)\n"}]
    notebook["cells"][8]["metadata"]["slideshow"]["slide_type"] = "subslide"
    cell(notebook, "07-11")["metadata"]["tags"] = []
    notebook["metadata"]["lesson"]["exercise_minutes"] = 0
    assert lint_of(notebook, lessons, name="07-broken.ipynb") == [
        problem.replace("07-example.ipynb", "07-broken.ipynb")
        for problem in [
            "07-example.ipynb: the notebook metadata needs lesson.exercise_minutes, a whole number of minutes above "
            "zero (found 0)",
            "07-example.ipynb, cell 2 ('## Say this'): speaker notes with a heading; notes are not on the reader's "
            "page, so they must not add to its table of contents: take the '#' out",
            f"{EXERCISE_2}: Exercise 2 ('the layer for a shape') has no code cell tagged 'solution'; put its "
            "solution in a code cell after it, tagged 'solution'",
            "07-example.ipynb, cell 1 ('# 8. Example'): the title must read '# 7. Title', numbered as the file is",
            "07-example.ipynb: needs at least two exercises with executed solutions (found 1 code cell tagged "
            "'solution'); give each exercise a code cell tagged 'solution'",
            f"{DRAWING}: is tagged 'drawing-code', and its slideshow.slide_type is 'subslide', not 'skip'; set it "
            "to 'skip': the slides show the picture, not the code that draws it",
            f"{BATCH}: committed with outputs; {STRIP}",
        ]
    ]


# --- between lessons, and the navigation -----------------------------------------------------


def nav_of(*slugs: str) -> list[tuple[str, str]]:
    lessons = [(f"{int(slug[:2])}. A title", f"lessons/{slug}.ipynb") for slug in slugs]
    guide = [(f"{int(slug[:2])}. A title", f"instructors/{slug}.md") for slug in slugs]
    return [("Home", "index.md"), *lessons, ("Overview and schedule", "instructors/index.md"), *guide]


def two_lessons(folder: Path, *names: str) -> list[Path]:
    for name in names:
        lint_of(good(name.removesuffix(".ipynb")), folder, name=name)
    return [folder / name for name in names]


def test_the_nav_as_it_should_be(lessons):
    paths = two_lessons(lessons, "07-example.ipynb", "08-more.ipynb")
    assert lint.lint_between(paths, nav_of("07-example", "08-more"), lessons) == []


def test_two_lessons_with_one_number(lessons):
    paths = two_lessons(lessons, "07-example.ipynb", "07-other.ipynb")
    assert lint.lint_between(paths) == [
        "07-other.ipynb: has the number 07, as 07-example.ipynb does; each lesson has a number of its own: "
        "renumber one (its file, title, cell ids and both entries in the nav)"
    ]


def test_a_lesson_missing_from_the_nav(lessons):
    paths = two_lessons(lessons, "07-example.ipynb", "08-more.ipynb")
    assert lint.lint_between(paths, nav_of("07-example"), lessons) == [
        "08-more.ipynb: is not in mkdocs.yml's nav; add '- 8. Title: lessons/08-more.ipynb' under Lessons, in "
        "number order",
        "08-more.ipynb: its instructor page is not in mkdocs.yml's nav; add '- 8. Title: instructors/08-more.md' "
        "under Instructor guide, in the lessons' order (the page is made at build)",
    ]


def test_the_nav_lists_no_lesson_that_is_not_there(lessons):
    paths = two_lessons(lessons, "07-example.ipynb")
    assert lint.lint_between(paths, nav_of("07-example", "08-gone"), lessons) == [
        "mkdocs.yml: the nav lists lessons/08-gone.ipynb, which is not in lessons/; fix the entry's name or remove it",
        "mkdocs.yml: the nav lists instructors/08-gone.md, and there is no lessons/08-gone.ipynb to make it from; "
        "fix the entry's name or remove it",
    ]


def test_the_nav_labels_carry_the_lessons_number(lessons):
    paths = two_lessons(lessons, "07-example.ipynb")
    nav = [("Seven. Example", "lessons/07-example.ipynb"), ("7. Example", "instructors/07-example.md")]
    assert lint.lint_between(paths, nav, lessons) == [
        "mkdocs.yml: the nav's entry for lessons/07-example.ipynb is labelled 'Seven. Example'; start the label "
        "with the lesson's number, '7. '"
    ]


def test_the_nav_lists_the_lessons_in_number_order(lessons):
    paths = two_lessons(lessons, "07-example.ipynb", "08-more.ipynb")
    nav = nav_of("08-more", "07-example")
    assert lint.lint_between(paths, nav, lessons) == [
        "mkdocs.yml: the nav lists the lessons in the order ['08-more', '07-example']; list them in number order"
    ]
    in_order = nav_of("07-example", "08-more")
    swapped = in_order[:4] + [in_order[5], in_order[4]]
    assert lint.lint_between(paths, swapped, lessons) == [
        "mkdocs.yml: the nav lists the instructor pages in the order ['08-more', '07-example']; list them in the "
        "lessons' order"
    ]


def test_nav_entries_flattens_the_nav():
    nav = [
        {"Home": "index.md"},
        {"Lessons": [{"1. One": "lessons/01-one.ipynb"}]},
        "reference.md",
        {"Guide": [{"Overview": "instructors/index.md"}, {"1. One": "instructors/01-one.md"}]},
    ]
    assert lint.nav_entries(nav) == [
        ("Home", "index.md"),
        ("1. One", "lessons/01-one.ipynb"),
        (None, "reference.md"),
        ("Overview", "instructors/index.md"),
        ("1. One", "instructors/01-one.md"),
    ]


# --- where it runs: the command, and the build ------------------------------------------------


def test_the_command_prints_the_report_and_fails(lessons):
    notebook = good()
    notebook["cells"][1]["source"] = "## Say this"
    lint_of(notebook, lessons)
    lint_of(good("08-more"), lessons, name="08-more.ipynb")
    result = subprocess.run(
        [sys.executable, "-m", "lesson_runner.lint", str(lessons / NAME), str(lessons / "08-more.ipynb")],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert (result.returncode, result.stderr) == (1, "")
    assert result.stdout == (
        "2 lessons checked; these conventions are missed (CONTRIBUTING.md describes each):\n"
        "  - 07-example.ipynb, cell 2 ('## Say this'): speaker notes with a heading; notes are not on the "
        "reader's page, so they must not add to its table of contents: take the '#' out\n"
    )
    assert lint.main([str(lessons / "08-more.ipynb")]) == 0


def test_the_build_stops_before_executing_anything(lessons, monkeypatch):
    """A lesson that misses conventions stops `mkdocs build` with every sentence, not a stack trace,
    and before a kernel starts."""
    from mkdocs.exceptions import PluginError

    from site_builder import hook

    notebook = good()
    notebook["cells"][1]["source"] = "## Say this"
    notebook["cells"][4]["outputs"] = [{"name": "stdout", "output_type": "stream", "text": "kept while editing\n"}]
    lint_of(notebook, lessons)
    monkeypatch.setattr(lesson_runner, "LESSONS_DIR", lessons)

    def executes(*args, **kwargs):
        raise AssertionError("the build executed lessons after the linter found problems")

    monkeypatch.setattr(lesson_runner, "execute_lessons", executes)
    with pytest.raises(PluginError) as stopped:
        hook.on_files([], {"nav": [{"Lessons": [{"7. Example": "lessons/07-example.ipynb"}]}]})
    assert str(stopped.value) == (
        "These lessons miss conventions of CONTRIBUTING.md (python -m lesson_runner.lint checks them):\n"
        "  - 07-example.ipynb, cell 2 ('## Say this'): speaker notes with a heading; notes are not on the reader's "
        "page, so they must not add to its table of contents: take the '#' out\n"
        "  - 07-example.ipynb: its instructor page is not in mkdocs.yml's nav; add '- 7. Title: "
        "instructors/07-example.md' under Instructor guide, in the lessons' order (the page is made at build)"
    )
