# modelled on: code posted with this error: two heads in an nn.ModuleDict
# input: 2, 3, 32, 32
import torch
import torch.nn as nn


class MultiHead(nn.Module):
    def __init__(self):
        super().__init__()
        self.backbone = nn.Sequential(nn.Conv2d(3, 8, 3, 2, 1), nn.ReLU(), nn.AdaptiveAvgPool2d((2, 2)), nn.Flatten())
        self.heads = nn.ModuleDict({"color": nn.Linear(32, 4), "shape": nn.Linear(32, 3)})

    def forward(self, x):
        features = self.backbone(x)
        return torch.cat([self.heads["color"](features), self.heads["shape"](features)], dim=1)
