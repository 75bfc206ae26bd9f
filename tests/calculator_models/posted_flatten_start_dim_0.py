# modelled on: code posted with this error: nn.Flatten(0) folds the batch in
# input: 2, 3, 16, 16
import torch.nn as nn

model = nn.Sequential(
    nn.Conv2d(3, 5, 3),
    nn.ReLU(),
    nn.AdaptiveAvgPool2d(4),
    nn.Flatten(0),
    nn.Linear(80, 10),
)
