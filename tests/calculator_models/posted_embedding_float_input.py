# modelled on: code posted with this error: token ids given as a float tensor to nn.Embedding
# input: 2, 20
import torch.nn as nn


class TextClassifier(nn.Module):
    def __init__(self, vocab_size=5000, embed_dim=64, num_classes=4):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embed_dim)
        self.lstm = nn.LSTM(embed_dim, 128, batch_first=True)
        self.fc = nn.Linear(128, num_classes)

    def forward(self, x):
        x = self.embedding(x)
        out, (h, c) = self.lstm(x)
        return self.fc(out[:, -1, :])
