# modelled on: code posted with this error: sizes as constructor arguments with defaults
# input: 2, 3, 64, 64
import torch.nn as nn


class CNN(nn.Module):
    def __init__(self, in_channels=3, num_classes=2, hidden=256, image_size=64):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(in_channels, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        )
        side = image_size // 4
        self.classifier = nn.Sequential(nn.Flatten(), nn.Linear(64 * side * side, hidden), nn.ReLU(), nn.Linear(hidden, num_classes))

    def forward(self, x):
        return self.classifier(self.features(x))
