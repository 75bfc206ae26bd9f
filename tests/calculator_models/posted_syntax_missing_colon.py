# modelled on: code posted with this error, mistyped: forward's def without its colon
# input: 2, 1, 28, 28
import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(784, 10)

    def forward(self, x)
        return self.fc(x.view(x.size(0), -1))
