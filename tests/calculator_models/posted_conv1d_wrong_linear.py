# modelled on: code posted with this error: a Conv1d network whose Linear size was counted without the poolings
# input: 2, 1, 100
import torch.nn as nn
import torch.nn.functional as F


class SignalNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv1d(1, 16, kernel_size=5, padding=2)
        self.conv2 = nn.Conv1d(16, 32, kernel_size=5, padding=2)
        self.fc = nn.Linear(32 * 100, 2)

    def forward(self, x):
        x = F.max_pool1d(F.relu(self.conv1(x)), 2)
        x = F.max_pool1d(F.relu(self.conv2(x)), 2)
        x = x.flatten(1)
        return self.fc(x)
