"""Random layer stacks for checking the shape calculator against torch, and torch's verdict on each.

A stack is an input shape (batch first) and lines of layer code as a reader would paste them:
positional or keyword arguments, ints or tuples, 'same'/'valid' padding, dilation, ceil_mode...
The generator watches the shape with torch as it goes, so most stacks are plausible (a Linear
usually gets the right in_features) and many still fail the way real models fail: channels that
do not chain, a feature map that shrinks to nothing, pooling padding over half the kernel, a
flatten too early, 'same' padding with a stride.
"""

from __future__ import annotations

import random
import warnings

import torch
from torch import nn

KINDS = ["conv", "maxpool", "avgpool", "adaptive", "batchnorm", "relu", "dropout", "flatten", "linear"]
WEIGHTS = [30, 14, 10, 5, 8, 10, 5, 8, 10]


def _size(rng, low, high, tuple_chance=0.25):
    if rng.random() < tuple_chance:
        return (rng.randint(low, high), rng.randint(low, high))
    return rng.randint(low, high)


def _call(rng, name, parameters):
    """`nn.Name(...)` with the first arguments positional and the rest as keywords (shuffled).

    parameters: (name, value, is_default) in the signature's order.
    """
    cut = rng.randint(0, len(parameters))
    # Positional arguments must be a prefix; a keyword may be left out only if it is a default.
    positional = [repr(value) for _, value, _ in parameters[:cut]]
    keywords = [(key, value) for key, value, is_default in parameters[cut:] if not is_default or rng.random() < 0.3]
    rng.shuffle(keywords)
    arguments = positional + [f"{key}={value!r}" for key, value in keywords]
    prefix = "torch.nn." if rng.random() < 0.1 else "nn."
    return f"{prefix}{name}({', '.join(arguments)})"


def _conv(rng, channels):
    in_channels = channels if rng.random() < 0.9 else max(1, channels + rng.choice([-1, 1, 2]))
    groups = 1
    if rng.random() < 0.08:
        groups = 2
    out_channels = rng.choice([2, 4, 6, 8, 16])
    kernel = _size(rng, 1, 7)
    stride = _size(rng, 1, 3) if rng.random() < 0.4 else 1
    dilation = _size(rng, 1, 3) if rng.random() < 0.2 else 1
    roll = rng.random()
    if roll < 0.1:
        padding = "same"
        if rng.random() < 0.6:
            stride = 1  # 'same' with a stride is refused: keep some of those
    elif roll < 0.15:
        padding = "valid"
    else:
        padding = _size(rng, 0, 3) if rng.random() < 0.6 else 0
    mode = "zeros" if rng.random() < 0.93 else rng.choice(["reflect", "replicate", "circular"])
    parameters = [
        ("in_channels", in_channels, False),
        ("out_channels", out_channels, False),
        ("kernel_size", kernel, False),
        ("stride", stride, stride == 1),
        ("padding", padding, padding == 0),
        ("dilation", dilation, dilation == 1),
        ("groups", groups, groups == 1),
        ("bias", True, True),
        ("padding_mode", mode, mode == "zeros"),
    ]
    return _call(rng, "Conv2d", parameters), out_channels


def _maxpool(rng):
    kernel = _size(rng, 1, 5)
    stride = None if rng.random() < 0.5 else _size(rng, 1, 3)
    padding = 0 if rng.random() < 0.6 else _size(rng, 0, 3)
    dilation = 1 if rng.random() < 0.8 else _size(rng, 1, 3)
    ceil_mode = rng.random() < 0.3
    parameters = [
        ("kernel_size", kernel, False),
        ("stride", stride, stride is None),
        ("padding", padding, padding == 0),
        ("dilation", dilation, dilation == 1),
        ("return_indices", False, True),
        ("ceil_mode", ceil_mode, not ceil_mode),
    ]
    return _call(rng, "MaxPool2d", parameters)


def _avgpool(rng):
    kernel = _size(rng, 1, 5)
    stride = None if rng.random() < 0.5 else _size(rng, 1, 3)
    padding = 0 if rng.random() < 0.6 else _size(rng, 0, 3)
    ceil_mode = rng.random() < 0.3
    parameters = [
        ("kernel_size", kernel, False),
        ("stride", stride, stride is None),
        ("padding", padding, padding == 0),
        ("ceil_mode", ceil_mode, not ceil_mode),
        ("count_include_pad", rng.random() < 0.8, True),
    ]
    return _call(rng, "AvgPool2d", parameters)


def _adaptive(rng):
    size = rng.choice([1, 2, 3, 5, 7, (2, 3), (None, 4), (3, None)])
    name = rng.choice(["AdaptiveAvgPool2d", "AdaptiveMaxPool2d"])
    return _call(rng, name, [("output_size", size, False)])


def _linear(rng, current):
    features = current[-1] if current is not None else rng.randint(1, 50)
    in_features = features if rng.random() < 0.7 else max(1, features + rng.choice([-7, -1, 1, 10]))
    out_features = rng.choice([10, 32, 5])
    if rng.random() < 0.1:
        return _call(rng, "LazyLinear", [("out_features", out_features, False)])
    return _call(
        rng,
        "Linear",
        [("in_features", in_features, False), ("out_features", out_features, False), ("bias", True, True)],
    )


def random_stack(rng: random.Random) -> tuple[tuple[int, ...], list[str]]:
    batch = rng.choice([1, 2, 2, 3])
    channels = rng.choice([1, 1, 3, 4, 8])
    height = rng.randint(1, 40)
    width = height if rng.random() < 0.6 else rng.randint(1, 40)
    shape = (batch, channels, height, width)
    lines: list[str] = []
    x = torch.zeros(shape)
    for _ in range(rng.randint(1, 8)):
        kind = rng.choices(KINDS, WEIGHTS)[0]
        if kind == "conv":
            line, _ = _conv(rng, x.shape[1] if x is not None and x.dim() == 4 else channels)
        elif kind == "maxpool":
            line = _maxpool(rng)
        elif kind == "avgpool":
            line = _avgpool(rng)
        elif kind == "adaptive":
            line = _adaptive(rng)
        elif kind == "batchnorm":
            features = x.shape[1] if x is not None and x.dim() == 4 else channels
            if rng.random() < 0.15:
                features += rng.choice([1, 2])
            line = _call(
                rng, "BatchNorm2d", [("num_features", features, False), ("eps", 1e-05, True), ("momentum", 0.1, True)]
            )
        elif kind == "relu":
            line = rng.choice(["nn.ReLU()", "nn.ReLU(inplace=True)", "nn.ReLU(True)"])
        elif kind == "dropout":
            p = rng.choice([0.25, 0.5, 0.0, 1, 1.5, -0.1]) if rng.random() < 0.2 else rng.choice([0.25, 0.5])
            line = f"nn.Dropout({p})" if rng.random() < 0.5 else f"nn.Dropout(p={p})"
        elif kind == "flatten":
            line = rng.choice(["nn.Flatten()", "nn.Flatten()", "nn.Flatten(1)", "nn.Flatten(start_dim=1, end_dim=-1)"])
        else:
            line = _linear(rng, tuple(x.shape) if x is not None else None)
        lines.append(line)
        if x is not None:
            try:
                with warnings.catch_warnings(), torch.no_grad():
                    warnings.simplefilter("ignore")
                    x = build(line)(x)
            except Exception:
                # The stack now fails here; sometimes keep adding layers (torch never reaches them).
                x = None
                if rng.random() < 0.6:
                    break
    return shape, lines


def build(line: str) -> nn.Module:
    return eval(line, {"nn": nn, "torch": torch})  # the lines are the generator's own


def torch_verdict(shape: tuple[int, ...], lines: list[str]) -> dict:
    """What torch does with the stack: every layer's output shape, or where and how it refuses.

    Like nn.Sequential, every layer is built first (a layer torch cannot build stops everything),
    then a batch of zeros goes through them in training mode.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        layers = []
        for index, line in enumerate(lines):
            try:
                layers.append(build(line))
            except Exception as error:
                return {"shapes": [], "error": {"index": index, "type": type(error).__name__, "message": str(error)}}
        x = torch.zeros(shape)
        shapes = []
        with torch.no_grad():
            for index, layer in enumerate(layers):
                try:
                    x = layer(x)
                except Exception as error:
                    return {
                        "shapes": shapes,
                        "error": {"index": index, "type": type(error).__name__, "message": str(error)},
                    }
                shapes.append(list(x.shape))
    return {"shapes": shapes, "error": None}


def stacks(seed: int, count: int) -> list[tuple[tuple[int, ...], list[str]]]:
    rng = random.Random(seed)
    return [random_stack(rng) for _ in range(count)]
