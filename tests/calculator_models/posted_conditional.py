# modelled on: code posted with this error: layers chosen by a constructor flag, with its default
# input: 2, 1, 28, 28
import torch.nn as nn
import torch.nn.functional as F


class Net(nn.Module):
    def __init__(self, use_bn=True, dropout=0.0):
        super().__init__()
        self.use_bn = use_bn
        self.conv = nn.Conv2d(1, 16, 3, padding=1)
        if use_bn:
            self.bn = nn.BatchNorm2d(16)
        self.dropout = nn.Dropout(dropout) if dropout > 0 else None
        self.fc = nn.Linear(16 * 14 * 14, 10)

    def forward(self, x):
        x = self.conv(x)
        if self.use_bn:
            x = self.bn(x)
        x = F.max_pool2d(F.relu(x), 2)
        if x.dim() == 4:
            x = x.flatten(1)
        if self.dropout is not None:
            x = self.dropout(x)
        return self.fc(x)
