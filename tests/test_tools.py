"""The error decoder and the shape calculator, in Chromium, checked against torch itself.

The calculator's formulas (docs/javascripts/shapes.js) run in the real browser on a few hundred
random layer stacks, and must agree with torch on every one: each layer's output shape, or the
layer where torch refuses and torch's exact message. The decoder gets messages torch really
raised, inside real tracebacks, and hostile input.
"""

from __future__ import annotations

import json
import re
import traceback
import warnings
from pathlib import Path

import pytest
import torch
import torch.nn.functional as F
from playwright.sync_api import expect
from tool_stacks import stacks, torch_verdict
from torch import nn

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parent.parent
DECODER = "tools/decoder/"
CALCULATOR = "tools/shape-calculator/"
AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
SEED = 6  # the issue's number: any fixed seed gives the same stacks on every run
STACK_COUNT = 400

# What the pages must never show, whatever is pasted.
BROKEN_WORDS = ["NaN", "undefined", "null", "Infinity", "[object"]


def seed_model_source() -> str:
    """The model of lesson 1, exactly as the lesson has it (as the reader would paste it)."""
    notebook = json.loads((REPO / "lessons" / "01-reproduce-the-error.ipynb").read_text())
    for cell in notebook["cells"]:
        source = "".join(cell["source"])
        if cell["cell_type"] == "code" and "class CNN" in source:
            return source
    raise AssertionError("lessons/01-reproduce-the-error.ipynb: no cell defines class CNN")


def open_tool(browser, site_url, path):
    """A fresh page on a tool; it records page errors and any request that leaves the site."""
    page = browser.new_page()
    page.errors = []
    page.outside = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.on("console", lambda message: message.type == "error" and page.errors.append(message.text))

    def only_the_site(route):
        if route.request.url.startswith(site_url):
            route.continue_()
        else:
            page.outside.append(route.request.url)
            route.abort()

    page.route("**/*", only_the_site)
    page.goto(site_url + path)
    return page


def answer_count(page, selector) -> str | None:
    return page.get_attribute(selector, "data-updates")


# A new answer (the pages number them), and none still to come: the output is aria-busy from each
# keystroke until the answer to it. On a slow machine, two fields filled one after the other can get
# an answer to the first alone in between; the second field's keystroke marks the output busy again,
# so only the answer to both is read.
ANSWERED = """([selector, after]) => {
  const output = document.querySelector(selector);
  return output.dataset.updates !== after && output.getAttribute("aria-busy") !== "true";
}"""


def settled_text(page, selector, expected: str | None = None, after: str | None = None, timeout: int = 5000) -> str:
    """The text of the result once the page has answered what was typed last (after a short pause
    in typing, see ANSWERED), and once it shows `expected`."""
    if after is not None:
        page.wait_for_function(ANSWERED, arg=[selector, after], timeout=timeout)
    if expected is not None:
        expect(page.locator(selector)).to_contain_text(expected, timeout=timeout)
    return page.locator(selector).inner_text()


def assert_sane(text: str, where: str):
    for word in BROKEN_WORDS:
        assert word not in text, f"{where}: the result shows {word!r}:\n{text}"


# --- The cross-check against torch ---------------------------------------------------------------

# The layer lines the issue lists, each written as a reader pastes it: every one must be read.
ISSUE_STACK = (
    (2, 1, 28, 28),
    [
        "nn.Conv2d(in_channels=1, out_channels=16, kernel_size=5, stride=1, padding=2)",
        "nn.BatchNorm2d(16)",
        "nn.ReLU()",
        "nn.MaxPool2d(kernel_size=3, stride=2, ceil_mode=True)",
        "nn.Conv2d(16, 16, (3, 5), 1, 'same', dilation=(2, 1))",
        "nn.AvgPool2d(2, 2)",
        "nn.Dropout(0.25)",
        "nn.Conv2d(16, 8, 3, padding='valid')",
        "nn.Flatten()",
    ],
)


def calculator_verdicts(page, all_stacks):
    return page.evaluate(
        """async (stacks) => {
            const { calculate } = await import(new URL("../../javascripts/shapes.js", location.href));
            return stacks.map(([shape, lines]) => {
                const result = calculate(shape.join(", "), lines.join("\\n"));
                if (result.inputError) return { inputError: result.inputError };
                const error = result.error && { index: result.error.index, type: result.error.type, message: result.error.message };
                return { shapes: result.rows.map((row) => row.shape), error };
            });
        }""",
        [[list(shape), lines] for shape, lines in all_stacks],
    )


def test_the_calculator_agrees_with_torch_on_random_stacks(browser, site_url):
    all_stacks = [ISSUE_STACK, *stacks(SEED, STACK_COUNT)]
    truths = [torch_verdict(shape, lines) for shape, lines in all_stacks]
    page = open_tool(browser, site_url, CALCULATOR)
    verdicts = calculator_verdicts(page, all_stacks)

    mismatches = [
        f"stack {number}, input {shape}:\n    "
        + "\n    ".join(lines)
        + f"\n  torch:      {truth}\n  calculator: {verdict}"
        for number, ((shape, lines), truth, verdict) in enumerate(zip(all_stacks, truths, verdicts))
        if verdict != truth
    ]
    assert not mismatches, f"{len(mismatches)} of {len(all_stacks)} stacks disagree with torch:\n" + "\n".join(
        mismatches[:5]
    )
    assert truths[0]["error"] is None and truths[0]["shapes"][-1] == [2, 200], "the issue's stack should run"

    # The check is only as good as its mix: plenty of stacks that run, plenty that torch refuses,
    # and every way of refusing that a reader meets.
    refusals = [truth["error"]["message"] for truth in truths if truth["error"]]
    assert len(truths) - len(refusals) >= 100 and len(refusals) >= 100, (len(truths), len(refusals))
    families = {
        "channels do not chain": "channels, but got",
        "feature map smaller than the kernel": "Kernel size can't be greater than actual input size",
        "pooling output of size zero": "Output size is too small",
        "pooling padding over half the kernel": "pad should be at most half",
        "'same' with a stride": "padding='same' is not supported for strided convolutions",
        "batch norm channels": "running_mean should contain",
        "Linear layer": "mat1 and mat2 shapes cannot be multiplied",
        "convolution after a flatten": "input to conv2d, but got input of size",
        "groups": "must be divisible by groups",
    }
    for family, fragment in families.items():
        count = sum(fragment in message for message in refusals)
        assert count >= 3, f"only {count} random stacks refused for {family!r}: the generator no longer covers it"
    assert page.errors == [] and page.outside == []
    page.close()


# --- The shape calculator page -------------------------------------------------------------------


PYTHON_LOAD_MS = 240_000  # slow on a loaded machine; seconds on an idle one


def fill_calculator(page, shape: str, layers: str, expected: str | None = None) -> str:
    before = answer_count(page, "#calculator-result")
    page.fill("#input-shape", shape)
    page.fill("#layers", layers)
    # Code (a class, an assignment) is run by Python, which the page loads on the first such paste.
    return settled_text(page, "#calculator-result", expected, after=before, timeout=PYTHON_LOAD_MS)


def test_the_seed_model_pasted_as_is_gives_1568(browser, site_url):
    source = seed_model_source()
    namespace = {}
    exec(compile(source, "lessons/01-reproduce-the-error.ipynb", "exec"), namespace)
    with pytest.raises(RuntimeError) as raised:
        namespace["CNN"]()(torch.zeros(2, 1, 28, 28))

    page = open_tool(browser, site_url, CALCULATOR)
    text = fill_calculator(page, "1, 28, 28", source, "Flattened size: 1568")
    assert "Flattened size: 1568 = 32 × 7 × 7" in text
    assert "nn.Linear(1568, 10)" in text
    assert "It replaces nn.Linear(1050, 10) on line 22." in text
    assert "RuntimeError: mat1 and mat2 shapes cannot be multiplied (Nx1568 and 1050x10)" in text
    # The table follows forward: conv1's three layers, conv2's, the view, then the Linear layer.
    assert "x.view(x.size(0), -1)\t[N, 1568]" in text
    assert "nn.MaxPool2d(kernel_size=2) (self.conv1, forward line 25)\t[N, 16, 14, 14]" in text

    text = fill_calculator(page, "2, 1, 28, 28", source, "(2x1568")
    assert f"RuntimeError: {raised.value}" in text  # torch's own words, for a batch of 2
    assert_sane(text, CALCULATOR)
    assert page.errors == [] and page.outside == []
    page.close()


# Models as they are usually posted, each checked against torch: the flatten size and the output.
CLASS_MODELS = {
    "the PyTorch CIFAR-10 tutorial (one pooling layer called twice)": (
        (3, 32, 32),
        """
import torch
import torch.nn as nn
import torch.nn.functional as F


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 6, 5)
        self.pool = nn.MaxPool2d(2, 2)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        x = self.pool(F.relu(self.conv1(x)))
        x = self.pool(F.relu(self.conv2(x)))
        x = torch.flatten(x, 1)  # flatten all dimensions except batch
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        x = self.fc3(x)
        return x
""",
    ),
    "the PyTorch MNIST example (pooling and flatten inside forward)": (
        (1, 28, 28),
        """
import torch
import torch.nn as nn
import torch.nn.functional as F


class Net(nn.Module):
    def __init__(self):
        super(Net, self).__init__()
        self.conv1 = nn.Conv2d(1, 32, 3, 1)
        self.conv2 = nn.Conv2d(32, 64, 3, 1)
        self.dropout1 = nn.Dropout(0.25)
        self.dropout2 = nn.Dropout(0.5)
        self.fc1 = nn.Linear(9216, 128)
        self.fc2 = nn.Linear(128, 10)

    def forward(self, x):
        x = self.conv1(x)
        x = F.relu(x)
        x = self.conv2(x)
        x = F.relu(x)
        x = F.max_pool2d(x, 2)
        x = self.dropout1(x)
        x = torch.flatten(x, 1)
        x = self.fc1(x)
        x = F.relu(x)
        x = self.dropout2(x)
        x = self.fc2(x)
        output = F.log_softmax(x, dim=1)
        return output
""",
    ),
    "an older tutorial (a helper method counts the features, a name gives the classes)": (
        (1, 32, 32),
        """
import torch
import torch.nn as nn
import torch.nn.functional as F


class Net(nn.Module):
    def __init__(self, num_classes=10):
        super(Net, self).__init__()
        self.conv1 = nn.Conv2d(1, 6, 3)
        self.conv2 = nn.Conv2d(6, 16, 3)
        self.fc1 = nn.Linear(16 * 6 * 6, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, num_classes)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), (2, 2))
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = x.view(-1, self.num_flat_features(x))
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        x = self.fc3(x)
        return x

    def num_flat_features(self, x):
        size = x.size()[1:]
        num_features = 1
        for s in size:
            num_features *= s
        return num_features
""",
    ),
    "a Sequential with BatchNorm, adaptive pooling and an MLP head": (
        (3, 64, 64),
        """
import torch
from torch import nn

model = nn.Sequential(
    nn.Conv2d(3, 32, kernel_size=3, stride=2, padding=1),
    nn.BatchNorm2d(32),
    nn.ReLU(inplace=True),
    nn.Conv2d(32, 64, 3, padding='same', bias=False),
    nn.MaxPool2d(kernel_size=3, stride=2, ceil_mode=True),
    nn.AdaptiveAvgPool2d((4, 4)),
    nn.Flatten(),
    nn.Linear(64 * 4 * 4, 128),
    nn.ReLU(),
    nn.Dropout(p=0.5),
    nn.Linear(128, 10),
)
""",
    ),
}


def torch_flatten_size(source: str, shape) -> tuple[int, list[int]]:
    """Runs the model with torch: the features entering its first Linear layer, and its output shape."""
    namespace = {}
    exec(compile(source, "model", "exec"), namespace)
    model = namespace["model"] if "model" in namespace else namespace["Net"]()
    entering = []
    for module in model.modules():
        if isinstance(module, nn.Linear):
            module.register_forward_pre_hook(lambda layer, inputs: entering.append(inputs[0].shape[1]))
    with torch.no_grad():
        output = model.eval()(torch.zeros(2, *shape))
    return entering[0], list(output.shape)


@pytest.mark.parametrize("name", CLASS_MODELS)
def test_models_as_posted_agree_with_torch(browser, site_url, name):
    shape, source = CLASS_MODELS[name]
    features, output = torch_flatten_size(source, shape)
    page = open_tool(browser, site_url, CALCULATOR)
    text = fill_calculator(page, "2, " + ", ".join(map(str, shape)), source, "Flattened size")
    assert f"Flattened size: {features} = " in text, f"{name}: torch counts {features} features:\n{text}"
    assert f"already takes {features} features" in text, f"{name}:\n{text}"
    assert f"Output of the last layer: [{', '.join(map(str, output))}]." in text, f"{name}:\n{text}"
    assert "Lines left out" not in text and "stops" not in text, f"{name}:\n{text}"
    page.close()


def test_the_view_trap_and_a_missing_flatten_are_named(browser, site_url):
    trap = """
class TrapCNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 16, 5, 1, 2), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(16, 32, 5, 1, 2), nn.ReLU(), nn.MaxPool2d(2),
        )
        self.out = nn.Linear(1050, 10)

    def forward(self, x):
        x = self.features(x)
        x = x.view(-1, 1050)  # don't: this reshapes across images
        return self.out(x)
"""
    page = open_tool(browser, site_url, CALCULATOR)
    text = fill_calculator(page, "2, 1, 28, 28", trap, "torch stops at")
    assert "RuntimeError: shape '[-1, 1050]' is invalid for input of size 3136" in text
    text = fill_calculator(page, "75, 1, 28, 28", trap, "silently")
    assert "with a batch of 75 it runs, and silently turns 75 examples into 112 rows of predictions" in text
    assert "nn.Linear(1568, 10)" in text

    layers = "nn.Conv2d(1, 32, 5, 1, 2)\nnn.MaxPool2d(4)\nnn.Linear(1568, 10)"
    text = fill_calculator(page, "2, 1, 28, 28", layers, "torch stops at")
    with pytest.raises(RuntimeError) as raised:
        nn.Sequential(nn.Conv2d(1, 32, 5, 1, 2), nn.MaxPool2d(4), nn.Linear(1568, 10))(torch.zeros(2, 1, 28, 28))
    assert f"RuntimeError: {raised.value}" in text  # (448x7 and 1568x10)
    assert "Put nn.Flatten() right before nn.Linear(1568, 10) (line 3)" in text
    page.close()


def test_unknown_lines_are_named_not_skipped(browser, site_url):
    page = open_tool(browser, site_url, CALCULATOR)
    text = fill_calculator(
        page, "1, 28, 28", "nn.Conv2d(1, 16, 5)\nprint('hello')\nnn.LSTM(10, 20)\nnn.Flatten()", "calculator stops"
    )
    assert "The calculator stops at line 3, nn.LSTM(10, 20): nn.LSTM is not a layer the calculator knows." in text
    assert "1\tnn.Conv2d(1, 16, 5)\t[N, 16, 24, 24]" in text

    text = fill_calculator(
        page, "1, 28, 28", "nn.Conv2d(1, 16, 5)\nconv(16, 32, 5)\nConv2D(16, 32, 3)", "calculator stops"
    )
    assert "line 2, conv(16, 32, 5): left out: no layer the calculator knows in this line" in text
    assert "Conv2D is not a layer the calculator knows (did you mean nn.Conv2d?)" in text

    text = fill_calculator(page, "1, 28, 28", "nn.Linear(hidden, 10)", "calculator stops")
    assert "in_features: hidden is a name, and its value is not in what you pasted" in text
    page.close()


HOSTILE_SHAPES = [
    "",
    "abc",
    "1, 28",
    "1, 2, 3, 4, 5",
    "0, 28, 28",
    "99999999999999999999, 2, 2",
    "1e9, 1, 1",
    "-1, 28, 28",
    "<b>1</b>, 28, 28",
]
HOSTILE_LAYERS = [
    "",
    '<img src=x onerror="window.pwned = 1">',
    "<script>window.pwned = 1</script>nn.Conv2d(1, 16, 5)",
    "nn.Conv2d(1, 16, 99999999999999999999999)",
    "nn.Conv2d(1, 10**20, 3)\nnn.Conv2d(10**20, 10**20, 3)",
    "nn.Conv2d(1, 100000, 1)\nnn.Conv2d(100000, 100000000, 1)\nnn.Flatten()",
    "nn.Conv2d(1, 16, 0)",
    "nn.Conv2d(1, 16, 3, stride=0)",
    "nn.Conv2d(1, 16, 3, padding=-1)",
    "nn.Conv2d(1, 16, 3.5)",
    "nn.Linear(",
    "nn.Sequential(nn.Conv2d(1, 16, 3), nn.ReLU()",
    "nn.Conv2d(1, 16, 3)))))",
    "nn.MaxPool2d(2, 1e400)",
    "nn.AvgPool2d((1, 2, 3))",
    "nn.Dropout('a lot')",
    "nn.Linear(1 / 0, 3)",
    "import os; os.system('echo hi')",
    "ñ ü 字 🙂 \u0000 \u202e",
    "constructor\n__proto__\nnn.__proto__()\nnn.constructor(1)\nnn.toString()",
    "x = x.view(-1, 0)\ndef forward(self, x):\n    x = x.view(-1, 0)",
]


def test_hostile_input_never_breaks_the_calculator(browser, site_url):
    page = open_tool(browser, site_url, CALCULATOR)
    default_layers = page.input_value("#layers")
    pairs = [(shape, default_layers) for shape in HOSTILE_SHAPES]
    pairs += [(shape, layers) for layers in HOSTILE_LAYERS for shape in ["1, 28, 28", "2, 1, 28, 28"]]
    for shape, layers in pairs:
        text = fill_calculator(page, shape, layers)
        assert_sane(text, f"{CALCULATOR} with {shape!r} and {layers!r}")
        assert text.strip(), f"{CALCULATOR} with {shape!r} and {layers!r}: an empty result"
    assert page.locator("#calculator-result img, #calculator-result script, #calculator-result b").count() == 0
    assert page.evaluate("window.pwned") is None
    assert page.errors == [] and page.outside == []
    page.close()


# --- The error decoder ---------------------------------------------------------------------------


def raised(action) -> tuple[str, str]:
    """The message torch raises, and the whole traceback as a reader would paste it."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            action()
    except Exception as error:
        return str(error), traceback.format_exc()
    raise AssertionError("expected torch to raise")


def decode(page, text: str, expected: str | None = None) -> str:
    before = answer_count(page, "#decoder-result")
    page.fill("#error-message", text)
    return settled_text(page, "#decoder-result", expected, after=before)


def test_the_seed_error_with_its_traceback(browser, site_url):
    namespace = {}
    exec(compile(seed_model_source(), "lessons/01-reproduce-the-error.ipynb", "exec"), namespace)
    message, pasted = raised(lambda: namespace["CNN"]()(torch.zeros(2, 1, 28, 28)))
    assert message == "mat1 and mat2 shapes cannot be multiplied (2x1568 and 1050x10)"
    page = open_tool(browser, site_url, DECODER)
    for variant in [
        pasted,
        message,
        f"RuntimeError: {message}",
        message.replace("x", "×"),
        "See: " + message.replace(" and 1050", "  and\n1050"),
    ]:
        text = decode(page, variant, "The layer takes 1050 features per row and got 1568")
        for line in [
            "2 (rows of mat1): the input's rows: its batch size if it is 2-D (batch, features) (torchsummary's summary() runs a dummy batch of 2);",
            "1568 (columns of mat1): the size of the input's last dimension;",
            "1050 (rows of mat2): the layer's in_features;",
            "10 (columns of mat2): its out_features.",
            "In all, 2 × 1568 = 3136 numbers reached it, not a multiple of 1050: they cannot be whole examples of 1050 numbers each",
            "If 2 is your batch size (a 2-D input) and the layer is yours, replace nn.Linear(1050, 10) with",
            "If the layer belongs to a model you downloaded",
        ]:
            assert line in text, f"{DECODER} on {variant[-80:]!r}: missing {line!r} in\n{text}"
        # The first number is the batch size only for a 2-D input, which the message does not say.
        assert "should be your batch size" not in text, f"{DECODER} on {variant[-80:]!r}:\n{text}"
        assert page.locator("#decoder-result .shape-tool__fix").all_inner_texts() == ["nn.Linear(1568, 10)"]
    page.get_by_role("link", name="the shape calculator").click()
    page.wait_for_url("**/" + CALCULATOR)
    assert page.errors == [] and page.outside == []
    page.close()


def test_the_other_wordings(browser, site_url):
    page = open_tool(browser, site_url, DECODER)

    # The same error in PyTorch 1.6 and earlier on the CPU (the wording of its TH library).
    text = decode(
        page,
        "RuntimeError: size mismatch, m1: [64 x 2048], m2: [1568 x 10] at /pytorch/aten/src/TH/generic/THTensorMath.cpp:41",
        "takes 1568 features",
    )
    assert "the wording of PyTorch 1.6 and earlier on the CPU (1.5 and earlier on a GPU)" in text
    assert "before 1.8" not in text
    assert "nn.Linear(2048, 10)" in text and "The message alone does not say what multiplied" in text
    assert "64 (rows of m1): the input's rows: its batch size if it is 2-D (batch, features);" in text
    assert "should be your batch size" not in text

    # A 4-D tensor reached the Linear layer: 448 × 7 = 2 × 1568, a batch of 2 and the layer right.
    message, pasted = raised(lambda: nn.Linear(1568, 10)(torch.zeros(2, 32, 7, 7)))
    assert message == "mat1 and mat2 shapes cannot be multiplied (448x7 and 1568x10)"
    text = decode(page, pasted, "Is 448 your batch size? 448 × 7 = 2 × 1568")
    assert "So 448 is probably not your batch size: the layer is right" in text
    assert "If your batch size is 2, the layer is right: 2 examples of 1568 numbers (1568 = 32 × 7 × 7" in text
    assert "nn.Flatten()" in text and "If 448 is your batch size" in text
    assert "it could be" not in text  # the factorisation is replaced by the flatten reading
    assert page.locator("#decoder-result .shape-tool__fix").all_inner_texts() == [
        "x = x.flatten(1)",
        "nn.Linear(7, 10)",
    ]

    # Unflattened, and the layer wrong as well: its in_features depends on the batch size.
    message, pasted = raised(lambda: nn.Linear(1050, 10)(torch.zeros(2, 32, 7, 7)))
    text = decode(page, pasted, "The layer takes 1050 features per row and got 7")
    assert "with a batch of 2: 3136 ÷ 2 = 1568 numbers per example, so nn.Linear(1568, 10)" in text
    assert "with a batch of 1: 3136 ÷ 1 = 3136" in text
    assert "A 4-D tensor reached" not in text  # the message does not say how many dimensions

    # The view trap.
    features = nn.Sequential(nn.Conv2d(1, 32, 5, 1, 2), nn.MaxPool2d(4))
    message, pasted = raised(lambda: features(torch.zeros(2, 1, 28, 28)).view(-1, 1050))
    assert message == "shape '[-1, 1050]' is invalid for input of size 3136"
    text = decode(page, pasted, "[-1, 1050] does not fit 3136 elements")
    assert "a whole number only when 3136 is a multiple of 1050. It is not: 3136 = 2 × 1050 + 1036." in text
    assert "If this line flattens a batch before a layer" in text and "x = x.view(x.size(0), -1)" in text
    assert "nn.Linear(1568" not in text  # a view is not always followed by a Linear layer

    # The loss-side mismatch that the seed post confuses with this one.
    message, pasted = raised(lambda: F.cross_entropy(torch.zeros(112, 10), torch.zeros(75, dtype=torch.long)))
    assert message == "Expected input batch_size (112) to match target batch_size (75)."
    text = decode(page, pasted, "112 rows of predictions for 75 targets")
    assert "comes from the loss" in text and "x = x.view(x.size(0), -1)" in text

    # Shape errors of the convolution layers, pointed to the calculator.
    message, pasted = raised(lambda: nn.Conv2d(3, 16, 3)(torch.zeros(2, 1, 28, 28)))
    text = decode(page, pasted, "The Conv2d takes 3 channels and got 1")
    assert "nn.Conv2d(1, 16, kernel_size=3)" in text
    message, pasted = raised(lambda: nn.Conv2d(1, 16, 5)(torch.zeros(2, 1, 3, 3)))
    assert "The feature map is 3 × 3: too small for the convolution" in decode(page, pasted, "too small")
    message, pasted = raised(lambda: nn.MaxPool2d(2)(torch.zeros(2, 1, 1, 1)))
    assert "The feature map is 1 × 1: too small for the pooling layer" in decode(page, pasted, "too small")
    assert page.errors == [] and page.outside == []
    page.close()


HOSTILE_MESSAGES = [
    "hello",
    "   \n\t  ",
    "NaN undefined null",
    '<img src=x onerror="window.pwned = 1">',
    "<script>window.pwned = 1</script>",
    "mat1 and mat2 shapes cannot be multiplied (2x<b>1568</b> and 1050x10)",
    '<b>mat1 and mat2 shapes cannot be multiplied (2x1568 and 1050x10)</b><img src=x onerror="window.pwned = 1">',
    "mat1 and mat2 shapes cannot be multiplied (99999999999999999999999999x1 and 2x3)",
    "mat1 and mat2 shapes cannot be multiplied (1x99999999999999999999999999 and 99999999999999999999999999x3)",
    "mat1 and mat2 shapes cannot be multiplied (0x0 and 0x0)",
    "mat1 and mat2 shapes cannot be multiplied (2x99999999999999999999999999 and 1050x10)",
    "mat1 and mat2 shapes cannot be multiplied (2x1568 and 1568x10)",
    "mat1 and mat2 shapes cannot be multiplied (007x01568 and 1050x010)",
    "mat1 and mat2 shapes cannot be multiplied (2x1568 and",
    "shape '[-1, 0]' is invalid for input of size 5",
    "shape '[]' is invalid for input of size 0",
    "shape '[-1, -1, 99999999999999999999]' is invalid for input of size 99999999999999999999",
    "shape '[2, 3]' is invalid for input of size 7",
    "Expected input batch_size (5) to match target batch_size (5)",
    "Expected input batch_size (0) to match target batch_size (99999999999999999999)",
    "Given groups=1, weight of size [16], expected input[2] to have 0 channels, but got 0 channels instead",
    "Given input size: (1x1x1). Calculated output size: (1x-99999999999999999999x0). Output size is too small",
    "ñ ü 字 🙂 \u202e",
    "mat1 " * 20000,
]


def test_hostile_input_never_breaks_the_decoder(browser, site_url):
    page = open_tool(browser, site_url, DECODER)
    for message in HOSTILE_MESSAGES:
        text = decode(page, message)
        assert_sane(text, f"{DECODER} on {message[:80]!r}")
        assert text.strip(), f"{DECODER} on {message[:80]!r}: an empty result"
    assert page.locator("#decoder-result img, #decoder-result script, #decoder-result b").count() == 0
    assert page.evaluate("window.pwned") is None

    text = decode(page, "hello", "I don't know this message")
    assert "mat1 and mat2 shapes cannot be multiplied (AxB and CxD)" in text
    assert "Expected input batch_size (A) to match target batch_size (B)" in text
    assert "size mismatch, m1: [A x B], m2: [C x D] (the same error in older PyTorch versions)" in text
    assert "1.8" not in text  # no release is named without its evidence (see the old-wording test)
    text = decode(
        page,
        "mat1 and mat2 shapes cannot be multiplied (2x99999999999999999999999999 and 1050x10)",
        "These numbers are not from PyTorch",
    )
    assert "larger than any size a PyTorch tensor can have" in text
    assert "nn.Linear(99999999999999999999999999, 10)" not in text  # no layer torch could never build
    text = decode(
        page,
        "mat1 and mat2 shapes cannot be multiplied (007x01568 and 1050x010)",
        "takes 1050 features per row and got 1568",
    )
    assert "nn.Linear(1568, 10)" in text
    assert page.errors == [] and page.outside == []
    page.close()


# --- Keyboard, accessibility, links --------------------------------------------------------------


def tab_to(page, element_id: str, limit: int = 80):
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement && document.activeElement.id") == element_id:
            return
    raise AssertionError(f"{page.url}: #{element_id} cannot be reached with Tab ({limit} presses)")


def test_both_tools_work_from_the_keyboard_alone(browser, site_url):
    page = open_tool(browser, site_url, DECODER)
    tab_to(page, "error-message")
    page.keyboard.type("RuntimeError: mat1 and mat2 shapes cannot be multiplied (4x2048 and 1568x10)")
    assert "nn.Linear(2048, 10)" in settled_text(page, "#decoder-result", "takes 1568 features per row and got 2048")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "decoder-example"
    page.keyboard.press("Enter")
    assert "nn.Linear(1568, 10)" in settled_text(page, "#decoder-result", "takes 1050 features per row and got 1568")
    page.close()

    page = open_tool(browser, site_url, CALCULATOR)
    tab_to(page, "input-shape")
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.type("3, 32, 32")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "layers"
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.type(
        "nn.Conv2d(3, 16, 5, 1, 2)\nnn.MaxPool2d(2)\nnn.Conv2d(16, 32, 5, 1, 2)\nnn.MaxPool2d(2)\nnn.Flatten()\nnn.Linear(1568, 10)"
    )
    text = settled_text(page, "#calculator-result", "Flattened size: 2048")
    assert "nn.Linear(2048, 10)" in text and "It replaces nn.Linear(1568, 10) on line 6." in text
    page.close()


AXE_RUN = """tags => axe.run(document, { runOnly: { type: "tag", values: tags } })"""
WCAG_21_A_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def axe_violations(page) -> dict[str, list[str]]:
    page.add_script_tag(path=str(AXE))
    report = page.evaluate(AXE_RUN, WCAG_21_A_AA)
    return {v["id"]: [" ".join(node["target"]) for node in v["nodes"]] for v in report["violations"]}


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", [DECODER, CALCULATOR])
def test_the_tools_pass_axe(browser, site_url, path, scheme):
    context = browser.new_context(color_scheme=scheme)
    page = context.new_page()
    page.goto(site_url + path)
    if path == DECODER:
        decode(
            page, "RuntimeError: mat1 and mat2 shapes cannot be multiplied (2x1568 and 1050x10)", "nn.Linear(1568, 10)"
        )
    else:
        fill_calculator(page, "2, 1, 28, 28", seed_model_source(), "torch stops at")  # the table and the error shown
    violations = axe_violations(page)
    assert violations == {}, f"{path} [{scheme}], with an answer on screen: axe-core finds {violations}"

    labels = page.evaluate(
        "() => [...document.querySelectorAll('.shape-tool label')].map((label) => [label.textContent, label.htmlFor])"
    )
    expected = (
        [["Error message", "error-message"]]
        if path == DECODER
        else [["Input shape", "input-shape"], ["Layers", "layers"]]
    )
    assert labels == expected
    assert page.locator(".shape-tool [role=status][aria-live=polite]").count() == 1
    context.close()


def test_the_landing_page_offers_the_decoder_first(browser, site_url):
    page = browser.new_page()
    page.goto(site_url)
    body = page.locator("article").inner_html()
    error = body.index("mat1 and mat2 shapes cannot be multiplied (2x1568 and 1050x10)")
    decoder = body.index('href="tools/decoder/"')
    assert error < decoder < body.index("The fix in 30 seconds")
    assert re.search(
        r'class="admonition tip"[^>]*>\s*<p class="admonition-title">Different numbers\? Paste your error</p>', body
    )
    page.get_by_role("link", name="error decoder").first.click()
    page.wait_for_url("**/" + DECODER)
    assert page.locator("label[for=error-message]").inner_text() == "Error message"
    page.close()
