"""Models that raise `mat1 and mat2 shapes cannot be multiplied`, each with the truth about it.

Every variant is a broken model and the input it gets, with what the message cannot say: how many
examples were really passed (`batch`) and what is really wrong, in the order a reader fixes it
(`causes`: "layer", "input" or "flatten"). tests/test_decoder_fixes.py runs each one in torch,
decodes torch's message in the built site, applies the decoder's suggestion for the true batch to
the model, and checks that the model then returns one row per example.

The lessons' variants come first, then others built to test the decoder's arithmetic, then models
people posted with the message, re-typed here as layers (each with the address of the thread).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import torch
from torch import nn

REPO = Path(__file__).resolve().parent.parent


class Statement(nn.Module):
    """One line of a forward, as a reader writes it (`x = x.flatten(1)`), run on the tensor."""

    def __init__(self, code: str):
        super().__init__()
        self.code = code

    def forward(self, x):
        scope = {"x": x, "torch": torch}
        exec(self.code, scope)
        return scope["x"]

    def extra_repr(self):
        return repr(self.code)


class Flattening(nn.Module):
    """Feature layers, then whatever flattens (or fails to), then the head: the place where a
    decoder's flatten suggestion goes."""

    def __init__(self, features: nn.Module, flatten: nn.Module, head: nn.Module):
        super().__init__()
        self.features, self.flatten, self.head = features, flatten, head

    def forward(self, x):
        return self.head(self.flatten(self.features(x)))


def seed_cnn_class():
    """The model of lesson 1, exactly as the lesson has it (nn.Linear(1050, 10) after 32 × 7 × 7)."""
    notebook = json.loads((REPO / "lessons" / "01-reproduce-the-error.ipynb").read_text())
    for cell in notebook["cells"]:
        source = "".join(cell["source"])
        if cell["cell_type"] == "code" and "class CNN" in source:
            scope: dict = {}
            exec(compile(source, "lessons/01-reproduce-the-error.ipynb", "exec"), scope)
            return scope["CNN"]
    raise AssertionError("lessons/01-reproduce-the-error.ipynb: no cell defines class CNN")


class FixedCNN(nn.Module):
    """Lesson 5's fixed model as lesson 8 writes it: in_channels and the flatten size as arguments,
    flattened in forward with x.view(x.size(0), -1); returns (logits, flattened)."""

    def __init__(self, in_channels=1, flatten_size=32 * 7 * 7):
        super().__init__()
        self.conv1 = nn.Sequential(nn.Conv2d(in_channels, 16, 5, 1, 2), nn.ReLU(), nn.MaxPool2d(2))
        self.conv2 = nn.Sequential(nn.Conv2d(16, 32, 5, 1, 2), nn.ReLU(), nn.MaxPool2d(2))
        self.out = nn.Linear(flatten_size, 10)

    def forward(self, x):
        x = self.conv2(self.conv1(x))
        x = x.view(x.size(0), -1)
        return self.out(x), x


def conv_features(in_channels=1):
    """The two convolution blocks of lessons 1-8: 28 × 28 -> 32 × 7 × 7."""
    return nn.Sequential(
        nn.Conv2d(in_channels, 16, 5, 1, 2),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 5, 1, 2),
        nn.ReLU(),
        nn.MaxPool2d(2),
    )


def big_linear(in_features: int, out_features: int) -> nn.Linear:
    """A Linear layer of tens of millions of weights, left uninitialised: only shapes matter here."""
    return nn.utils.skip_init(nn.Linear, in_features, out_features)


def flattening(flatten: nn.Module, in_features=32 * 7 * 7, in_channels=1):
    return Flattening(conv_features(in_channels), flatten, nn.Linear(in_features, 10))


@dataclass
class Variant:
    name: str
    source: str  # where it comes from: a lesson and its cell, "built here", or a thread's address
    build: Callable[[], nn.Module]
    shape: tuple[int, ...]  # the input's shape, as the reader passed it
    message: str  # torch's message, exactly
    batch: int  # how many examples the input really holds
    causes: list[str]  # what is really wrong, in the order it is fixed
    # The decoder reads only the four numbers. Where they are consistent with a story that is not
    # the true one, and nothing in them tells the two apart, the decoder may favour the wrong one;
    # it must still offer the true one (the test checks both).
    numbers_mislead: bool = False
    extra: dict = field(default_factory=dict)


def _alexnet_like():
    # falloutdurham/beginners-pytorch-deep-learning, chapter 3's CNNNet ("AlexNet by another
    # name"): five convolutions to 256 channels, AdaptiveAvgPool2d((6, 6)), torch.flatten(x, 1),
    # then Linear(256 * 6 * 6, 4096), Linear(4096, 4096), Linear(4096, 2).
    features = nn.Sequential(
        nn.Conv2d(3, 64, 11, stride=4, padding=2),
        nn.ReLU(),
        nn.MaxPool2d(3, 2),
        nn.Conv2d(64, 192, 5, padding=2),
        nn.ReLU(),
        nn.MaxPool2d(3, 2),
        nn.Conv2d(192, 384, 3, padding=1),
        nn.ReLU(),
        nn.Conv2d(384, 256, 3, padding=1),
        nn.ReLU(),
        nn.Conv2d(256, 256, 3, padding=1),
        nn.ReLU(),
        nn.MaxPool2d(3, 2),
        nn.AdaptiveAvgPool2d((6, 6)),
    )
    head = nn.Sequential(
        big_linear(256 * 6 * 6, 4096), nn.ReLU(), big_linear(4096, 4096), nn.ReLU(), nn.Linear(4096, 2)
    )
    return Flattening(features, Statement("x = torch.flatten(x, 1)"), head)


def _tiny_vgg(hidden=10):
    # mrdbourke/pytorch-deep-learning's TinyVGG for FashionMNIST: two blocks of two 3 × 3
    # convolutions (padding 1) and a 2 × 2 max pool, then nn.Flatten() and
    # nn.Linear(hidden_units * 7 * 7, 10).
    def block(channels_in):
        return [
            nn.Conv2d(channels_in, hidden, 3, 1, 1),
            nn.ReLU(),
            nn.Conv2d(hidden, hidden, 3, 1, 1),
            nn.ReLU(),
            nn.MaxPool2d(2),
        ]

    return Flattening(nn.Sequential(*block(1), *block(hidden)), nn.Flatten(), nn.Linear(hidden * 7 * 7, 10))


def _mnist_example_without_flatten():
    # The PyTorch MNIST example's network (Conv2d(1, 32, 3), Conv2d(32, 64, 3), max pool 2,
    # Linear(9216, 128), Linear(128, 10)) as CrypTen's tutorial wrote it, with no flatten before fc1.
    features = nn.Sequential(nn.Conv2d(1, 32, 3, 1), nn.ReLU(), nn.Conv2d(32, 64, 3, 1), nn.ReLU(), nn.MaxPool2d(2))
    return Flattening(features, nn.Identity(), nn.Sequential(nn.Linear(9216, 128), nn.ReLU(), nn.Linear(128, 10)))


def _conv1d_regression():
    # TylerYep/torchinfo issue 269: three Conv1d (kernel 2) to 128 channels, then
    # nn.Flatten(start_dim = 0) and nn.Linear(128*5, 1); length 8 leaves 5 positions.
    features = nn.Sequential(
        nn.Conv1d(1, 32, 2), nn.ReLU(), nn.Conv1d(32, 64, 2), nn.ReLU(), nn.Conv1d(64, 128, 2), nn.ReLU()
    )
    return Flattening(features, nn.Flatten(start_dim=0), nn.Linear(128 * 5, 1))


def _vgg_head_without_flatten():
    # udacity/deep-learning-v2-pytorch issue 396: VGG's classifier (Linear(25088, 4096), ...) given
    # the 512 × 7 × 7 output of its AdaptiveAvgPool2d((7, 7)) with no flatten, for one 400 × 444
    # image (VGG's convolutions leave 512 × 12 × 13 of it). The thread shows the message and the
    # image size, not the code: this is the model those numbers need.
    head = nn.Sequential(big_linear(512 * 7 * 7, 4096), nn.ReLU(), big_linear(4096, 1000))
    return Flattening(nn.AdaptiveAvgPool2d((7, 7)), nn.Identity(), head)


def _udacity_mlp():
    # udacity/deep-learning-v2-pytorch issue 86: Linear(784, 256), 128, 64, 10 with LogSoftmax; the
    # flatten line assigned to a misspelt name (`imagees = images.view(1,-1)`), so the images went in as
    # they came from the loader, 64 × 1 × 28 × 28.
    head = nn.Sequential(
        nn.Linear(784, 256),
        nn.ReLU(),
        nn.Linear(256, 128),
        nn.ReLU(),
        nn.Linear(128, 64),
        nn.ReLU(),
        nn.Linear(64, 10),
        nn.LogSoftmax(dim=1),
    )
    return Flattening(nn.Identity(), nn.Identity(), head)


VARIANTS = [
    # --- The lessons ------------------------------------------------------------------------------
    Variant(
        "the seed model in torchsummary's batch of 2",
        "lesson 1, the model and its error",
        lambda: seed_cnn_class()(),
        (2, 1, 28, 28),
        "mat1 and mat2 shapes cannot be multiplied (2x1568 and 1050x10)",
        2,
        ["layer"],
    ),
    Variant(
        "the seed model, a batch of 1",
        "lesson 1, any batch fails",
        lambda: seed_cnn_class()(),
        (1, 1, 28, 28),
        "mat1 and mat2 shapes cannot be multiplied (1x1568 and 1050x10)",
        1,
        ["layer"],
    ),
    Variant(
        "the seed model, a batch of 3",
        "lesson 1, any batch fails",
        lambda: seed_cnn_class()(),
        (3, 1, 28, 28),
        "mat1 and mat2 shapes cannot be multiplied (3x1568 and 1050x10)",
        3,
        ["layer"],
    ),
    Variant(
        "the seed model on 32 × 32 images",
        "lesson 1, exercise 2",
        lambda: seed_cnn_class()(),
        (2, 1, 32, 32),
        "mat1 and mat2 shapes cannot be multiplied (2x2048 and 1050x10)",
        2,
        ["layer"],
    ),
    Variant(
        "the fixed model on 32 × 32 images",
        "lesson 8, variant 1",
        FixedCNN,
        (2, 1, 32, 32),
        "mat1 and mat2 shapes cannot be multiplied (2x2048 and 1568x10)",
        2,
        ["layer"],
    ),
    Variant(
        "colour images, the first convolution fixed",
        "lesson 8, variant 1",
        lambda: FixedCNN(in_channels=3),
        (2, 3, 32, 32),
        "mat1 and mat2 shapes cannot be multiplied (2x2048 and 1568x10)",
        2,
        ["layer"],
    ),
    Variant(
        "a colour model with the MNIST layer",
        "lesson 5, exercise 1",
        lambda: flattening(nn.Flatten(), in_channels=3),
        (4, 3, 32, 32),
        "mat1 and mat2 shapes cannot be multiplied (4x2048 and 1568x10)",
        4,
        ["layer"],
    ),
    Variant(
        "one image without its batch dimension",
        "lesson 8, variant 3",
        FixedCNN,
        (1, 28, 28),
        "mat1 and mat2 shapes cannot be multiplied (32x49 and 1568x10)",
        1,
        ["input"],
    ),
    Variant(
        "the forgotten flatten, a batch of 2",
        "lesson 8, variant 2",
        lambda: flattening(nn.Identity()),
        (2, 1, 28, 28),
        "mat1 and mat2 shapes cannot be multiplied (448x7 and 1568x10)",
        2,
        ["flatten"],
    ),
    Variant(
        "the forgotten flatten, a batch of 5",
        "lesson 8, exercise 2",
        lambda: flattening(nn.Identity()),
        (5, 1, 28, 28),
        "mat1 and mat2 shapes cannot be multiplied (1120x7 and 1568x10)",
        5,
        ["flatten"],
    ),
    Variant(
        "nn.Flatten(start_dim=0) flattens the batch too",
        "issue 21's list of the lessons' variants",
        lambda: flattening(nn.Flatten(start_dim=0)),
        (2, 1, 28, 28),
        "mat1 and mat2 shapes cannot be multiplied (1x3136 and 1568x10)",
        2,
        ["flatten"],
    ),
    Variant(
        "a two-layer MLP whose second layer is wrong",
        "issue 21's list of the lessons' variants",
        lambda: nn.Sequential(nn.Flatten(), nn.Linear(784, 128), nn.ReLU(), nn.Linear(64, 10)),
        (16, 1, 28, 28),
        "mat1 and mat2 shapes cannot be multiplied (16x128 and 64x10)",
        16,
        ["layer"],
    ),
    Variant(
        "a plain batch of 8 rows of 4 into nn.Linear(5, 3)",
        "issue 21's list of the lessons' variants",
        lambda: nn.Linear(5, 3),
        (8, 4),
        "mat1 and mat2 shapes cannot be multiplied (8x4 and 5x3)",
        8,
        ["layer"],
    ),
    Variant(
        "lesson 2's first layer of its own",
        "lesson 2, nn.Linear(300, 5) on 8 × 200",
        lambda: nn.Linear(300, 5),
        (8, 200),
        "mat1 and mat2 shapes cannot be multiplied (8x200 and 300x5)",
        8,
        ["layer"],
    ),
    Variant(
        "lesson 2's 4096 features into nn.Linear(512, 100)",
        "lesson 2, nn.Linear(512, 100) on 16 × 4096",
        lambda: nn.Linear(512, 100),
        (16, 4096),
        "mat1 and mat2 shapes cannot be multiplied (16x4096 and 512x100)",
        16,
        ["layer"],
    ),
    Variant(
        "8 × 8 digits into the MNIST layer",
        "lesson 9, the small images",
        FixedCNN,
        (64, 1, 8, 8),
        "mat1 and mat2 shapes cannot be multiplied (64x128 and 1568x10)",
        64,
        ["layer"],
    ),
    # --- Built here to test the arithmetic -------------------------------------------------------------
    Variant(
        "torch.flatten(x) with no start_dim",
        "built here",
        lambda: flattening(Statement("x = torch.flatten(x)")),
        (4, 1, 28, 28),
        "mat1 and mat2 shapes cannot be multiplied (1x6272 and 1568x10)",
        4,
        ["flatten"],
    ),
    Variant(
        "x.view(-1, 3136): rows of two examples each",
        "built here",
        lambda: flattening(Statement("x = x.view(-1, 3136)")),
        (4, 1, 28, 28),
        "mat1 and mat2 shapes cannot be multiplied (2x3136 and 1568x10)",
        4,
        ["flatten"],
    ),
    Variant(
        "the forgotten flatten, a batch of 1",
        "built here",
        lambda: flattening(nn.Identity()),
        (1, 1, 28, 28),
        "mat1 and mat2 shapes cannot be multiplied (224x7 and 1568x10)",
        1,
        ["flatten"],
    ),
    Variant(
        "the forgotten flatten on 28 × 20 images (not square)",
        "built here",
        lambda: flattening(nn.Identity(), in_features=32 * 7 * 5),
        (2, 1, 28, 20),
        "mat1 and mat2 shapes cannot be multiplied (448x5 and 1120x10)",
        2,
        ["flatten"],
    ),
    Variant(
        "the forgotten flatten and the seed model's 1050",
        "built here",
        lambda: flattening(nn.Identity(), in_features=1050),
        (2, 1, 28, 28),
        "mat1 and mat2 shapes cannot be multiplied (448x7 and 1050x10)",
        2,
        ["flatten"],
    ),
    Variant(
        "an MLP whose second layer is too big",
        "built here",
        lambda: nn.Sequential(nn.Flatten(), nn.Linear(784, 32), nn.ReLU(), nn.Linear(128, 10)),
        (64, 1, 28, 28),
        "mat1 and mat2 shapes cannot be multiplied (64x32 and 128x10)",
        64,
        ["layer"],
    ),
    Variant(
        "one colour image without its batch, and the MNIST layer",
        "built here",
        lambda: FixedCNN(in_channels=3),
        (3, 32, 32),
        "mat1 and mat2 shapes cannot be multiplied (32x64 and 1568x10)",
        1,
        ["input", "layer"],
        # 32 × 64 = 2048 is not a multiple of 1568, so the examples do not hold 1568 numbers, and
        # 32 rows of 64 are just as much a batch of 32: the decoder leads with nn.Linear(64, 10).
        numbers_mislead=True,
    ),
    # --- Posted by people who met the message --------------------------------------------------------
    Variant(
        "AlexNet-like CNNNet, one 64 × 64 image without its batch",
        "https://github.com/falloutdurham/beginners-pytorch-deep-learning/issues/78",
        _alexnet_like,
        (3, 64, 64),
        "mat1 and mat2 shapes cannot be multiplied (256x36 and 9216x4096)",
        1,
        ["input"],
    ),
    Variant(
        "TinyVGG, one FashionMNIST image without its batch",
        "https://github.com/mrdbourke/pytorch-deep-learning/issues/763",
        _tiny_vgg,
        (1, 28, 28),
        "mat1 and mat2 shapes cannot be multiplied (10x49 and 490x10)",
        1,
        ["input"],
    ),
    Variant(
        "the MNIST example's CNN with no flatten, a batch of 10",
        "https://github.com/facebookresearch/CrypTen/issues/487",
        _mnist_example_without_flatten,
        (10, 1, 28, 28),
        "mat1 and mat2 shapes cannot be multiplied (7680x12 and 9216x128)",
        10,
        ["flatten"],
    ),
    Variant(
        "logistic regression on unflattened MNIST, a batch of 100",
        "https://github.com/facebookresearch/CrypTen/issues/487",
        lambda: Flattening(nn.Identity(), nn.Identity(), nn.Linear(784, 10)),
        (100, 1, 28, 28),
        "mat1 and mat2 shapes cannot be multiplied (2800x28 and 784x10)",
        100,
        ["flatten"],
    ),
    Variant(
        "an MLP fed the loader's images, a misspelt flatten",
        "https://github.com/udacity/deep-learning-v2-pytorch/issues/86",
        _udacity_mlp,
        (64, 1, 28, 28),
        "mat1 and mat2 shapes cannot be multiplied (1792x28 and 784x256)",
        64,
        ["flatten"],
        # The thread quotes the old wording, from the PyTorch of 2018.
        extra={
            "posted": "size mismatch, m1: [1792 x 28], m2: [784 x 256] at c:\\programdata\\miniconda3\\conda-bld\\pytorch_1532501501514\\work\\aten\\src\\th\\generic/THTensorMath.cpp:2070"
        },
    ),
    Variant(
        "Conv1d regression with nn.Flatten(start_dim = 0)",
        "https://github.com/TylerYep/torchinfo/issues/269",
        _conv1d_regression,
        (2, 1, 8),
        "mat1 and mat2 shapes cannot be multiplied (1x1280 and 640x1)",
        2,
        ["flatten"],
    ),
    Variant(
        "VGG's classifier given unflattened features of one image",
        "https://github.com/udacity/deep-learning-v2-pytorch/issues/396",
        _vgg_head_without_flatten,
        (1, 512, 12, 13),
        "mat1 and mat2 shapes cannot be multiplied (3584x7 and 25088x4096)",
        1,
        ["flatten"],
    ),
]
