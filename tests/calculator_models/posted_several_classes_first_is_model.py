# modelled on: code posted with this error: the model class first, a helper block after it
# input: 2, 3, 32, 32
import torch.nn as nn
import torch.nn.functional as F


class SmallNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.block1 = ConvBlock(3, 16)
        self.block2 = ConvBlock(16, 32)
        self.fc = nn.Linear(32 * 8 * 8, 10)

    def forward(self, x):
        x = self.block2(self.block1(x))
        x = x.view(x.size(0), -1)
        return self.fc(x)


class ConvBlock(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, 3, padding=1)
        self.bn = nn.BatchNorm2d(cout)

    def forward(self, x):
        return F.max_pool2d(F.relu(self.bn(self.conv(x))), 2)
