# modelled on: code posted with this error: hidden layers kept in an nn.ModuleList built by a comprehension
# input: 2, 32
import torch.nn as nn


class DeepMLP(nn.Module):
    def __init__(self, d_in=32, width=64, depth=4, d_out=3):
        super().__init__()
        self.inp = nn.Linear(d_in, width)
        self.hidden = nn.ModuleList([nn.Linear(width, width) for _ in range(depth)])
        self.out = nn.Linear(width, d_out)

    def forward(self, x):
        x = self.inp(x).relu()
        for layer in self.hidden:
            x = layer(x).relu()
        return self.out(x)
