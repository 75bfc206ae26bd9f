# modelled on: code posted with this error: out = self.conv(x), then x.view(...) flattens the input instead
# input: 2, 1, 28, 28
import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Sequential(nn.Conv2d(1, 32, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2))
        self.fc = nn.Linear(32 * 14 * 14, 10)

    def forward(self, x):
        out = self.conv(x)
        out = x.view(x.size(0), -1)
        out = self.fc(out)
        return out
