# modelled on: code posted with this error: reshape(batch, -1) with the batch read from x.shape
# input: 2, 3, 24, 24
import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 6, 5)
        self.pool = nn.AvgPool2d(2)
        self.fc = nn.Linear(6 * 10 * 10, 2)

    def forward(self, x):
        batch = x.shape[0]
        x = self.pool(self.conv(x))
        x = x.reshape(batch, -1)
        return self.fc(x)
