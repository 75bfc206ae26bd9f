"""Every lesson executed, and what each one promises checked, cell by cell."""

import json
import re

import pytest

import lesson_runner

pytestmark = pytest.mark.lessons

LESSONS = [path.name for path in lesson_runner.lesson_paths()]


def outputs_text(notebook) -> str:
    """Everything the lesson printed or displayed, as plain text."""
    parts = []
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            if output.output_type == "stream":
                parts.append(output.text)
            elif output.output_type == "error":
                parts.append(lesson_runner.ANSI.sub("", "\n".join(output.traceback)))
            else:
                parts.extend(str(value) for value in output.get("data", {}).values())
    return "\n".join(parts)


def test_the_core_lessons_exist_in_order():
    assert LESSONS[:5] == [
        "01-reproduce-the-error.ipynb",
        "02-read-the-message.ipynb",
        "03-the-linear-layer.ipynb",
        "04-derive-1568.ipynb",
        "05-fix-it.ipynb",
    ]


@pytest.mark.parametrize("name", LESSONS)
def test_lesson_runs_as_it_promises(executed_lessons, name):
    lesson = executed_lessons[name]
    assert lesson.ok, "\n" + "\n".join(str(problem) for problem in lesson.problems)


@pytest.mark.parametrize("name", LESSONS)
def test_every_tagged_cell_raised_its_expected_error(executed_lessons, name):
    tagged = 0
    for number, cell in enumerate(executed_lessons[name].notebook.cells, start=1):
        if lesson_runner.RAISES_TAG not in cell.metadata.get("tags", []):
            continue
        tagged += 1
        errors = [output for output in cell.outputs if output.output_type == "error"]
        expected = cell.metadata["expected_error"]
        assert len(errors) == 1, f"{name}, cell {number}: expected one error output, found {len(errors)}"
        assert (errors[0].ename, errors[0].evalue) == (expected["ename"], expected["evalue"]), f"{name}, cell {number}"


def expected_errors(notebook):
    return [
        (cell.metadata["expected_error"]["ename"], cell.metadata["expected_error"]["evalue"])
        for cell in notebook.cells
        if "expected_error" in cell.metadata
    ]


SUMMARY_CALL = 'summary(cnn, (1, 28, 28), device="cpu")'


def cell_by_id(notebook, cell_id):
    """The cell with this id, and a label naming it for failure messages."""
    found = [(number, cell) for number, cell in enumerate(notebook.cells, start=1) if cell.get("id") == cell_id]
    assert len(found) == 1, f"expected one cell with id {cell_id!r}, found {len(found)}"
    number, cell = found[0]
    return cell, f"cell {number} (id {cell_id})"


def prose(notebook) -> str:
    """The lesson's Markdown, speaker notes included, and its misconceptions."""
    cells = [cell.source for cell in notebook.cells if cell.cell_type == "markdown"]
    misconceptions = notebook.metadata.get("lesson", {}).get("misconceptions", [])
    return "\n".join(cells + [f"{item['belief']}\n{item['correction']}" for item in misconceptions])


def stream(cell) -> str:
    return "".join(output.text for output in cell.outputs if output.output_type == "stream")


MESSAGE = re.compile(r"mat1 and mat2 shapes cannot be multiplied \((\d+)x(\d+) and (\d+)x(\d+)\)")


def test_lesson_1_raises_the_exact_error_from_summary(executed_lessons):
    notebook = executed_lessons["01-reproduce-the-error.ipynb"].notebook
    assert expected_errors(notebook)[0] == (
        "RuntimeError",
        "mat1 and mat2 shapes cannot be multiplied (2x1568 and 1050x10)",
    )
    summary_cell = next(cell for cell in notebook.cells if cell.source.startswith(SUMMARY_CALL))
    assert summary_cell.outputs[0].evalue == "mat1 and mat2 shapes cannot be multiplied (2x1568 and 1050x10)"
    # The seed model, exactly as posted.
    model_cell = next(cell for cell in notebook.cells if "class CNN" in cell.source)
    for line in [
        "nn.Conv2d(in_channels=1, out_channels=16, kernel_size=5, stride=1, padding=2),",
        "nn.MaxPool2d(kernel_size=2),",
        "nn.Conv2d(16, 32, 5, 1, 2),",
        "nn.MaxPool2d(2),",
        "self.out = nn.Linear(1050, 10)",
        "x = x.view(x.size(0), -1)",
        "return output, x",
    ]:
        assert line in model_cell.source


def test_lesson_1_traceback_shows_the_frames_that_matter(executed_lessons):
    notebook = executed_lessons["01-reproduce-the-error.ipynb"].notebook
    error = next(
        output for cell in notebook.cells for output in cell.get("outputs", []) if output.output_type == "error"
    )
    traceback = lesson_runner.ANSI.sub("", "\n".join(error.traceback))
    assert f"----> 1 {SUMMARY_CALL}" in traceback
    assert "---> 29         output = self.out(x)" in traceback
    assert "File torch/nn/modules/linear.py" in traceback
    assert "frames inside the library hidden" in traceback
    assert "site-packages" not in traceback
    assert traceback.rstrip().endswith("RuntimeError: mat1 and mat2 shapes cannot be multiplied (2x1568 and 1050x10)")


def test_lesson_1_says_what_each_number_follows(executed_lessons):
    """Issue 21: "the other three numbers stay put: they belong to the model" was false; its own
    exercise 2 changes the second. Every batch the lesson runs is held to what the lesson now says:
    A is the batch, B follows the image size (32 channels of side/4 × side/4), C and D are the layer's."""
    name = "01-reproduce-the-error.ipynb"
    notebook = executed_lessons[name].notebook
    text = prose(notebook)
    assert "stay put: they belong to the model" not in text, f"{name}: the false claim is back"
    seen = []
    for number, cell in enumerate(notebook.cells, start=1):
        if cell.cell_type != "code":
            continue
        batch = re.search(r"torch\.zeros\((\d+), 1, (\d+), (\d+)\)", cell.source)
        outputs = stream(cell) + "".join(output.get("evalue", "") for output in cell.outputs)
        message = MESSAGE.search(outputs)
        if not batch or not message:
            continue
        images, side = int(batch[1]), int(batch[2])
        a, b, c, d = map(int, message.groups())
        where = f"{name}, cell {number}: {message[0]}"
        assert a == images, f"{where}: the first number is not the batch of {images}"
        assert b == 32 * (side // 4) ** 2, f"{where}: the second number is not 32 · {side // 4} · {side // 4}"
        assert (c, d) == (1050, 10), f"{where}: the last two are not the layer's (1050, 10)"
        seen.append((images, side, b))
    assert seen == [(3, 28, 1568), (1, 28, 1568), (2, 32, 2048)], seen
    teaching, where = cell_by_id(notebook, "01-09")
    for fact in ["follows\nthe batch size", "the image size", "`in_features` and `out_features`"]:
        assert fact in teaching.source, f"{name}, {where}: does not say {fact!r}"


def test_lesson_1_defines_the_seed_model_before_any_lesson_uses_it():
    """Issue 21: "seed model" was used in lessons 3 onwards and never defined."""
    users = [path.name for path in lesson_runner.lesson_paths() if "seed model" in path.read_text().lower()]
    assert users[0] == "01-reproduce-the-error.ipynb", f"{users[0]} says 'seed model' before lesson 1 defines it"
    notebook = json.loads((lesson_runner.LESSONS_DIR / users[0]).read_text())
    [definition] = [cell for cell in notebook["cells"] if cell["id"] == "01-01"]
    text = "".join(definition["source"])
    assert "**seed model**" in text and "nn.Linear(1050, 10)" in text, "lesson 1, cell 01-01: no definition"


def test_lesson_2_explains_every_number(executed_lessons):
    notebook = executed_lessons["02-read-the-message.ipynb"].notebook
    text = outputs_text(notebook)
    assert "input of cnn.out: [(2, 1568)]" in text
    assert "weight: (10, 1050)" in text
    assert ("RuntimeError", "mat1 and mat2 shapes cannot be multiplied (2x1568 and 1050x10)") in expected_errors(
        notebook
    )
    for row in ["| `2` | 2 |", "| `1568` | 1568 |", "| `1050` | 1050 |", "| `10` | 10 |"]:
        assert row in text


def test_lesson_2_batch_norm_refuses_only_one_value_per_channel(executed_lessons):
    """Issue 21: "batch-norm layers refuse to train on a batch of one" was false."""
    name = "02-read-the-message.ipynb"
    notebook = executed_lessons[name].notebook
    assert "refuse to train on a batch of one" not in prose(notebook), f"{name}: the false claim is back"
    cell, where = cell_by_id(notebook, "02-04b")
    assert stream(cell) == (
        "one 3×4×4 image: (1, 3, 4, 4)\n"
        "one 3×1×1 image: Expected more than 1 value per channel when training, got input size torch.Size([1, 3, 1, 1])\n"
    ), f"{name}, {where}: printed {stream(cell)!r}"


def test_lesson_2_shows_the_rule_fail_when_a_is_not_the_batch(executed_lessons):
    """Issue 21, section 2: for (AxB and CxD) the layer is nn.Linear(B, D) only when A is the batch.
    One unbatched image through the fixed model: the message, the rule's layer returning A rows for
    one image, and the right fix returning one row, all read from the executed cells."""
    name = "02-read-the-message.ipynb"
    notebook = executed_lessons[name].notebook
    raised, where = cell_by_id(notebook, "02-13c")
    [error] = [output for output in raised.outputs if output.output_type == "error"]
    assert error.evalue == "mat1 and mat2 shapes cannot be multiplied (32x49 and 1568x10)", f"{name}, {where}"
    a, b, c, d = map(int, MESSAGE.search(error.evalue).groups())
    assert a * b == c, f"{name}, {where}: A · B should be C, the sign that A is not the batch"
    rule, where = cell_by_id(notebook, "02-13e")
    assert stream(rule) == (
        f"({a}x{b} and {c}x{d}): the rule says nn.Linear({b}, {d})\n"
        f"A · B = {a} · {b} = {a * b}, and C = {c}\n"
        f"1 image through nn.Linear({b}, {d}) -> {a} rows of predictions\n"
    ), f"{name}, {where}: printed {stream(rule)!r}"
    fix, where = cell_by_id(notebook, "02-13g")
    assert stream(fix) == "1 image, (1, 1, 28, 28) -> 1 row of predictions\n", (
        f"{name}, {where}: printed {stream(fix)!r}"
    )


# Where the rule "(AxB and CxD) -> nn.Linear(B, D)" is written, the batch question and the other
# branch must be close by.
BATCH_QUESTION = re.compile(
    r"is A\s+your batch size|whether A is\s+your batch size|whether the first number is\s+your batch", re.I
)
FENCED = re.compile(r"^```.*?^```", re.S | re.M)
OTHER_BRANCH = re.compile(r"not the layer|the layer is right|leave the layer\s+alone")


def rule_places():
    lesson_2 = json.loads((lesson_runner.LESSONS_DIR / "02-read-the-message.ipynb").read_text())
    yield (
        "lesson 2",
        "\n".join("".join(cell["source"]) for cell in lesson_2["cells"] if cell["cell_type"] == "markdown"),
    )
    for page in ["index.md", "reference.md"]:
        yield f"docs/{page}", FENCED.sub("", (lesson_runner.DOCS_DIR / page).read_text())  # prose, not code


@pytest.mark.parametrize("where, text", list(rule_places()), ids=lambda value: value if len(value) < 20 else "")
def test_the_rule_asks_about_the_batch_wherever_it_is_written(where, text):
    places = [match.start() for match in re.finditer(r"nn\.Linear\(B, D\)", text)]
    assert places, f"{where}: the rule nn.Linear(B, D) is not written at all"
    for place in places:
        around = text[max(0, place - 500) : place + 500]
        line = text.count("\n", 0, place) + 1
        assert BATCH_QUESTION.search(around), f"{where}, line {line}: nn.Linear(B, D) without asking if A is the batch"
        assert OTHER_BRANCH.search(around), f"{where}, line {line}: nn.Linear(B, D) without what to do if A is not"
    key_points = text.split("## Key points")[-1] if where == "lesson 2" else ""
    if where == "lesson 2":
        assert BATCH_QUESTION.search(key_points) and "unsqueeze(0)" in key_points, "lesson 2's key points"


def test_lesson_3_names_the_dense_layer_and_its_relu(executed_lessons):
    """Issue 21: relu(dot(W, input) + b) is a dense layer followed by a ReLU, not "a fully connected
    layer" as textbooks write it; nn.Linear has no activation inside, shown by its negative outputs."""
    name = "03-the-linear-layer.ipynb"
    notebook = executed_lessons[name].notebook
    text = prose(notebook)
    reference = (lesson_runner.DOCS_DIR / "reference.md").read_text()
    for where, words in [(name, text), ("docs/reference.md", reference)]:
        assert "Textbook" not in words, f"{where}: relu(dot(W, input) + b) is called the textbook layer again"
        assert "relu(dot(W, input) + b)" in words, where
        assert re.search(r"dense layer\s+followed by a ReLU", words), f"{where}: does not say dense layer + ReLU"
        assert 'Dense(units, activation="relu")' in words, f"{where}: does not name Keras's Dense"
    cell, where = cell_by_id(notebook, "03-06")
    below_zero = re.search(r"outputs below zero: (\d+) of 15 \(a ReLU would leave none\)", stream(cell))
    assert below_zero and int(below_zero[1]) > 0, f"{name}, {where}: printed {stream(cell)!r}"


def test_lesson_3_names_the_missing_softmax(executed_lessons):
    """Issue 21: the post's "10-way softmax layer ... probability scores" is named and corrected."""
    name = "03-the-linear-layer.ipynb"
    notebook = executed_lessons[name].notebook
    section, where = cell_by_id(notebook, "03-10")
    for words in ['"10-way softmax layer"', "seed model", "logits", "applies log-softmax itself"]:
        assert words in section.source, f"{name}, {where}: does not say {words!r}"
    cell, where = cell_by_id(notebook, "03-11b")
    sums = dict(re.findall(r"^row sums (of the logits|after softmax): *(\[.*\])$", stream(cell), re.M))
    assert sums["after softmax"] == "[1.0, 1.0, 1.0, 1.0]", f"{name}, {where}"
    assert sums["of the logits"] != sums["after softmax"], f"{name}, {where}"


def test_lesson_3_writes_the_formula_and_counts_parameters(executed_lessons):
    notebook = executed_lessons["03-the-linear-layer.ipynb"].notebook
    assert "output = relu(dot(W, input) + b)" in prose(notebook)
    text = outputs_text(notebook)
    assert "nn.Linear matches x @ W.T + b: True" in text
    assert "nn.Linear(1050, 10): 1050·10 + 10 = 10,510 parameters" in text
    assert "nn.Linear(1568, 10): 1568·10 + 10 = 15,690 parameters" in text


def test_lesson_4_table_is_measured_and_agrees_with_the_formula(executed_lessons):
    text = outputs_text(executed_lessons["04-derive-1568.ipynb"].notebook)
    shapes = re.findall(r"\| ([\d ×]+) \| ([\d ×]+) \| ✓ \|", text)
    assert shapes == [
        ("16 × 28 × 28", "16 × 28 × 28"),
        ("16 × 28 × 28", "16 × 28 × 28"),
        ("16 × 14 × 14", "16 × 14 × 14"),
        ("32 × 14 × 14", "32 × 14 × 14"),
        ("32 × 14 × 14", "32 × 14 × 14"),
        ("32 × 7 × 7", "32 × 7 × 7"),
    ]
    assert "✗" not in text
    assert "32 · 7 · 7 = 1568" in text


def test_lesson_5_fixed_summary_and_the_trap(executed_lessons):
    notebook = executed_lessons["05-fix-it.ipynb"].notebook
    text = outputs_text(notebook)
    assert re.search(r"Linear-7\s+\[-1, 10\]\s+15,690", text)
    assert "Total params: 28,938" in text
    assert "after:  Linear(in_features=1568, out_features=10, bias=True)" in text
    assert "(3, 32, 32): Linear(in_features=2048, out_features=10, bias=True)" in text
    assert "100x100 images -> logits (2, 10)" in text
    assert "75 images -> 112 rows of predictions" in text
    assert expected_errors(notebook) == [
        ("RuntimeError", "shape '[-1, 1050]' is invalid for input of size 3136"),
        ("ValueError", "Expected input batch_size (112) to match target batch_size (75)."),
    ]


NUMBER_WORDS = {2: "two", 3: "three", 4: "four", 5: "five"}


def test_lesson_5_counts_its_robust_ways():
    """Issue 21: the first cell promised four ways to write the model, and the lesson has three."""
    notebook = json.loads((lesson_runner.LESSONS_DIR / "05-fix-it.ipynb").read_text())
    markdown = ["".join(cell["source"]) for cell in notebook["cells"] if cell["cell_type"] == "markdown"]
    robust = [line for text in markdown for line in text.splitlines() if line.startswith("## Robust ")]
    assert [line.split(":")[0] for line in robust] == [f"## Robust {n}" for n in range(1, len(robust) + 1)], robust
    promise = re.search(r"shows (\w+) ways to write the model", markdown[0])
    assert promise and promise[1] == NUMBER_WORDS[len(robust)], (
        f"05-fix-it.ipynb, cell 1: promises {promise and promise[1]!r} ways, the lesson has {len(robust)}"
    )


def test_the_landing_page_tells_the_view_trap_truly(executed_lessons):
    """Issue 21: x.view(-1, 1050) does not always give wrong predictions silently: for most batch sizes it
    raises. Lesson 5's exercise counts the batch sizes that pass silently."""
    landing = " ".join((lesson_runner.DOCS_DIR / "index.md").read_text().split())
    assert "reshapes across images and silently" not in landing, "docs/index.md: the view(-1, 1050) claim is back"
    assert "For most batch sizes it raises a new error" in landing, "docs/index.md"
    cell, where = cell_by_id(executed_lessons["05-fix-it.ipynb"].notebook, "05-25")
    silent = json.loads(re.search(r"for batch sizes: (\[.*\])", stream(cell))[1])
    assert 0 < len(silent) < 50, f"05-fix-it.ipynb, {where}: {silent} of 1..100 run silently: not 'the few'"


def test_the_landing_page_corrects_the_blog_posts_slips():
    """Issue 21: one box, before the fix, names the post's three slips, each with the lesson that shows it."""
    landing = (lesson_runner.DOCS_DIR / "index.md").read_text()
    box = re.search(r'^\?\?\?\+? info "If you came from the blog post[^"]*"\n((?:\n|    .*\n)+)', landing, re.M)
    assert box and box.start() < landing.index("## The fix in 30 seconds"), "docs/index.md: no early blog-post box"
    slips = re.split(r"\n    - ", box[1])[1:]
    expected = [
        ("softmax", "logits", "lessons/03-the-linear-layer.ipynb#no-softmax-either"),
        ("output and target", "weight", "lessons/02-read-the-message.ipynb#what-the-message-is-not-about"),
        ("relu(dot(W, input) + b)", "followed by a ReLU", "lessons/03-the-linear-layer.ipynb#what-nnlinear-computes"),
    ]
    assert len(slips) == len(expected), slips
    for slip, words in zip(slips, expected):
        for word in words:
            assert word in " ".join(slip.split()), f"docs/index.md, the blog-post box: {word!r} missing from {slip!r}"


# --- the pictures of the core lessons, drawn by code from the model ---------------------------------

CORE_PICTURES = {
    # lesson: (the cell that draws, what it printed in words, how many pictures)
    "01-reproduce-the-error.ipynb": (
        "broken_flow = draw_shape_flow(",
        "input 2×1×28×28 → Conv2d 2×16×28×28 → MaxPool2d 2×16×14×14 → Conv2d 2×32×14×14 → MaxPool2d 2×32×7×7"
        " → reshape 2×1568 → Linear raised\n",
        1,
    ),
    "02-read-the-message.ipynb": (
        "shapes = draw_product(cnn.out",
        "mat1 2×1568 @ mat2 1050×10: inner sizes differ: 1568 ≠ 1050\n",
        1,
    ),
    "03-the-linear-layer.ipynb": (
        "batch_of_features = torch.zeros(2, 1568)",
        "mat1 2×1568 @ mat2 1050×10: inner sizes differ: 1568 ≠ 1050\nmat1 2×1568 @ mat2 1568×10 = 2×10\n",
        2,
    ),
    "04-derive-1568.ipynb": (
        "seed_flow = draw_shape_flow(",
        "input 2×1×28×28 → Conv2d 2×16×28×28 → MaxPool2d 2×16×14×14 → Conv2d 2×32×14×14 → MaxPool2d 2×32×7×7"
        " → reshape 2×1568 → Linear raised\n",
        1,
    ),
    "05-fix-it.ipynb": (
        "fixed_flow = draw_shape_flow(",
        "input 2×1×28×28 → Conv2d 2×16×28×28 → MaxPool2d 2×16×14×14 → Conv2d 2×32×14×14 → MaxPool2d 2×32×7×7"
        " → reshape 2×1568 → Linear 2×10\n",
        1,
    ),
}


@pytest.mark.parametrize("name", sorted(CORE_PICTURES))
def test_core_lesson_draws_its_picture_from_the_model(executed_lessons, name):
    marker, in_words, pictures = CORE_PICTURES[name]
    notebook = executed_lessons[name].notebook
    [(number, cell)] = [
        (number, cell)
        for number, cell in enumerate(notebook.cells, start=1)
        if cell.cell_type == "code" and marker in cell.source
    ]
    where = f"{name}, cell {number}"
    images = [output for output in cell.outputs if "image/png" in output.get("data", {})]
    assert len(images) == pictures, f"{where}: expected {pictures} picture(s), got {len(images)}"
    printed = "".join(output.text for output in cell.outputs if output.output_type == "stream")
    # The words are wrapped to the page's code column; what they say is compared, not where they wrap.
    assert printed.split() == in_words.split(), f"{where}: printed {printed!r}"
    assert max(len(line) for line in printed.splitlines()) <= 76, f"{where}: a printed line runs off the column"
    # The function that draws it is in the lesson, in the cell just before, folded on the page.
    helper = notebook.cells[number - 2]
    assert "drawing-code" in helper.metadata.get("tags", []), f"{where}: the cell before is not the drawing code"
    assert re.search(r"^def draw_", helper.source, re.M), f"{where}: the cell before defines no draw_ function"


@pytest.mark.parametrize("name", LESSONS)
def test_drawing_code_stays_off_the_slides(name):
    """An instructor shows the picture, not 90 lines of matplotlib."""
    notebook = json.loads((lesson_runner.LESSONS_DIR / name).read_text())
    for number, cell in enumerate(notebook["cells"], start=1):
        if "drawing-code" in cell["metadata"].get("tags", []):
            assert cell["metadata"].get("slideshow", {}).get("slide_type") == "skip", f"{name}, cell {number}"


@pytest.mark.parametrize("name", LESSONS)
def test_lesson_has_the_house_skeleton(name):
    notebook = json.loads((lesson_runner.LESSONS_DIR / name).read_text())
    headings = [
        line
        for cell in notebook["cells"]
        if cell["cell_type"] == "markdown"
        for line in "".join(cell["source"]).splitlines()
        if line.startswith("#")
    ]
    assert headings[0].startswith("# "), f"{name}: the first heading must be the title"
    for required in ["## You will learn", "## Prerequisites", "## Exercises", "## Key points"]:
        assert required in headings, f"{name}: missing the section {required!r}"
    solutions = [cell for cell in notebook["cells"] if "solution" in cell["metadata"].get("tags", [])]
    assert len(solutions) >= 2, f"{name}: needs at least two exercises with executed solutions"
    minutes = notebook["metadata"].get("lesson", {})
    assert minutes.get("teaching_minutes", 0) > 0 and minutes.get("exercise_minutes", 0) > 0, name


@pytest.mark.parametrize("name", LESSONS)
def test_committed_lesson_has_no_outputs(name):
    notebook = json.loads((lesson_runner.LESSONS_DIR / name).read_text())
    for number, cell in enumerate(notebook["cells"], start=1):
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None, (
                f"{name}, cell {number}: committed with outputs; clear them (nbstripout) before committing"
            )


@pytest.mark.parametrize("name", LESSONS)
def test_lesson_stands_alone(name):
    source = (lesson_runner.LESSONS_DIR / name).read_text()
    assert "lesson_runner" not in source and "sys.path" not in source, f"{name} reaches into the repository"


@pytest.mark.parametrize("name", LESSONS)
def test_no_machine_paths_in_outputs(executed_lessons, name):
    text = outputs_text(executed_lessons[name].notebook)
    for fragment in ["/tmp/", "/root/", "site-packages", "/work/", ".venv"]:
        assert fragment not in text, f"{name}: {fragment!r} appears in the outputs"
