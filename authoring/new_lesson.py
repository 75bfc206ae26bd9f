"""`make new-lesson SLUG=NN-slug TITLE="..."`: a new lesson from the template, in both navigations.

    python -m authoring.new_lesson 13-example "Example"

Writes lessons/NN-slug.ipynb from lesson_template.ipynb (beside this file), which keeps every
convention of CONTRIBUTING.md: the title becomes `# N. Title`, the cell ids `NN-00`, `NN-01`, ...
(and the misconception names its cell by the new id). Adds `- N. Title: lessons/NN-slug.ipynb`
under Lessons and `- N. Title: instructors/NN-slug.md` under Instructor guide in mkdocs.yml, each
in number order. mkdocs.yml is edited as text, so its comments and layout stay as they are.

Refuses, with a sentence and exit status 1: a SLUG that is not NN-slug, a missing TITLE, a lesson
that exists, a number another lesson has.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import nbformat
import yaml

REPO = Path(__file__).resolve().parent.parent
TEMPLATE = Path(__file__).resolve().parent / "lesson_template.ipynb"
SLUG = re.compile(r"^(\d\d)-[a-z0-9]+(?:-[a-z0-9]+)*$")
PLACEHOLDER = "NN"  # how the template's cell ids begin
LESSON_ENTRY = re.compile(r"^(?P<indent>\s*)- .*: lessons/(?P<slug>\d\d-[\w-]+)\.ipynb\s*$")
GUIDE_ENTRY = re.compile(r"^(?P<indent>\s*)- .*: instructors/(?P<slug>\d\d-[\w-]+)\.md\s*$")
USAGE = 'make new-lesson SLUG=NN-slug TITLE="The lesson\'s title"'


class Refusal(Exception):
    """Why the lesson was not made, as a sentence."""


def check_request(slug: str, title: str, lessons: Path) -> int:
    """The new lesson's number, or a Refusal saying what is wrong with the request."""
    if not slug:
        raise Refusal(f"SLUG is missing: {USAGE}")
    named = SLUG.match(slug)
    if not named:
        raise Refusal(
            f"SLUG {slug!r} is not NN-slug: two digits (the lesson's place in the order), a dash, and "
            f"lowercase words joined by '-', e.g. 05-fix-it; {USAGE}"
        )
    if not title.strip():
        raise Refusal(f"TITLE is missing: {USAGE}")
    if "\n" in title:
        raise Refusal("TITLE is one line: it becomes the lesson's '# N. Title' heading")
    if (lessons / f"{slug}.ipynb").exists():
        raise Refusal(f"lessons/{slug}.ipynb exists already: edit it, or choose another SLUG")
    numbers = sorted(int(path.name[:2]) for path in lessons.glob("[0-9][0-9]-*.ipynb"))
    taken = sorted(lessons.glob(f"{named[1]}-*.ipynb"))
    if taken:
        free = max(numbers) + 1
        raise Refusal(
            f"lessons/{taken[0].name} has the number {named[1]} already: each lesson has a number of its "
            f"own; the next free one is {free:02d}"
        )
    return int(named[1])


def lesson_from_template(slug: str, title: str, template: Path = TEMPLATE):
    """The template as lesson `slug`: its title, its cell ids in the lesson's numbering."""
    notebook = nbformat.read(template, as_version=4)
    number = slug[:2]

    def renumbered(cell_id: str) -> str:
        return number + cell_id[len(PLACEHOLDER) :] if cell_id.startswith(PLACEHOLDER + "-") else cell_id

    first = notebook.cells[0]
    _, _, rest = first.source.partition("\n")
    first.source = f"# {int(number)}. {title.strip()}\n{rest}"
    for cell in notebook.cells:
        cell.id = renumbered(cell.id)
    for item in notebook.metadata["lesson"].get("misconceptions", []):
        item["cell"] = renumbered(item["cell"])
    return notebook


def _label(number: int, title: str) -> str:
    """`N. Title` as a YAML key: plain if YAML reads it back as it is, quoted otherwise."""
    label = f"{number}. {title.strip()}"
    try:
        plain = yaml.safe_load(f"- {label}: x") == [{label: "x"}]
    except yaml.YAMLError:
        plain = False
    return label if plain else json.dumps(label, ensure_ascii=False)


def _insert(lines: list[str], entry: re.Pattern, slug: str, line: str, after_first: re.Pattern) -> bool:
    """Put `line` among the entries `entry` matches, in number order, with their indentation;
    after the line `after_first` matches when there are none yet. False if it found neither."""
    entries = [(index, match) for index, text in enumerate(lines) if (match := entry.match(text))]
    if any(match["slug"] == slug for _, match in entries):
        return True  # listed already
    if entries:
        later = [index for index, match in entries if match["slug"] > slug]
        indent = entries[0][1]["indent"]
        position = later[0] if later else entries[-1][0] + 1
    else:
        anchor = next(((index, text) for index, text in enumerate(lines) if after_first.match(text)), None)
        if anchor is None:
            return False
        index, text = anchor
        indent = re.match(r"\s*", text)[0]
        position = index + 1
        if text.rstrip().endswith(":"):  # a section heading: its entries go one level in
            indent += "    "
    lines.insert(position, f"{indent}{line}")
    return True


def add_to_nav(config_text: str, slug: str, title: str) -> str:
    """mkdocs.yml's text with the lesson's two entries added, each in number order."""
    label = _label(int(slug[:2]), title)
    lines = config_text.splitlines()
    if not _insert(lines, LESSON_ENTRY, slug, f"- {label}: lessons/{slug}.ipynb", re.compile(r"^\s*- Lessons:\s*$")):
        raise Refusal("mkdocs.yml's nav has no Lessons section to add the lesson to; add it by hand")
    if not _insert(
        lines, GUIDE_ENTRY, slug, f"- {label}: instructors/{slug}.md", re.compile(r".*instructors/index\.md")
    ):
        raise Refusal(
            "mkdocs.yml's nav has no Instructor guide (instructors/index.md) to add the page to; add it by hand"
        )
    return "\n".join(lines) + ("\n" if config_text.endswith("\n") else "")


def create(slug: str, title: str, repo: Path = REPO) -> list[str]:
    """Write the lesson and add it to the nav; what was done, as lines to print."""
    lessons, config = repo / "lessons", repo / "mkdocs.yml"
    check_request(slug, title, lessons)
    notebook = lesson_from_template(slug, title)
    new_config = add_to_nav(config.read_text(), slug, title)  # refuses before anything is written
    nbformat.write(notebook, lessons / f"{slug}.ipynb")
    config.write_text(new_config)
    return [
        f"Created lessons/{slug}.ipynb from the template ({TEMPLATE.relative_to(REPO)}) and added it to both",
        "navigations in mkdocs.yml (Lessons, and Instructor guide: its page is made at build).",
        "Next: replace the template's example with the lesson (CONTRIBUTING.md), then check it with",
        f"  .venv/bin/python -m lesson_runner.lint lessons/{slug}.ipynb",
        f"  .venv/bin/python -m pytest -m lessons -k {slug[:2]} -q",
    ]


def main(argv: list[str]) -> int:
    slug, title = (list(argv) + ["", ""])[:2]
    try:
        print("\n".join(create(slug.strip(), title)))
    except Refusal as refusal:
        print(f"new-lesson: {refusal}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
