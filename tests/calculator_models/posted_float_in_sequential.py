# modelled on: code posted with this error: nn.Conv2d(...).float() inside an nn.Sequential
# input: 2, 1, 28, 28
import torch
import torch.nn as nn

model = nn.Sequential(
    nn.Conv2d(1, 16, kernel_size=3).float(),
    nn.ReLU(),
    nn.MaxPool2d(2),
    nn.Conv2d(16, 32, kernel_size=3).float(),
    nn.ReLU(),
    nn.MaxPool2d(2),
    nn.Flatten(),
    nn.Linear(32 * 5 * 5, 10),
)
