# modelled on: code posted with this error: small images pooled until nothing is left
# input: 2, 1, 16, 16
import torch.nn as nn


class Deep(nn.Module):
    def __init__(self):
        super().__init__()
        layers = []
        channels = 1
        for out in [8, 16, 32, 64, 128]:
            layers += [nn.Conv2d(channels, out, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2)]
            channels = out
        self.features = nn.Sequential(*layers)
        self.fc = nn.Linear(128, 10)

    def forward(self, x):
        return self.fc(self.features(x).flatten(1))
