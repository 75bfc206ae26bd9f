"""The error decoder's advice, applied: does the model it fixes return one row per example?

For `mat1 and mat2 shapes cannot be multiplied (AxB and CxD)` the layer should be nn.Linear(B, D)
only if A is the batch size. Each model in tests/decoder_variants.py raises the message in torch;
the built site's decoder (in Chromium) reads it and answers with suggestions, each for the batch
size it assumes. The test knows the truth (the examples really passed), takes the suggestion for
it, applies it to the model in torch (the decoder's own line of code where it gives one), and
requires the model to return exactly (batch, out_features). A suggestion that runs but returns the
wrong number of rows fails, as does one that the decoder labels likely when the truth is another.
"""

from __future__ import annotations

import re
import traceback

import pytest
import torch
from decoder_variants import VARIANTS, Flattening, Statement, Variant, big_linear
from test_tools import DECODER, assert_sane, decode, open_tool
from torch import nn

pytestmark = pytest.mark.browser

MATMUL = re.compile(r"mat1 and mat2 shapes cannot be multiplied \((\d+)x(\d+) and (\d+)x(\d+)\)")
DECODE = """async (messages) => {
  const { decodeError } = await import(new URL("../../javascripts/error-decoder.js", location.href));
  const text = (parts) => parts.map((part) => typeof part === "string" ? part : part.code ?? part.strong ?? part.link).join("");
  return messages.map((message) => {
    const result = decodeError(message);
    const lines = result.blocks.flatMap((block) => block.p ? [text(block.p)] : block.list ? block.list.map(text) : [block.fix]);
    return { title: result.title, fix: result.fix, suggestions: result.suggestions, text: lines.join("\\n") };
  });
}"""


def old_wording(message: str) -> str:
    """The same message in the words of PyTorch 1.6 and earlier, on the CPU."""
    a, b, c, d = MATMUL.search(message).groups()
    return f"size mismatch, m1: [{a} x {b}], m2: [{c} x {d}] at /pytorch/aten/src/TH/generic/THTensorMath.cpp:41"


@pytest.fixture(scope="module")
def decoder_page(browser, site_url):
    page = open_tool(browser, site_url, DECODER)
    yield page
    assert page.errors == [] and page.outside == []
    page.close()


def decoded(page, *messages: str) -> list[dict]:
    return page.evaluate(DECODE, list(messages))


def run(model: nn.Module, x: torch.Tensor):
    """The model's output (the first one, for models that return several), or torch's message and
    the name of the Linear layer that raised it."""
    entered: list[str] = []
    names = {module: name for name, module in model.named_modules()}
    hooks = [
        module.register_forward_pre_hook(lambda module, inputs: entered.append(names[module]))
        for module in model.modules()
        if isinstance(module, nn.Linear)
    ]
    try:
        with torch.no_grad():
            output = model(x)
        return (output[0] if isinstance(output, tuple) else output), None, None
    except RuntimeError as error:
        return None, str(error), entered[-1] if entered else None
    finally:
        for hook in hooks:
            hook.remove()


def linear(in_features: int, out_features: int) -> nn.Linear:
    return (
        big_linear(in_features, out_features)
        if in_features * out_features > 10**7
        else nn.Linear(in_features, out_features)
    )


def replace_layer(model: nn.Module, name: str, layer: nn.Linear) -> nn.Module:
    if name == "":
        return layer
    model.set_submodule(name, layer)
    return model


def apply(suggestion: dict, model: nn.Module, x: torch.Tensor, failing: str, where: str):
    """The suggestion, done to the model or its input as a reader would do it."""
    if suggestion["change"] == "layer":
        layer = linear(int(suggestion["in_features"]), int(suggestion["out_features"]))
        return replace_layer(model, failing, layer), x
    if suggestion["change"] == "input":
        return model, Statement(suggestion["code"])(x)  # the decoder's line, run on the input
    assert suggestion["change"] == "flatten", f"{where}: a suggestion of an unknown kind: {suggestion}"
    assert isinstance(model, Flattening), f"{where}: a flatten suggestion for a model with no flatten place"
    model.flatten = Statement(suggestion["code"])  # in place of what flattened, or where nothing did
    if suggestion.get("in_features") and model.get_submodule(failing).in_features != int(suggestion["in_features"]):
        model = replace_layer(model, failing, linear(int(suggestion["in_features"]), int(suggestion["out_features"])))
    return model, x


def last_linear(model: nn.Module) -> nn.Linear:
    return [module for module in model.modules() if isinstance(module, nn.Linear)][-1]


def follow_the_decoder(page, variant: Variant) -> list[dict]:
    """Runs the variant, decodes each message, applies the suggestion for the true batch and cause,
    until the model runs. Returns each step's decoding, for the checks on its wording."""
    torch.manual_seed(0)
    model, x = variant.build(), torch.zeros(variant.shape)
    steps = []
    for step, cause in enumerate(variant.causes):
        where = f"{variant.name} ({variant.source}), step {step + 1}"
        output, message, failing = run(model, x)
        assert output is None, f"{where}: the model runs, and returns {tuple(output.shape)}; expected torch to raise"
        if step == 0:
            assert message == variant.message, f"{where}: torch says {message!r}"
        [answer] = decoded(page, message)
        assert_sane(answer["text"], where)
        fitting = [s for s in answer["suggestions"] if s["batch"] == str(variant.batch) and s["change"] == cause]
        assert fitting, (
            f"{where}: for {message!r} the decoder offers no {cause!r} change for the true batch of "
            f"{variant.batch}: {answer['suggestions']}\n{answer['text']}"
        )
        suggestion = fitting[0]
        model, x = apply(suggestion, model, x, failing, where)
        steps.append({"message": message, "answer": answer, "suggestion": suggestion})
        if suggestion["complete"]:
            assert step == len(variant.causes) - 1, (
                f"{where}: the decoder calls {suggestion} complete, but {variant.causes[step + 1 :]} remain"
            )
    output, message, _ = run(model, x)
    where = f"{variant.name} ({variant.source})"
    assert message is None, f"{where}: after {[s['suggestion']['code'] for s in steps]} torch still says {message!r}"
    expected = (variant.batch, last_linear(model).out_features)
    assert tuple(output.shape) == expected, (
        f"{where}: the decoder's fix {[s['suggestion']['code'] for s in steps]} runs but returns "
        f"{tuple(output.shape)}, not one row per example {expected}"
    )
    return steps


@pytest.mark.parametrize("variant", VARIANTS, ids=[variant.name for variant in VARIANTS])
def test_the_decoders_fix_gives_one_row_per_example(decoder_page, variant):
    steps = follow_the_decoder(decoder_page, variant)
    first = steps[0]["answer"]
    a, b, c, d = map(int, MATMUL.search(variant.message).groups())
    where = f"{variant.name} ({variant.source}): {variant.message}"

    # What the decoder calls likely is the truth, unless the numbers themselves mislead.
    likely = [s for s in first["suggestions"] if s["likely"]]
    if not variant.numbers_mislead:
        assert all(s["batch"] == str(variant.batch) for s in likely), (
            f"{where}: likely {likely}, truth: a batch of {variant.batch}"
        )
        assert first["fix"] in (None, steps[0]["suggestion"].get("code")), (
            f"{where}: the one line to paste is {first['fix']!r}"
        )
    # Never one confident nn.Linear(B, D) when A is not the batch and the numbers say so.
    if a * b % c == 0:
        assert first["fix"] is None, f"{where}: {a} × {b} is a multiple of {c}, yet one fix is given: {first['fix']}"
        assert f"one row per example only if {a} is your batch size" in first["text"], f"{where}:\n{first['text']}"
        assert "should be your batch size" not in first["text"], f"{where}:\n{first['text']}"
    if a * b == c:
        assert f"So {a} is probably not your batch size" in first["text"], f"{where}:\n{first['text']}"
        assert all(not s["likely"] for s in first["suggestions"] if s["change"] == "layer"), (
            f"{where}: {first['suggestions']}"
        )


def suggestion_keys(answer: dict) -> list[tuple]:
    return [(s["batch"], s["change"], s.get("in_features"), s.get("code"), s["likely"]) for s in answer["suggestions"]]


def test_the_old_wording_gets_the_same_suggestions(decoder_page):
    messages = [variant.message for variant in VARIANTS]
    today = decoded(decoder_page, *messages)
    old = decoded(decoder_page, *map(old_wording, messages))
    for message, new_answer, old_answer in zip(messages, today, old):
        assert suggestion_keys(old_answer) == suggestion_keys(new_answer), f"{message} and its old wording differ"
        assert (
            "the wording of PyTorch 1.6 and earlier on the CPU (1.5 and earlier on a GPU)" in old_answer["text"]
            and "(rows of m1)" in old_answer["text"]
        )
    posted = next(variant for variant in VARIANTS if "posted" in variant.extra)
    [as_posted] = decoded(decoder_page, posted.extra["posted"])
    [as_today] = decoded(decoder_page, posted.message)
    assert suggestion_keys(as_posted) == suggestion_keys(as_today)
    assert ("64", "flatten", "784", "x = x.flatten(1)", True) in suggestion_keys(as_posted), as_posted["suggestions"]


def test_one_image_without_its_batch_through_the_page(decoder_page):
    """The brief's own case, as a reader meets it: the traceback pasted into the page; the page's
    first line to paste fixes it; the nn.Linear(49, 10) it offers only for a batch of 32 would run
    and silently give 32 rows for one image."""
    cnn = next(variant for variant in VARIANTS if variant.message.endswith("(32x49 and 1568x10)")).build()
    image = torch.zeros(1, 28, 28)
    try:
        cnn(image)
    except RuntimeError:
        pasted = traceback.format_exc()
    text = decode(decoder_page, pasted, "Is 32 your batch size? 32 × 49 = 1568")
    for line in [
        "32 × 49 = 1568: the numbers that reached your nn.Linear layer are exactly one example of the 1568 features it takes.",
        "So 32 is probably not your batch size: the layer is right, and the data reached it in the wrong shape.",
        "32 (rows of mat1): one row per example only if 32 is your batch size;",
        "If you passed one example (one image, say) without its batch dimension, the layer is right",
        "If 32 is your batch size and the layer is yours, 49 features per example reached a layer built for 1568: replace nn.Linear(1568, 10) with",
    ]:
        assert line in text, f"{DECODER}: missing {line!r} in\n{text}"
    assert "the batch size" not in text and "should be your batch size" not in text
    fixes = decoder_page.locator("#decoder-result .shape-tool__fix").all_inner_texts()
    assert fixes == ["x = x.unsqueeze(0)", "x = x.flatten(1)", "nn.Linear(49, 10)"]

    logits, _ = cnn(Statement(fixes[0])(image))  # the page's first line, run on the image
    assert tuple(logits.shape) == (1, 10)
    cnn.out = nn.Linear(49, 10)  # the branch for a batch of 32, applied to one image
    logits, _ = cnn(image)
    assert tuple(logits.shape) == (32, 10), "nn.Linear(49, 10) runs on one image and gives 32 rows"


def test_an_exact_batch_for_the_unflattened(decoder_page):
    """7680 rows of 12 against a layer of 9216: 7680 × 12 = 92160 = 10 × 9216, a batch of 10, and the
    layer already right (CrypTen's tutorial, https://github.com/facebookresearch/CrypTen/issues/487)."""
    [answer] = decoded(decoder_page, "RuntimeError: mat1 and mat2 shapes cannot be multiplied (7680x12 and 9216x128)")
    assert answer["title"] == "Is 7680 your batch size? 7680 × 12 = 10 × 9216"
    assert (
        "If your batch size is 10, the layer is right: 10 examples of 9216 numbers (9216 = 64 × 12 × 12"
        in answer["text"]
    )
    assert [(s["batch"], s["change"], s["likely"]) for s in answer["suggestions"]] == [
        ("10", "flatten", True),
        ("7680", "layer", False),
    ]
