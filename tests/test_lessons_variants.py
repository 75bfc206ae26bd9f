"""What lessons 8 (other inputs) and 9 (flatten and view) promise, checked on their executed outputs.

tests/test_lessons.py runs every lesson through the generic checks (runs as promised, house
skeleton, no outputs committed, stands alone); these tests assert the messages, shapes and verdicts
each of the two lessons teaches, cell by cell (cells are found by their ids, "08-15").
"""

import pytest
from lesson_outputs import images, printed, prose

import lesson_runner

pytestmark = pytest.mark.lessons

INPUTS = "08-other-inputs.ipynb"
FLATTEN = "09-flatten-and-view.ipynb"
VIEW_ERROR = (
    "view size is not compatible with input tensor's size and stride (at least one dimension spans across "
    "two contiguous subspaces). Use .reshape(...) instead."
)


def cell_by_id(executed_lessons, name, cell_id):
    """The executed cell with this id, and a label naming it for failure messages."""
    found = [cell for cell in executed_lessons[name].notebook.cells if cell.get("id") == cell_id]
    if len(found) != 1:
        pytest.fail(f"{name}: expected one cell with id {cell_id!r}, found {len(found)}")
    cell = found[0]
    return cell, f"{name}, cell {cell_id} ({lesson_runner.first_line(cell)!r})"


def printed_lines(cell) -> list[str]:
    return [line for line in printed(cell).splitlines() if line.strip()]


def expected_errors(notebook):
    return [
        (cell.id, cell.metadata["expected_error"]["ename"], cell.metadata["expected_error"]["evalue"])
        for cell in notebook.cells
        if "expected_error" in cell.metadata
    ]


# --- both lessons -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", [INPUTS, FLATTEN])
def test_the_false_rule_of_the_second_number_is_gone(name):
    """The old lesson 8 ended with "the second number of the message is always the features that
    arrived", which its own (32x49 ...) and (448x7 ...) cases contradict."""
    text = " ".join(prose(name).split())
    assert "always the features that arrived" not in text, f"{name}: the false rule is back"
    assert "second number is always" not in text, f"{name}: the false rule is back in other words"


def test_the_true_rule_of_the_second_number_is_taught():
    key_points = " ".join(prose(FLATTEN).split("## Key points")[1].split())
    assert (
        "The message's second number is the features per example only when the input reached the layer "
        "flattened, with its batch kept." in key_points
    ), f"{FLATTEN}: the key points lost the true rule of the second number"
    assert "check that A is your batch size" in " ".join(prose(INPUTS).split("## Key points")[1].split()), INPUTS


# --- 08: other inputs, other numbers ------------------------------------------------------------


def test_08_every_case_raises_its_exact_message(executed_lessons):
    assert expected_errors(executed_lessons[INPUTS].notebook) == [
        (
            "08-05",
            "RuntimeError",
            "Given groups=1, weight of size [16, 1, 5, 5], expected input[2, 3, 32, 32] to have 1 channels, "
            "but got 3 channels instead",
        ),
        ("08-07", "RuntimeError", "mat1 and mat2 shapes cannot be multiplied (2x2048 and 1568x10)"),
        (
            "08-13",
            "RuntimeError",
            "Given groups=1, weight of size [16, 3, 5, 5], expected input[2, 32, 32, 3] to have 3 channels, "
            "but got 32 channels instead",
        ),
        ("08-17", "RuntimeError", VIEW_ERROR),
        ("08-21", "RuntimeError", "mat1 and mat2 shapes cannot be multiplied (32x49 and 1568x10)"),
    ]


def test_08_each_case_is_fixed(executed_lessons):
    checks = {
        "08-03": ["MNIST-sized batch: (2, 10)"],
        "08-11": ["fixed: Linear(in_features=2048, out_features=10, bias=True) -> (2, 10)"],
        "08-27": ["(1, 1, 28, 28) -> (1, 10)"],
    }
    for cell_id, lines in checks.items():
        cell, where = cell_by_id(executed_lessons, INPUTS, cell_id)
        assert printed_lines(cell) == lines, f"{where}: printed {printed(cell)!r}"


def test_08_pictures_mark_the_layer_that_raised(executed_lessons):
    drawn = {
        "08-09": "input 2×3×32×32 → Conv2d 2×16×32×32 → MaxPool2d 2×16×16×16 → Conv2d 2×32×16×16 → "
        "MaxPool2d 2×32×8×8 → reshape 2×2048 → Linear raised",
        "08-23": "input 1×28×28 → Conv2d 16×28×28 → MaxPool2d 16×14×14 → Conv2d 32×14×14 → MaxPool2d 32×7×7 → "
        "reshape 32×49 → Linear raised",
    }
    for cell_id, in_words in drawn.items():
        cell, where = cell_by_id(executed_lessons, INPUTS, cell_id)
        assert len(images(cell)) == 1, f"{where}: expected the shape-flow picture"
        assert printed(cell).split() == in_words.split(), f"{where}: printed {printed(cell)!r}"
    helper, where = cell_by_id(executed_lessons, INPUTS, "08-08")
    assert "drawing-code" in helper.metadata.get("tags", []), f"{where}: the drawing code must come just before"


def test_08_permute_reorders_and_reshape_scrambles(executed_lessons):
    cell, where = cell_by_id(executed_lessons, INPUTS, "08-15")
    lines = printed_lines(cell)
    assert lines[0] == "shapes: (2, 3, 32, 32) (2, 3, 32, 32)", where
    loaded, permuted, reshaped = ("[" + line.split("[", 1)[1] for line in lines[2:5])
    assert lines[2].strip().startswith("as loaded") and permuted == loaded, f"{where}: permute moved a pixel\n{lines}"
    assert reshaped != loaded, f"{where}: reshape was expected to scramble the pixel\n{lines}"
    # The reshaped 'red' row holds the three colours of the first pixels, in turn.
    assert lines[5].startswith("reshaped, 'red' row 0:") and lines[6].startswith("pixels 0 and 1, RGB:"), where
    assert lines[5].split(":")[1].strip() == lines[6].split(":")[1].strip(), where
    assert lines[7].startswith("same tensor: False (") and lines[7].endswith(" of 6144 numbers differ)"), where


def test_08_permuted_batch_trips_view_and_flatten_takes_it(executed_lessons):
    cell, where = cell_by_id(executed_lessons, INPUTS, "08-19")
    assert printed_lines(cell) == [
        "permuted is channels-last in memory: True",
        "x.flatten(1) in forward: (2, 10)",
        ".contiguous() first:     (2, 10)",
        "same logits, to float precision: True",
    ], where


def test_08_the_naive_rule_runs_and_gives_32_rows_for_one_image(executed_lessons):
    cell, where = cell_by_id(executed_lessons, INPUTS, "08-25")
    assert "nn.Linear(B, D)" in cell.source and "CNN(flatten_size=49)" in cell.source, where
    assert printed_lines(cell) == ["one image -> (32, 10): 32 rows of predictions"], where


def test_08_the_batch_check_gives_both_verdicts(executed_lessons):
    cell, where = cell_by_id(executed_lessons, INPUTS, "08-29")
    assert printed_lines(cell) == [
        "(32x49 and 1568x10), batch sent 1: A·B = 1568 = 1 × C",
        "  verdict: A is not the batch: fix the input or forward() first",
        "(2x1568 and 1050x10), batch sent 2: A·B = 3136, no multiple of C = 1050",
        "  verdict: A is the batch: build nn.Linear(1568, 10)",
    ], where


def test_08_exercises(executed_lessons):
    cell, where = cell_by_id(executed_lessons, INPUTS, "08-32")
    assert printed_lines(cell) == [
        "(1, 28, 28): mat1 and mat2 shapes cannot be multiplied (32x49 and 1568x10)",
        "  as (1, 1, 28, 28) -> logits (1, 10)",
        "(28, 28): Expected 3D (unbatched) or 4D (batched) input to conv2d, but got input of size: [28, 28]",
        "  as (1, 1, 28, 28) -> logits (1, 10)",
    ], where
    # The multiple misleads: A·B is a multiple of C, yet A is the batch and the layer is wrong.
    cell, where = cell_by_id(executed_lessons, INPUTS, "08-34")
    assert printed_lines(cell) == [
        "mat1 and mat2 shapes cannot be multiplied (2x1568 and 784x10)",
        "(2x1568 and 784x10), batch sent 2: A·B = 3136 = 4 × C",
        "  verdict: A is the batch: build nn.Linear(1568, 10)",
        "with nn.Linear(1568, 10): (2, 10)",
    ], where
    # Grey channels-last: reshape is right with one channel, and .contiguous() does not save the view.
    cell, where = cell_by_id(executed_lessons, INPUTS, "08-36")
    assert printed_lines(cell) == [
        "Given groups=1, weight of size [16, 1, 5, 5], expected input[5, 28, 28, 1] to have 1 channels, "
        "but got 28 channels instead",
        "reshape scrambles: False",
        ".contiguous() returned it unchanged: True",
        "reshape               cnn: runs                          FlattenCNN: runs",
        "permute               cnn: view size is not compatible   FlattenCNN: runs",
        "permute + contiguous  cnn: view size is not compatible   FlattenCNN: runs",
    ], where


# --- 09: flatten, view and reshape ---------------------------------------------------------------


def test_09_every_case_raises_its_exact_message(executed_lessons):
    assert expected_errors(executed_lessons[FLATTEN].notebook) == [
        ("09-03", "RuntimeError", "mat1 and mat2 shapes cannot be multiplied (448x7 and 1568x10)"),
        ("09-13", "RuntimeError", "shape '[-1, 1568]' is invalid for input of size 4096"),
        ("09-17", "ValueError", "Expected input batch_size (64) to match target batch_size (49)."),
        ("09-22", "RuntimeError", VIEW_ERROR),
        ("09-28", "RuntimeError", VIEW_ERROR),
    ]


def test_09_the_forgotten_flatten_is_counted_checked_and_fixed(executed_lessons):
    cell, where = cell_by_id(executed_lessons, FLATTEN, "09-06")
    assert len(images(cell)) == 1, f"{where}: expected the shape-flow picture"
    in_words = (
        "input 2×1×28×28 → Conv2d 2×16×28×28 → MaxPool2d 2×16×14×14 → Conv2d 2×32×14×14 → MaxPool2d 2×32×7×7 → "
        "Linear raised"
    )
    assert printed(cell).split() == in_words.split(), f"{where}: printed {printed(cell)!r}"
    helper, where = cell_by_id(executed_lessons, FLATTEN, "09-05")
    assert "drawing-code" in helper.metadata.get("tags", []), f"{where}: the drawing code must come just before"
    cell, where = cell_by_id(executed_lessons, FLATTEN, "09-08")
    assert printed_lines(cell) == [
        "arrived (2, 32, 7, 7): 2·32·7 = 448 rows of 7",
        "A·B = 448·7 = 3136 = 2 × 1568",
        # What nn.Linear(B, D), read off the message, would do: run, and return 4-D.
        "nn.Linear(7, 10) on it: (2, 32, 7, 10)",
        "with nn.Flatten(): (2, 10)",
    ], where


def test_09_view_minus_one_raises_or_gives_wrong_rows(executed_lessons):
    cell, where = cell_by_id(executed_lessons, FLATTEN, "09-15")
    assert printed_lines(cell) == ["49 images -> 64 rows of predictions"], where
    cell, where = cell_by_id(executed_lessons, FLATTEN, "09-34")
    silent = ["batch 49: 64 rows", "batch 98: 128 rows", "batch 147: 192 rows", "batch 196: 256 rows"]
    assert printed_lines(cell) == silent, where


def test_09_view_refuses_channels_last_and_flatten_reshape_agree(executed_lessons):
    cell, where = cell_by_id(executed_lessons, FLATTEN, "09-20")
    assert printed_lines(cell) == [
        "shapes: (2, 32, 7, 7) (2, 32, 7, 7)",
        "same values: True",
        "strides, usual:         (1568, 49, 7, 1)",
        "strides, channels-last: (1568, 1, 224, 32)",
        "is_contiguous(): True False",
    ], where
    cell, where = cell_by_id(executed_lessons, FLATTEN, "09-22")
    assert cell.source.strip() == "features_cl.view(features_cl.size(0), -1)", where
    cell, where = cell_by_id(executed_lessons, FLATTEN, "09-24")
    assert printed_lines(cell) == [
        "x.flatten(1)             (2, 1568)  same values: True  copied: True",
        "x.reshape(x.size(0), -1) (2, 1568)  same values: True  copied: True",
        "nn.Flatten()             (2, 1568)  same values: True  copied: True",
        "on the usual layout, x.flatten(1) copied: False",
    ], where
    cell, where = cell_by_id(executed_lessons, FLATTEN, "09-26")
    assert printed_lines(cell) == [
        "channels with rows: stride 1 ≠ 224 × 7 = 1568: cannot merge",
        "rows with columns: stride 224 = 32 × 7 = 224: can merge",
        "view(2, 32, 49): (2, 32, 49)",
    ], where


def test_09_a_channels_last_model_trips_view_and_runs_with_flatten(executed_lessons):
    cell, where = cell_by_id(executed_lessons, FLATTEN, "09-28")
    assert "x = x.view(x.size(0), -1)" in cell.source and ".to(memory_format=torch.channels_last)" in cell.source
    cell, where = cell_by_id(executed_lessons, FLATTEN, "09-30")
    assert printed_lines(cell) == ["feature maps channels-last: True", "x.flatten(1) in forward: (2, 10)"], where


def test_09_exercises(executed_lessons):
    cell, where = cell_by_id(executed_lessons, FLATTEN, "09-32")
    assert printed_lines(cell) == ["mat1 and mat2 shapes cannot be multiplied (1120x7 and 1568x10)", "(5, 10)"], where
    cell, where = cell_by_id(executed_lessons, FLATTEN, "09-36")
    assert printed_lines(cell) == ["mat1 and mat2 shapes cannot be multiplied (2x2048 and 1568x10)", "(2, 10)"], where
