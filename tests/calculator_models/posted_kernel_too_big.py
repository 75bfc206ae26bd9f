# modelled on: code posted with this error: a 5x5 convolution after the map has shrunk to 3x3
# input: 2, 3, 32, 32
import torch.nn as nn

model = nn.Sequential(
    nn.Conv2d(3, 16, 5), nn.MaxPool2d(2),
    nn.Conv2d(16, 32, 5), nn.MaxPool2d(2),
    nn.Conv2d(32, 64, 5),
    nn.Flatten(),
    nn.Linear(64, 10),
)
