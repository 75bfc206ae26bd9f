# modelled on: code posted with this error: a bidirectional GRU whose head forgot the two directions
# input: 2, 12, 6
import torch.nn as nn


class Tagger(nn.Module):
    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(6, 16, batch_first=True, bidirectional=True)
        self.fc = nn.Linear(16, 3)

    def forward(self, x):
        out, h = self.gru(x)
        return self.fc(out)
