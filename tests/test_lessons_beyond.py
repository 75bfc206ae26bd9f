"""What lessons 6, 7 and 12 promise, checked on their executed outputs (8-11: test_lessons_variants.py
and test_lessons_debugging.py).

tests/test_lessons.py already runs every lesson through the generic checks (runs as promised, house
skeleton, no outputs committed, stands alone); these tests assert the numbers each lesson teaches.
"""

import re

import pytest
from lesson_outputs import cell_text, expected_errors, find_cell, images

import lesson_runner

pytestmark = pytest.mark.lessons

OUTPUT_SIZE = "06-output-size-in-general.ipynb"
PARAMETERS = "07-counting-parameters.ipynb"
TRAINING = "12-does-it-learn.ipynb"
# Digits from scikit-learn: far above the 0.1 of guessing. The value itself comes from the run.
ACCURACY_FLOOR = 0.9


# --- 06: output size in general ------------------------------------------------------------------


def test_06_formula_agrees_with_torch_on_every_setting(executed_lessons):
    cell, where = find_cell(executed_lessons, OUTPUT_SIZE, "def pick(configs, i):")
    text = cell_text(cell)
    assert "MISMATCH" not in text, f"{where}:\n{text}"
    counts = dict(re.findall(r"^(\S+)\s+(\d+) settings$", text, re.M))
    assert counts == {
        "Conv2d": "720",
        "MaxPool2d": "290",
        "MaxPool2d(ceil_mode=True)": "290",
        "AvgPool2d": "290",
    }, where
    summary = re.search(r"checked (\d+) layer settings against torch: (\d+) mismatches \((\d+) of them", text)
    assert summary, f"{where}: no summary line in\n{text}"
    checked, mismatches, refused = map(int, summary.groups())
    assert (checked, mismatches) == (1590, 0), where
    assert 0 < refused < checked, f"{where}: the check must include settings PyTorch refuses ({refused})"


def test_06_one_parameter_at_a_time_table(executed_lessons):
    cell, where = find_cell(executed_lessons, OUTPUT_SIZE, "def measured_size(layer, n):")
    rows = re.findall(r"^\| `(.+?)` \| (\d+) \| (\d+) \|$", cell_text(cell), re.M)
    assert rows == [
        ("k=3", "26", "26"),
        ("k=3, p=1", "28", "28"),
        ("k=3, s=2", "13", "13"),
        ("k=3, s=2, p=1", "14", "14"),
        ("k=3, d=2", "24", "24"),
        ("k=3, d=2, p=2", "28", "28"),
        ("k=3, d=3, s=3", "8", "8"),
    ], where

    # The table shows 28 -> 13 for k=3, s=2: the lesson must not call that "halving, rounding down".
    prose = "\n".join(
        cell.source for cell in executed_lessons[OUTPUT_SIZE].notebook.cells if cell.cell_type == "markdown"
    )
    assert "halves it (rounding down)" not in prose, f"{OUTPUT_SIZE}: the false stride-2 rule is back"


def test_06_stride_2_rounds_up_with_half_padding_on_odd_and_even_sizes(executed_lessons):
    cell, where = find_cell(executed_lessons, OUTPUT_SIZE, "for n in (28, 27):")
    found = re.findall(
        r"n = (\d+): k=3, s=2, p=1 -> (\d+); k=3, s=2, p=0 -> (\d+); n / 2 rounded up: (\d+)", cell_text(cell)
    )
    assert [n for n, *_ in found] == ["28", "27"], where
    for n, padded, unpadded, rounded_up in found:
        # The rule the prose states: with padding (k - 1)/2, stride 2 gives n / 2 rounded up.
        assert padded == rounded_up, f"{where}: n = {n}: padded {padded}, rounded up {rounded_up}"
        assert int(unpadded) < int(padded), f"{where}: n = {n}: without padding the size must be smaller"
    prose = "\n".join(
        cell.source for cell in executed_lessons[OUTPUT_SIZE].notebook.cells if cell.cell_type == "markdown"
    )
    assert "n / 2 rounded **up**" in prose, OUTPUT_SIZE


def test_06_same_padding_ceil_mode_and_the_refusals(executed_lessons):
    notebook = executed_lessons[OUTPUT_SIZE].notebook
    assert expected_errors(notebook) == [
        ("ValueError", "padding='same' is not supported for strided convolutions"),
        (
            "RuntimeError",
            "pad should be at most half of effective kernel size, but got pad=2, kernel_size=3 and dilation=1",
        ),
    ]
    cell, where = find_cell(executed_lessons, OUTPUT_SIZE, "# PyTorch warns that an even kernel")
    assert "k=4, d=1: pad 1 before and 2 after -> (10, 13)" in cell_text(cell), where
    cell, where = find_cell(executed_lessons, OUTPUT_SIZE, "for n in (7, 8):")
    assert cell_text(cell).splitlines() == [
        "MaxPool2d(2) on 7: floor 3, ceil_mode 4",
        "MaxPool2d(2) on 8: floor 4, ceil_mode 4",
    ], where
    cell, where = find_cell(executed_lessons, OUTPUT_SIZE, "special = next(")
    assert "rounding up alone gives 3, PyTorch gives 2" in cell_text(cell), where


def test_06_network_predicted_and_drawn(executed_lessons):
    cell, where = find_cell(executed_lessons, OUTPUT_SIZE, "def pair(value):")
    rows = re.findall(r"^\| `.+?` \| ([\d ×]+) \| ([\d ×]+) \|$", cell_text(cell), re.M)
    assert [predicted for predicted, measured in rows] == [measured for predicted, measured in rows], where
    assert rows[-1] == ("1536", "1536") and rows[0] == ("8 × 40 × 51", "8 × 40 × 51"), where
    cell, where = find_cell(executed_lessons, OUTPUT_SIZE, "steps = draw_shape_flow(spectrogram_net")
    assert len(images(cell)) == 1, f"{where}: expected the shape-flow diagram"


def test_06_exercises(executed_lessons):
    cell, where = find_cell(executed_lessons, OUTPUT_SIZE, "stem = nn.Sequential(")
    assert "200 × 300 -> predicted (50, 75), measured (50, 75)" in cell_text(cell), where
    cell, where = find_cell(executed_lessons, OUTPUT_SIZE, "differ = [")
    assert "ceil_mode changes the size for n = [4, 6, 8, 10, 12, 14, 16, 18, 20]" in cell_text(cell), where


# --- 07: counting parameters ---------------------------------------------------------------------


def test_07_four_ways_agree_on_the_fixed_model(executed_lessons):
    cell, where = find_cell(executed_lessons, PARAMETERS, "def torchsummary_counts(model, input_size):")
    text = cell_text(cell)
    rows = re.findall(r"^\| `(\w+)\(.*?` \| ([\d,]+) \| ([\d,]+) \| ([\d,]+) \| ([\d,]+) \|$", text, re.M)
    assert [(layer, counts[0]) for layer, *counts in rows] == [
        ("Conv2d", "416"),
        ("ReLU", "0"),
        ("MaxPool2d", "0"),
        ("Conv2d", "12,832"),
        ("ReLU", "0"),
        ("MaxPool2d", "0"),
        ("Linear", "15,690"),
    ], where
    assert all(len(set(counts)) == 1 for _, *counts in rows), f"{where}: the four counts differ\n{text}"
    assert "| **total** | **28,938** | **28,938** | **28,938** | **28,938** |" in text, where


def test_07_formulas_bias_on_and_off(executed_lessons):
    cell, where = find_cell(executed_lessons, PARAMETERS, "def conv2d_parameters(")
    rows = dict(
        (name, (formula, counted))
        for name, formula, counted in re.findall(r"^\| `(.+?)` \| ([\d,]+) \| ([\d,]+) \|$", cell_text(cell), re.M)
    )
    assert rows["nn.Conv2d(1, 16, 5)"] == ("416", "416"), where
    assert rows["nn.Conv2d(1, 16, 5, bias=False)"] == ("400", "400"), where
    assert rows["nn.Conv2d(3, 64, (3, 7), stride=2)"] == ("4,096", "4,096"), where
    assert rows["nn.Linear(1568, 10)"] == ("15,690", "15,690"), where
    assert rows["nn.Linear(1568, 10, bias=False)"] == ("15,680", "15,680"), where
    cell, where = find_cell(executed_lessons, PARAMETERS, "conv1, conv2, out = ")
    assert cell_text(cell).splitlines() == [
        "conv1: (5·5·1 + 1)·16 = 416",
        "conv2: (5·5·16 + 1)·32 = 12,832",
        "out:   1568·10 + 10 = 15,690",
        "total: 28,938, of which the Linear layer holds 54%",
    ], where


def test_07_tools_and_where_they_disagree(executed_lessons):
    cell, where = find_cell(executed_lessons, PARAMETERS, "print(statistics)")
    text = cell_text(cell)
    assert "Total params: 28,938" in text and re.search(r"Linear: 1-3\s+\[2, 10\]\s+15,690", text), where
    cell, where = find_cell(executed_lessons, PARAMETERS, "import inspect")
    assert cell_text(cell).splitlines() == [
        'if hasattr(module, "weight") and hasattr(module.weight, "size"):',
        'if hasattr(module, "bias") and hasattr(module.bias, "size"):',
    ], where
    cell, where = find_cell(executed_lessons, PARAMETERS, "class Scale(nn.Module):")
    assert "sum(p.numel()): 60, torchinfo: 60, torchsummary: 50" in cell_text(cell), where
    cell, where = find_cell(executed_lessons, PARAMETERS, "steps = draw_shape_flow(")
    assert len(images(cell)) == 1, f"{where}: expected the shape-flow diagram"


def test_07_exercises(executed_lessons):
    cell, where = find_cell(executed_lessons, PARAMETERS, "no_bias = nn.Conv2d(3, 64")
    assert "colour CNN: by hand 34,538, counted 34,538" in cell_text(cell), where
    cell, where = find_cell(executed_lessons, PARAMETERS, "keras_printed = ")
    assert "PyTorch: [320, 18496, 73856]  Keras: [320, 18496, 73856]" in cell_text(cell), where


# --- 12: does it learn? -------------------------------------------------------------------------


def test_12_data_comes_from_scikit_learn_and_is_shaped_for_the_model(executed_lessons):
    cell, where = find_cell(executed_lessons, TRAINING, "digits = load_digits()")
    assert cell_text(cell).splitlines()[0] == "images: (1797, 8, 8)  labels: (1797,)", where
    cell, where = find_cell(executed_lessons, TRAINING, "images = images.unsqueeze(1)")
    assert cell_text(cell).splitlines() == [
        "scaled:         (1797, 8, 8)",
        "with a channel: (1797, 1, 8, 8)",
        "upscaled:       (1797, 1, 28, 28)",
    ], where
    cell, where = find_cell(executed_lessons, TRAINING, "train_images, test_images, train_labels, test_labels =")
    assert cell_text(cell).strip() == "train: (1347, 1, 28, 28)  test: (450, 1, 28, 28)", where


def test_12_reports_its_accuracy_from_the_run(executed_lessons):
    cell, where = find_cell(executed_lessons, TRAINING, "for epoch in range(1, epochs + 1):")
    epochs = re.findall(
        r"^epoch +(\d+): train loss ([\d.]+), test loss ([\d.]+), test accuracy ([\d.]+)$", cell_text(cell), re.M
    )
    assert [int(epoch) for epoch, *_ in epochs] == list(range(1, 11)), where
    first_loss, last_loss = float(epochs[0][1]), float(epochs[-1][1])
    assert last_loss < first_loss / 5, f"{where}: the training loss did not fall ({first_loss} -> {last_loss})"
    cell, where = find_cell(executed_lessons, TRAINING, "correct = round(accuracy * len(test_labels))")
    reported = re.fullmatch(r"test accuracy: (0\.\d{3}) \((\d+) of 450 test digits right\)", cell_text(cell).strip())
    assert reported, f"{where}: no accuracy line in {cell_text(cell)!r}"
    accuracy, correct = float(reported.group(1)), int(reported.group(2))
    assert accuracy > ACCURACY_FLOOR, f"{where}: test accuracy {accuracy} is not above {ACCURACY_FLOOR}"
    assert round(correct / 450, 3) == accuracy, where
    assert accuracy == float(epochs[-1][3]), f"{where}: the reported accuracy is not the last epoch's"
    source = executed_lessons[TRAINING].path.read_text()
    assert str(accuracy) not in source, "09: the accuracy must come from the run, not be typed in the lesson"


def test_12_pictures_loss_curve_and_feature_maps(executed_lessons):
    for marker in ["flow = draw_shape_flow(", 'left.set_ylabel("cross-entropy loss")', "fig.suptitle("]:
        cell, where = find_cell(executed_lessons, TRAINING, marker)
        assert len(images(cell)) == 1, f"{where}: expected one picture"
    cell, where = find_cell(executed_lessons, TRAINING, "feature_maps = x.view(-1, 32, 7, 7)")
    assert "x: (1, 1568) -> feature maps: (1, 32, 7, 7) ; first block: (1, 16, 14, 14)" in cell_text(cell), where


def test_12_exercises(executed_lessons):
    cell, where = find_cell(executed_lessons, TRAINING, "small_images = ")
    text = cell_text(cell)
    assert text.splitlines()[0] == "mat1 and mat2 shapes cannot be multiplied (64x128 and 1568x10)", where
    small = re.search(r"8 × 8 inputs, nn.Linear\(128, 10\): test accuracy (0\.\d{3})", text)
    assert small and float(small.group(1)) > ACCURACY_FLOOR, f"{where}: {text!r}"
    cell, where = find_cell(executed_lessons, TRAINING, "from sklearn.metrics import confusion_matrix")
    assert re.search(r"^\d+ × a \d read as \d$", cell_text(cell), re.M), where


# --- every lesson ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", [path.name for path in lesson_runner.lesson_paths()])
def test_pictures_stay_small(executed_lessons, name):
    """A lesson page must stay light: its PNGs together under 150 KB (the page budget is ~250 KB)."""
    notebook = executed_lessons[name].notebook
    pictures = [picture for cell in notebook.cells if cell.cell_type == "code" for picture in images(cell)]
    assert pictures, f"{name}: no picture at all (each lesson draws at least one, from its model)"
    total = sum(len(picture) for picture in pictures)
    assert total < 150_000, f"{name}: its pictures weigh {total:,} bytes"
