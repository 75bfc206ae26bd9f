# modelled on: code posted with this error: BatchNorm2d sized for the wrong layer
# input: 2, 3, 32, 32
import torch.nn as nn

model = nn.Sequential(
    nn.Conv2d(3, 32, 3, padding=1),
    nn.BatchNorm2d(64),
    nn.ReLU(),
    nn.Flatten(),
    nn.Linear(32 * 32 * 32, 10),
)
