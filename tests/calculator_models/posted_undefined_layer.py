# modelled on: code posted with this error: forward uses a layer __init__ never made
# input: 2, 20
import torch.nn as nn


class MLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(20, 64)
        self.fc2 = nn.Linear(64, 32)

    def forward(self, x):
        x = self.fc2(self.fc1(x).relu()).relu()
        return self.fc3(x)
