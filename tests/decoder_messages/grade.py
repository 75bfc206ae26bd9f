"""The decoder's real-material set, and how an answer to one of its messages is graded.

messages.json holds error messages as people posted them in public issues (`source`: the thread)
and messages torch 2.13 raises (`code`, whose last line raises: run here, and its whole traceback
pasted). For each: `must`, what a true explanation says, and `must_not`, what it must not say.

An answer is graded:
- "don't know": the decoder says it cannot read the message (kind "unknown"), and says nothing
  the message rules out;
- "right": it explains the message, says every `must`, no `must_not`, and every number it states
  (its `checks`: batch sizes, in_features, layers, permutations, shapes) agrees with what torch
  computes here;
- "wrong": anything else.

Used by tests/test_decoder_real.py (answers from Chromium) and by docs/tools/decoder.md (answers
from the same module under Node, when the page is built).
"""

from __future__ import annotations

import json
import linecache
import math
import traceback
import warnings
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn

HERE = Path(__file__).resolve().parent
MESSAGES = HERE / "messages.json"
# The file name a reader's script has in the tracebacks pasted for torch's own cases.
READER_FILE = "/home/reader/train.py"


def messages() -> list[dict]:
    return json.loads(MESSAGES.read_text())["messages"]


def raise_case(entry: dict) -> tuple[BaseException, dict]:
    """Runs a case's code (its last line raises) as a reader's script; the error and the namespace."""
    linecache.cache[READER_FILE] = (len(entry["code"]), None, entry["code"].splitlines(True), READER_FILE)
    namespace = {"torch": torch, "nn": nn, "F": F}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            exec(compile(entry["code"], READER_FILE, "exec"), namespace)
    except Exception as error:
        return error, namespace
    raise AssertionError(f"{entry['name']}: torch raised nothing")


def pasted(entry: dict) -> tuple[str, dict | None]:
    """What the reader pastes (the whole traceback for torch's cases), and the case's namespace."""
    if "code" not in entry:
        return entry["message"], None
    error, namespace = raise_case(entry)
    assert str(error) == entry["message"], f"{entry['name']}: torch 2.13 now says {str(error)!r}"
    return "".join(traceback.format_exception(error)), namespace


def _meta(shape) -> torch.Tensor:
    return torch.empty([int(size) for size in shape], device="meta")


def _build(code: str) -> nn.Module:
    with torch.device("meta"):
        return eval(code, {"nn": nn})


def check_problems(checks: list[dict]) -> list[str]:
    """Each number the answer states, recomputed with torch (on the meta device: shapes only)."""
    problems = []
    for check in checks:
        try:
            kind = check["kind"]
            if kind == "flatten":
                rows, columns, batch, features = (
                    int(check[key]) for key in ["rows", "columns", "batch", "in_features"]
                )
                flat = _meta([rows, columns]).reshape(batch, -1)
                assert flat.shape[1] == features, (
                    f"{rows} × {columns} in a batch of {batch} is {flat.shape[1]} per example"
                )
                output = _build(f"nn.Linear({features}, {check['out_features']})")(flat)
                assert tuple(output.shape) == (batch, int(check["out_features"]))
            elif kind in ("linear", "conv"):
                _build(check["code"])(_meta(check["input"]))
            elif kind == "product":
                result = _meta(check["left"]) @ _meta(check["right"])
                assert list(result.shape) == [int(size) for size in check["result"]], f"gives {list(result.shape)}"
            elif kind == "permute":
                scope = {"x": _meta(check["input"])}
                exec(check["code"], scope)
                layer = _build(check["layer"])
                # The claim is about channels: the layer's padding, which the message does not give,
                # decides whether small sizes fit its kernel, so the kernel is not checked here.
                in_channels = layer.weight.shape[0 if "Transpose" in check["layer"] else 1] * (
                    1 if "Transpose" in check["layer"] else layer.groups
                )
                assert scope["x"].shape[1] == in_channels, (
                    f"{list(scope['x'].shape)} has no {in_channels} channels second"
                )
            elif kind == "view":
                size = int(check["size"])
                try:
                    _meta([size]).view([int(item) for item in check["shape"]])
                    raise AssertionError("torch accepts this view")
                except RuntimeError as error:
                    expected = f"shape '[{', '.join(check['shape'])}]' is invalid for input of size {size}"
                    assert str(error) == expected, f"torch says {str(error)!r}"
            elif kind == "view-fits":
                shape = [int(item) for item in check["shape"]]
                _meta([int(check["size"])]).view(shape)
                assert math.prod(shape) == int(check["size"])
            else:
                raise AssertionError(f"a check of an unknown kind {kind!r}")
        except Exception as error:  # noqa: BLE001 (every failure is the decoder's, and is reported)
            problems.append(f"{check}: {type(error).__name__}: {error}")
    return problems


def truth_problems(entry: dict, namespace: dict | None, checks: list[dict]) -> list[str]:
    """For torch's cases, the true reading (computed from the input `x`) must be among the answer's."""
    truth = entry.get("truth")
    if not truth:
        return []
    x = namespace["x"]
    if truth in ("flatten", "flatten-layer"):
        wanted = (str(x.shape[0]), str(x[0].numel()))
        found = [(c["batch"], c["in_features"]) for c in checks if c["kind"] == "flatten"]
        return (
            []
            if wanted in found
            else [f"the true batch {wanted[0]} with {wanted[1]} per example is not offered: {found}"]
        )
    if truth == "rows":
        wanted = [str(size) for size in x.shape]
        return (
            []
            if any(c["kind"] == "linear" and c["input"] == wanted for c in checks)
            else [f"no layer for the input {wanted}"]
        )
    if truth == "permute":
        found = [c for c in checks if c["kind"] == "permute"]
        return (
            []
            if found and found[0]["input"] == [str(size) for size in x.shape]
            else [f"no permute for {list(x.shape)}"]
        )
    return [f"an unknown truth {truth!r}"]


def grade(entry: dict, answer: dict, namespace: dict | None = None) -> tuple[str, list[str]]:
    """("right" | "don't know" | "wrong", the reasons) for an answer: {kind, text, checks}."""
    text = answer["text"]
    said = [phrase for phrase in entry["must_not"] if phrase in text]
    if answer["kind"] in ("unknown", "internal-error"):
        return ("wrong", [f"says {phrase!r}" for phrase in said]) if said else ("don't know", [])
    missing = [phrase for phrase in entry["must"] if phrase not in text]
    problems = [f"misses {phrase!r}" for phrase in missing] + [f"says {phrase!r}" for phrase in said]
    problems += check_problems(answer["checks"]) + truth_problems(entry, namespace, answer["checks"])
    return ("wrong" if problems else "right"), problems


# The decoder's answers as text: the same reading of its parts as the page's (tools.js).
ANSWER_TEXT = """
const text = (parts) => parts.map((part) => typeof part === "string" ? part : part.code ?? part.strong ?? part.link).join("");
const answer = (result) => ({
  kind: result.kind,
  checks: result.checks || [],
  text: [result.title, ...result.blocks.flatMap((block) => block.p ? [text(block.p)] : block.list ? block.list.map(text) : [block.fix])].join("\\n"),
});
"""


def node_answers(decoder: Path, texts: list[str]) -> list[dict]:
    """The decoder module's answers under Node (for the page, built without a browser)."""
    import subprocess

    script = (
        f"import {{ decodeError }} from {json.dumps(decoder.resolve().as_uri())};\n"
        + ANSWER_TEXT
        + "let input = ''; process.stdin.on('data', (chunk) => { input += chunk; });\n"
        + "process.stdin.on('end', () => { process.stdout.write(JSON.stringify(JSON.parse(input).map((t) => answer(decodeError(t))))); });\n"
    )
    result = subprocess.run(
        ["node", "--input-type=module", "-e", script],
        input=json.dumps(texts),
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout)


def counts(decoder: Path) -> dict:
    """Right, don't know and wrong over the whole set, with Node's answers."""
    entries = messages()
    cases = [pasted(entry) for entry in entries]
    answers = node_answers(decoder, [text for text, _ in cases])
    tally = {"right": 0, "don't know": 0, "wrong": 0}
    for entry, (_, namespace), answer in zip(entries, cases, answers):
        tally[grade(entry, answer, namespace)[0]] += 1
    return {
        "messages": len(entries),
        "posted": sum(1 for entry in entries if "code" not in entry),
        "raised": sum(1 for entry in entries if "code" in entry),
        **tally,
    }
