# modelled on: code posted with this error: a batch of 1-D signals given to Conv1d without their channel dimension, then unsqueeze(1)
# input: 2, 100
import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv1d(1, 8, 5)
        self.pool = nn.AdaptiveAvgPool1d(10)
        self.fc = nn.Linear(80, 3)

    def forward(self, x):
        x = x.unsqueeze(1)
        x = self.pool(self.conv(x).relu())
        return self.fc(x.flatten(1))
