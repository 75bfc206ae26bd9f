"""The instructor guide's Markdown, from the lesson facts (Carpentries-style instructor notes).

Every number, list and line of code here is read from the lessons when the site is built:
the schedule from `lesson.teaching_minutes` / `lesson.exercise_minutes`, the objectives and key
points from the lessons' sections, the misconceptions from `lesson.misconceptions`, and the
live-coding script from the lesson's own code cells, speaker notes and executed outputs.
"""

from __future__ import annotations

import re
import textwrap

from lesson_runner import lesson_facts
from lesson_runner.lesson_facts import LessonFacts

GUIDE_DIR = "instructors"
SCHEDULE_PLACEHOLDER = "<!-- schedule -->"
# The live-coding script's headings for the lesson's framing sections (the others keep their own).
_SCRIPT_HEADINGS = {"you will learn": "Opening", "prerequisites": "Opening", "key points": "Wrap-up"}
_RELATIVE_LINK = re.compile(r"\]\((?![a-z]+:|/|#)([^)]+\.ipynb(?:#[^)]*)?)\)")
# A link from a lesson's page (lessons/<slug>/) to the site's root: `../../downloads/check_setup.py`.
_TO_SITE_ROOT = re.compile(r"\]\(\.\./\.\./")


def guide_path(slug: str) -> str:
    return f"{GUIDE_DIR}/{slug}.md"


def _from_lessons_folder(markdown: str) -> str:
    """Links written inside a lesson (`[Lesson 1](01-....ipynb)`, `[the check](../../downloads/check_setup.py)`)
    as seen from instructors/."""
    return _TO_SITE_ROOT.sub("](../", _RELATIVE_LINK.sub(r"](../lessons/\1)", markdown))


def _indent(text: str) -> str:
    return textwrap.indent(text, "    ", lambda line: True)


def _minutes(value: int) -> str:
    return f"{value} min"


def _clock(minutes: int) -> str:
    return f"{minutes // 60}:{minutes % 60:02d}"


def _cell(text: str) -> str:
    """Text for a Markdown table cell."""
    return text.replace("|", "\\|").replace("\n", " ")


def _bullets(items: list[str]) -> str:
    return "\n".join(f"- {_from_lessons_folder(item)}" for item in items)


def lesson_page(facts: LessonFacts, lesson_uri: str, deck_uri: str) -> str:
    """instructors/<slug>.md. `lesson_uri` and `deck_uri` are paths in the site's sources."""
    lesson_link = f"../{lesson_uri}"
    deck_link = f"../{deck_uri}"
    exercises = len(facts.exercises)
    out = [
        f"# {facts.title}: instructor notes",
        "",
        f"[Lesson page]({lesson_link}){{ .md-button }} [Slides]({deck_link}){{ .md-button }}",
        "",
        "| Teaching | Exercises | Total |",
        "|---|---|---|",
        f"| {_minutes(facts.teaching_minutes)} | {_minutes(facts.exercise_minutes)} for "
        f"{exercises} exercise{'s' if exercises != 1 else ''} | {_minutes(facts.total_minutes)} |",
        "",
        "## Objectives",
        "",
        "Learners will learn:",
        "",
        _bullets(facts.objectives),
        "",
    ]
    if facts.prerequisites:
        out += ["## Prerequisites", "", _bullets(facts.prerequisites), ""]
    out += ["## Key points", "", _bullets(facts.key_points), ""]
    out += ["## Common misconceptions", ""]
    if facts.misconceptions:
        out += [
            "What learners often believe, what this lesson shows them instead, and where.",
            "",
            "| Learners may think | The lesson shows | Where |",
            "|---|---|---|",
        ]
        for item in facts.misconceptions:
            where = f"[{item.section or 'top'}]({lesson_link}#cell-id={item.cell_id})"
            out.append(f"| {_cell(item.belief)} | {_cell(item.correction)} | {where} |")
    else:
        out.append("This lesson lists none yet: add `lesson.misconceptions` to its notebook metadata.")
    out += [
        "",
        "## Live-coding script",
        "",
        "Type each cell marked *Type* while the learners type along; say what the speaker notes say. The cells "
        "marked *Paste* (imports and set-up, the code that draws the pictures, long support code) come ready: "
        "paste them, and the learners do the same, from the lesson page, where each is shown (drawing code "
        "folded under *The code that draws the picture below*), or run them in the lesson's notebook, "
        "downloaded from that page: the notebook holds every cell, so it needs no other file and no network. "
        "Every cell below is the lesson's own code, and every *Expect* is what it printed when this site was built.",
        "",
        _fit_sentence(facts),
        "",
    ]
    out += _script(facts)
    out += [f"## Exercises: {_minutes(facts.exercise_minutes)}", ""]
    for exercise in facts.exercises:
        solutions = f"{exercise.solutions} solution cell{'s' if exercise.solutions != 1 else ''}"
        out += [
            f"### Exercise {exercise.number}: {exercise.title}",
            "",
            _from_lessons_folder(exercise.prompt),
            "",
            f"*{solutions}, executed at build, collapsed on the [lesson page]({lesson_link}).*",
            "",
        ]
    return "\n".join(out) + "\n"


def _fit_sentence(facts: LessonFacts) -> str:
    """What this lesson asks of its teaching minutes, at the pace the schedule states."""
    load = facts.workload
    return (
        f"This lesson has {load.code_lines} lines to type, {load.outputs} outputs to discuss and {load.words} "
        f"words of prose: {load.teaching_minutes:.1f} minutes at {lesson_facts.TYPED_LINES_PER_MINUTE} typed "
        f"lines, {lesson_facts.OUTPUTS_DISCUSSED_PER_MINUTE} outputs and {lesson_facts.PRESENTED_WORDS_PER_MINUTE} "
        f"words a minute, within its {_minutes(facts.teaching_minutes)} of teaching."
    )


def _script(facts: LessonFacts) -> list[str]:
    """Every speaker note and code cell of the lesson in order, under the lesson's own section headings."""
    out: list[str] = []
    pending, shown = _SCRIPT_HEADINGS["you will learn"], None
    step_number = 0
    for step in facts.steps:
        if step.kind == "section":
            pending = _SCRIPT_HEADINGS.get(step.text.lower(), step.text)
            continue
        if pending != shown:
            out += [f"### {pending}", ""]
            shown = pending
        if step.kind == "say":
            out += ['!!! quote "Say"', "", _indent(_from_lessons_folder(step.text)), ""]
            continue
        step_number += 1
        if step.kind == "paste":
            lines = f"{step.lines} line{'s' if step.lines != 1 else ''}"
            out += [
                f'??? note "Step {step_number}. Paste this cell; don\'t type it ({lines})"',
                "",
                _indent(f"```python\n{step.text}\n```"),
                "",
            ]
        else:
            out += [f"**Step {step_number}.** Type:", "", "```python", step.text, "```", ""]
        if step.expect_format == "error":
            out += ['!!! failure "Expect this error"', "", _indent(f"```text\n{step.expect}\n```"), ""]
        elif step.expect_format == "markdown":
            out += ["Expect this table, computed by the cell:", "", step.expect, ""]
        elif step.expect:
            out += ["Expect:", "", "```text", step.expect, "```", ""]
    return out


def schedule(lessons: list[tuple[LessonFacts, str, str]]) -> str:
    """The workshop's schedule: (facts, guide page URI, deck URI) in order; all relative to instructors/."""
    out = [
        "| Starts | Lesson | Teaching | Exercises | Slides | Instructor notes |",
        "|---|---|---|---|---|---|",
    ]
    start = 0
    for facts, guide_uri, deck_uri in lessons:
        out.append(
            f"| {_clock(start)} | {facts.title} | {_minutes(facts.teaching_minutes)} | "
            f"{_minutes(facts.exercise_minutes)} ({len(facts.exercises)} exercises) | "
            f"[slides](../{deck_uri}) | [notes](../{guide_uri}) |"
        )
        start += facts.total_minutes
    teaching = sum(facts.teaching_minutes for facts, _, _ in lessons)
    exercise = sum(facts.exercise_minutes for facts, _, _ in lessons)
    count = sum(len(facts.exercises) for facts, _, _ in lessons)
    out.append(
        f"| {_clock(start)} | **Total: {len(lessons)} lessons, {_clock(start)} h** | **{_minutes(teaching)}** | "
        f"**{_minutes(exercise)}** ({count} exercises) | | |"
    )
    out.extend(["", lesson_facts.pace_sentence()])
    return "\n".join(out)
