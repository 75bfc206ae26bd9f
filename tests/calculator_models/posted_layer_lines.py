# modelled on: code posted with this error: layers pasted as lines, no class (as in the calculator's own example)
# input: 2, 1, 28, 28
import torch.nn as nn

nn.Conv2d(1, 16, 5, 1, 2)
nn.ReLU()
nn.MaxPool2d(2)
nn.Conv2d(16, 32, 5, 1, 2)
nn.ReLU()
nn.MaxPool2d(2)
nn.Flatten()
nn.Linear(32 * 7 * 7, 10)
