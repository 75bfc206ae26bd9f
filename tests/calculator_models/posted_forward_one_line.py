# modelled on: code posted with this error: forward written on one line
# input: 2, 3, 32, 32
import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Sequential(nn.Conv2d(3, 8, 3), nn.ReLU(), nn.MaxPool2d(2))
        self.flat = nn.Flatten()
        self.fc = nn.Linear(8 * 15 * 15, 10)
    def forward(self, x): return self.fc(self.flat(self.conv(x)))
