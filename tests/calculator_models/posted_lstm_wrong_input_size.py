# modelled on: code posted with this error: an LSTM built for 10 features given 8
# input: 2, 15, 8
import torch.nn as nn


class Forecaster(nn.Module):
    def __init__(self, n_features=10, hidden=32):
        super().__init__()
        self.lstm = nn.LSTM(input_size=n_features, hidden_size=hidden, num_layers=2, batch_first=True)
        self.head = nn.Linear(hidden, 1)

    def forward(self, x):
        out, _ = self.lstm(x)
        return self.head(out[:, -1])
