# modelled on: code posted with this error: a Conv3d network on short clips
# input: 2, 3, 8, 32, 32
import torch.nn as nn


class C3D(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv3d(3, 16, kernel_size=3, padding=1)
        self.pool1 = nn.MaxPool3d(2)
        self.conv2 = nn.Conv3d(16, 32, kernel_size=3, padding=1)
        self.pool2 = nn.AdaptiveAvgPool3d(1)
        self.fc = nn.Linear(32, 5)

    def forward(self, x):
        x = self.pool1(self.conv1(x).relu())
        x = self.pool2(self.conv2(x).relu())
        return self.fc(x.view(x.size(0), -1))
