"""Lessons 10 and 11, checked on their executed outputs: finding the layer that raised, and the summary
tools with the old wording (the second half of the old lesson 8, whose checks are carried over here).

tests/test_lessons.py already runs every lesson through the generic checks (runs as promised, house
skeleton, no outputs committed, stands alone); these tests assert what each of the two lessons teaches.
"""

import ast
import json
import re

import pytest
import torch
from lesson_outputs import cell_text, expected_errors, find_cell, images, printed, prose

import lesson_runner

pytestmark = pytest.mark.lessons

FIND = "10-find-the-layer-that-raised.ipynb"
TOOLS = "11-summary-tools-and-old-wording.ipynb"


def traceback_text(cell) -> str:
    [error] = [output for output in cell.outputs if output.output_type == "error"]
    return lesson_runner.ANSI.sub("", "\n".join(error.traceback))


def raw_cells(name) -> list[dict]:
    return json.loads((lesson_runner.LESSONS_DIR / name).read_text())["cells"]


# --- both lessons --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", [FIND, TOOLS])
def test_every_cell_is_placed_on_the_slides_and_numbered_in_the_lesson(name):
    prefix = name[:2] + "-"
    for number, cell in enumerate(raw_cells(name), start=1):
        where = f"{name}, cell {number}"
        assert cell["id"].startswith(prefix), f"{where}: id {cell['id']!r} is not in the lesson's numbering"
        kind = cell["metadata"].get("slideshow", {}).get("slide_type")
        assert kind in {"slide", "subslide", "fragment", "-", "skip", "notes"}, f"{where}: slide type {kind!r}"
        source = "".join(cell["source"])
        if cell["cell_type"] == "markdown" and re.search(r"^## ", source, re.M):
            assert kind == "slide", f"{where}: a ## section starts a slide, not {kind!r}"
        if kind == "notes":
            assert not re.search(r"^#", source, re.M), f"{where}: speaker notes hold a heading"


def torchsummary_calls(source: str):
    """Each call of torchsummary's `summary(...)` in a cell's code: its line, and the keywords it passes."""
    lines = source.splitlines()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "summary":
            yield lines[node.lineno - 1], {keyword.arg for keyword in node.keywords}


def torchinfo_calls(source: str):
    for node in ast.walk(ast.parse(source)):
        func = getattr(node, "func", None)
        if isinstance(node, ast.Call) and isinstance(func, ast.Attribute) and func.attr == "summary":
            if isinstance(func.value, ast.Name) and func.value.id == "torchinfo":
                yield ast.get_source_segment(source, node), {keyword.arg for keyword in node.keywords}


@pytest.mark.parametrize("name", [FIND, TOOLS])
def test_every_summary_call_chooses_its_device(name):
    """torchsummary's device defaults to "cuda": without device="cpu", a learner with a GPU never reaches
    the lesson's point. The one call that shows the default says so at the end of its line."""
    on_purpose = []
    for number, cell in enumerate(raw_cells(name), start=1):
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"])
        for line, keywords in torchsummary_calls(source):
            if line.rstrip().endswith("# default device on purpose"):
                on_purpose.append((number, source))
            else:
                assert "device" in keywords, f"{name}, cell {number}: {line.strip()!r} passes no device"
        for call, keywords in torchinfo_calls(source):
            # Without a device, torchinfo moves the model to the GPU if there is one (lesson 11).
            assert "device" in keywords, f"{name}, cell {number}: {call!r} passes no device"
    if name == FIND:
        assert on_purpose == [], f"{name}: no torchsummary call should use the default device"
    else:
        [(number, source)] = on_purpose
        assert "if torch.cuda.is_available():" in source, f"{name}, cell {number}: the default runs only on a GPU"


# --- 10: find the layer that raised --------------------------------------------------------------


def test_10_prints_the_shape_after_each_step_then_the_prints_come_out(executed_lessons):
    cell, where = find_cell(executed_lessons, FIND, "class PrintingClassifier(nn.Module):")
    assert printed(cell).splitlines() == [
        "input:          (2, 1, 28, 28)",
        "after features: (2, 32, 7, 7)",
        "after flatten:  (2, 1568)",
        "after fc1:      (2, 128)",
        "after fc2:      (2, 10)",
    ], where
    cell, where = find_cell(executed_lessons, FIND, "class Classifier(PrintingClassifier):")
    assert "print(" not in cell.source.split("model = Classifier()")[0], f"{where}: forward still prints"
    assert printed(cell) == "(2, 10)\n", where


def test_10_the_traceback_line_names_the_second_linear(executed_lessons):
    assert expected_errors(executed_lessons[FIND].notebook) == [
        ("RuntimeError", "mat1 and mat2 shapes cannot be multiplied (2x128 and 64x10)"),
        ("RuntimeError", "mat1 and mat2 shapes cannot be multiplied (2x128 and 64x10)"),
        ("RuntimeError", "mat1 and mat2 shapes cannot be multiplied (2x256 and 400x120)"),
    ]
    cell, where = find_cell(executed_lessons, FIND, "model.fc2 = nn.Linear(64, 10)")
    traceback = traceback_text(cell)
    assert "----> 2 model(images)" in traceback, f"{where}:\n{traceback}"
    assert "in Classifier.forward(self, x)" in traceback, f"{where}:\n{traceback}"
    # The arrow of our own forward points at the second Linear, not the first.
    [arrow] = [line for line in traceback.splitlines() if re.match(r"-+> *\d+ +x = ", line)]
    assert re.fullmatch(r"-+> *\d+ +x = self\.fc2\(x\)", arrow), f"{where}: the arrow shows {arrow!r}"
    assert "File torch/nn/modules/linear.py" in traceback and "frames inside the library hidden" in traceback, where
    assert "site-packages" not in traceback, where
    assert traceback.rstrip().endswith("RuntimeError: mat1 and mat2 shapes cannot be multiplied (2x128 and 64x10)")
    # And from the numbers: mat2 is fc2's weight, in_features x out_features.
    cell, where = find_cell(executed_lessons, FIND, "for name, layer in model.named_modules():")
    assert printed(cell).splitlines() == [
        "mat1 and mat2 shapes cannot be multiplied (2x128 and 64x10)",
        "fc1: nn.Linear(1568, 128)",
        "fc2: nn.Linear(64, 10)  <- the message's mat2",
    ], where


LAYERS_UP_TO_FC1 = [
    "features.0 Conv2d    -> (2, 16, 28, 28)",
    "features.1 ReLU      -> (2, 16, 28, 28)",
    "features.2 MaxPool2d -> (2, 16, 14, 14)",
    "features.3 Conv2d    -> (2, 32, 14, 14)",
    "features.4 ReLU      -> (2, 32, 14, 14)",
    "features.5 MaxPool2d -> (2, 32, 7, 7)",
    "fc1        Linear    -> (2, 128)",
]


def test_10_forward_hooks_print_every_layer_without_editing_forward(executed_lessons):
    cell, where = find_cell(executed_lessons, FIND, "def shapes_printed(model):")
    assert "register_forward_hook" in cell.source and "handle.remove()" in cell.source, where
    cell, where = find_cell(executed_lessons, FIND, "with shapes_printed(model):  # fc2 is still")
    assert printed(cell).splitlines() == LAYERS_UP_TO_FC1, f"{where}: {printed(cell)!r}"
    # The arrow in the cell is at the model call, not inside the helper's cleanup.
    assert "----> 2     model(images)" in traceback_text(cell), where
    cell, where = find_cell(executed_lessons, FIND, "model.fc2 = nn.Linear(128, 10)")
    assert printed(cell).splitlines() == [*LAYERS_UP_TO_FC1, "fc2        Linear    -> (2, 10)"], where


def test_10_draws_the_model_with_the_layer_that_raised(executed_lessons):
    notebook = executed_lessons[FIND].notebook
    cell, where = find_cell(executed_lessons, FIND, "broken_flow = draw_shape_flow(")
    assert len(images(cell)) == 1, f"{where}: expected one picture"
    words = (
        "input 2×1×28×28 → Conv2d 2×16×28×28 → MaxPool2d 2×16×14×14 → Conv2d 2×32×14×14 → MaxPool2d 2×32×7×7"
        " → reshape 2×1568 → fc1 2×128 → fc2 raised"
    )
    assert printed(cell).split() == words.split(), f"{where}: printed {printed(cell)!r}"
    assert max(len(line) for line in printed(cell).splitlines()) <= 76, f"{where}: a printed line runs off the column"
    helper = notebook.cells[notebook.cells.index(cell) - 1]
    assert "drawing-code" in helper.metadata.get("tags", []), f"{where}: the cell before is not the drawing code"
    assert re.search(r"^def draw_", helper.source, re.M), f"{where}: the cell before defines no draw_ function"


def test_10_the_cifar_network_is_the_tutorials_and_cited(executed_lessons):
    cell, where = find_cell(executed_lessons, FIND, "class Net(nn.Module):")
    for line in [
        "self.conv1 = nn.Conv2d(3, 6, 5)",
        "self.pool = nn.MaxPool2d(2, 2)",
        "self.conv2 = nn.Conv2d(6, 16, 5)",
        "self.fc1 = nn.Linear(16 * 5 * 5, 120)",
        "self.fc2 = nn.Linear(120, 84)",
        "self.fc3 = nn.Linear(84, 10)",
        "x = torch.flatten(x, 1)",
    ]:
        assert line in cell.source, f"{where}: {line!r} is not the tutorial's"
    text = prose(FIND)
    assert "https://github.com/pytorch/tutorials/blob/main/beginner_source/blitz/cifar10_tutorial.py" in text
    assert "https://github.com/pytorch/tutorials/issues/503" in text


def test_10_the_cifar_400_by_the_formula_and_by_torch(executed_lessons):
    cell, where = find_cell(executed_lessons, FIND, "def output_size(n, kernel, stride=1, padding=0):")
    assert printed(cell).splitlines() == [
        "conv1 k=5 s=1: ⌊(32 − 5)/1⌋ + 1 = 28",
        "pool  k=2 s=2: ⌊(28 − 2)/2⌋ + 1 = 14",
        "conv2 k=5 s=1: ⌊(14 − 5)/1⌋ + 1 = 10",
        "pool  k=2 s=2: ⌊(10 − 2)/2⌋ + 1 = 5",
        "by the formula: 16 · 5 · 5 = 400",
    ], where
    cell, where = find_cell(executed_lessons, FIND, "feature_maps = net.pool(")
    assert printed(cell).splitlines() == ["by torch: (2, 16, 5, 5), 400 numbers per image", "fc1 takes: 400"], where


def test_10_28_pixels_change_the_message_not_the_kernel(executed_lessons):
    cell, where = find_cell(executed_lessons, FIND, "net(torch.zeros(2, 3, 28, 28))")
    assert cell.outputs[-1].evalue == "mat1 and mat2 shapes cannot be multiplied (2x256 and 400x120)", where
    assert re.search(r"-+> *\d+ +x = F\.relu\(self\.fc1\(x\)\)", traceback_text(cell)), f"{where}: fc1's line"
    cell, where = find_cell(executed_lessons, FIND, "side = last_side(28)")
    assert printed(cell).splitlines() == [
        "28 × 28 images: 16 · 4 · 4 = 256 numbers per image",
        "the kernels: (5, 5) (5, 5)",
    ], where
    assert "is 5 × 5 because 32 × 32 images leave the second pooling layer at that size" in prose(FIND)


def test_10_exercises(executed_lessons):
    cell, where = find_cell(executed_lessons, FIND, "[own] = [frame for frame in frames")
    assert printed(cell).splitlines() == [
        "mat1 and mat2 shapes cannot be multiplied (2x256 and 128x64)",
        "the traceback's line in forward: x = F.relu(self.fc2(x))",
        "the layer whose weight is mat2: ['fc2']",
    ], where
    cell, where = find_cell(executed_lessons, FIND, "side = last_side(64, show=True)")
    lines = printed(cell).splitlines()
    assert lines[-3:] == [
        "by the formula: 16 · 13 · 13 = 2704",
        "unchanged Net: mat1 and mat2 shapes cannot be multiplied (2x2704 and 400x120)",
        "fixed: Linear(in_features=2704, out_features=120, bias=True) -> (2, 10)",
    ], where


# --- 11: the summary tools and the old wording ---------------------------------------------------


def test_11_every_error_raises_its_exact_message(executed_lessons):
    assert expected_errors(executed_lessons[TOOLS].notebook) == [
        ("RuntimeError", "Input type (float) and bias type (double) should be the same"),
        (
            "RuntimeError",
            "Failed to run torchinfo. See above stack traces for more details. Executed layers up to: "
            "[Sequential: 1, Conv2d: 2, ReLU: 2, MaxPool2d: 2, Sequential: 1, Conv2d: 2, ReLU: 2, MaxPool2d: 2]",
        ),
        (
            "RuntimeError",
            "Expected 3D (unbatched) or 4D (batched) input to conv2d, but got input of size: [2, 2, 1, 28, 28]",
        ),
    ]


def test_11_old_wording_translated(executed_lessons):
    cell, where = find_cell(executed_lessons, TOOLS, "def old_wording(message):")
    assert cell_text(cell).splitlines() == [
        "today:      mat1 and mat2 shapes cannot be multiplied (2x1568 and 1050x10)",
        "old words:  size mismatch, m1: [2 x 1568], m2: [1050 x 10]",
        "fix, read from either: Linear(in_features=1568, out_features=10, bias=True) | "
        "Linear(in_features=1568, out_features=10, bias=True)",
    ], where


def test_11_and_the_decoder_name_the_same_releases_for_the_old_wording():
    """The evidence is PyTorch's released wheels (the lesson says how to check them); the lesson and
    the error decoder must say the same: the old words end with 1.6 on the CPU, 1.5 on a GPU."""
    text = " ".join(prose(TOOLS).split())
    for claim in [
        "so on the CPU the old words end with **PyTorch 1.6**",
        "`libtorch_cuda.so` holds the old words in 1.5.0",
        "`mat1 dim 1 must match mat2 dim 0`, in 1.6.0 to 1.8.0, and today's words from 1.9.0",
        "pytorch/pytorch#98211",
    ]:
        assert claim in text, f"{TOOLS}: the old wording's releases no longer read {claim!r}"
    assert "could not confirm" not in text and "before 1.8" not in text, TOOLS
    decoder = (lesson_runner.REPO / "docs" / "javascripts" / "error-decoder.js").read_text()
    assert "This is the wording of PyTorch 1.6 and earlier on the CPU (1.5 and earlier on a GPU)" in decoder
    assert "before 1.8" not in decoder


def test_11_torchsummary_on_a_gpu_machine_is_explained_from_its_source(executed_lessons):
    cell, where = find_cell(executed_lessons, TOOLS, "source_lines, first_number = inspect.getsourcelines(")
    text = cell_text(cell)
    for line in [
        'def summary(model, input_size, batch_size=-1, device="cuda"):',
        'if device == "cuda" and torch.cuda.is_available():',
        "dtype = torch.cuda.FloatTensor",
        "dtype = torch.FloatTensor",
        "x = [torch.rand(2, *in_size).type(dtype) for in_size in input_size]",
    ]:
        assert line in text, f"{where}: {line!r} not shown"
    cell, where = find_cell(executed_lessons, TOOLS, "if torch.cuda.is_available():\n    on_cpu = CNN()")
    if torch.cuda.is_available():
        assert "default device, model on the CPU ->" in cell_text(cell), where
    else:
        assert cell_text(cell).splitlines() == [
            "CUDA available on the machine that ran this lesson: False",
            "No GPU here: the GPU branch of this cell did not run when this page was built.",
        ], where
    # Once the lessons pass device="cpu", these sentences of the old lesson 8 are no longer true.
    text = prose(TOOLS)
    assert "lessons 1–5 would not even reach" not in text and "never failed in these lessons" not in text


def test_11_torchinfo_moves_the_model_read_from_its_source(executed_lessons):
    cell, where = find_cell(executed_lessons, TOOLS, "for function in (torchinfo_source.get_device")
    assert printed(cell).splitlines() == [
        'get_device: return torch.device("cuda" if torch.cuda.is_available() else "cpu")',
        "forward_pass: model = model if device is None else model.to(device)",
    ], where
    # A CPU model goes to the GPU when there is one: not "the device of the model's first parameter".
    assert "it takes the device of the model's first parameter, or the GPU" not in prose(TOOLS)


def test_11_input_size_with_or_without_the_batch(executed_lessons):
    cell, where = find_cell(executed_lessons, TOOLS, 'print("caused by:"')
    assert (
        cell_text(cell).strip()
        == "caused by: RuntimeError mat1 and mat2 shapes cannot be multiplied (32x49 and 1568x10)"
    ), where
    cell, where = find_cell(executed_lessons, TOOLS, "statistics = torchinfo.summary(cnn, input_size=(2, 1, 28, 28)")
    text = cell_text(cell)
    assert "torchinfo, input_size=(2, 1, 28, 28): total params 28,938" in text, where
    assert re.search(r"Linear-7\s+\[-1, 10\]\s+15,690", text) and "Total params: 28,938" in text, where


def test_11_draws_what_each_tool_feeds_the_model(executed_lessons):
    notebook = executed_lessons[TOOLS].notebook
    cell, where = find_cell(executed_lessons, TOOLS, "as_torchsummary = draw_shape_flow(")
    assert len(images(cell)) == 2, f"{where}: expected two pictures"
    words = (
        "input 2×1×28×28 → Conv2d 2×16×28×28 → MaxPool2d 2×16×14×14 → Conv2d 2×32×14×14 → MaxPool2d 2×32×7×7"
        " → reshape 2×1568 → Linear 2×10"
        " input 1×28×28 → Conv2d 16×28×28 → MaxPool2d 16×14×14 → Conv2d 32×14×14 → MaxPool2d 32×7×7"
        " → reshape 32×49 → Linear raised"
    )
    assert printed(cell).split() == words.split(), f"{where}: printed {printed(cell)!r}"
    assert max(len(line) for line in printed(cell).splitlines()) <= 76, f"{where}: a printed line runs off the column"
    helper = notebook.cells[notebook.cells.index(cell) - 1]
    assert "drawing-code" in helper.metadata.get("tags", []), f"{where}: the cell before is not the drawing code"
    assert re.search(r"^def draw_", helper.source, re.M), f"{where}: the cell before defines no draw_ function"


def test_11_exercises(executed_lessons):
    cell, where = find_cell(executed_lessons, TOOLS, "def new_wording(message):")
    assert printed(cell).splitlines() == [
        "translated: mat1 and mat2 shapes cannot be multiplied (64x2048 and 1568x10)",
        "raised:     mat1 and mat2 shapes cannot be multiplied (64x2048 and 1568x10)",
        "fix, with 64 the batch: Linear(in_features=2048, out_features=10, bias=True)",
    ], where
    cell, where = find_cell(executed_lessons, TOOLS, "colour_cnn = CNN(in_channels=3")
    text = printed(cell)
    assert "Total params: 34,538" in text and "torchinfo, input_size=(16, 3, 32, 32): total params 34,538" in text, (
        where
    )
