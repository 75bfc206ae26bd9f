# modelled on: code posted with this error, mistyped: x = = ...
# input: 2, 1, 28, 28
import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 8, 3)
        self.fc = nn.Linear(8 * 26 * 26, 10)

    def forward(self, x):
        x = = self.conv(x)
        return self.fc(x.flatten(1))
