# modelled on: code posted with this error: grayscale images into a network built for three channels
# input: 2, 1, 64, 64
import torch.nn as nn

model = nn.Sequential(
    nn.Conv2d(3, 32, 3),
    nn.ReLU(),
    nn.MaxPool2d(2),
    nn.Flatten(),
    nn.Linear(32 * 31 * 31, 2),
)
