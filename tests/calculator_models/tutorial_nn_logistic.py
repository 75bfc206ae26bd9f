# modelled on: github.com/pytorch/tutorials beginner_source/nn_tutorial.py, class Mnist_Logistic
# input: 2, 784
from torch import nn


class Mnist_Logistic(nn.Module):
    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(784, 10)

    def forward(self, xb):
        return self.lin(xb)


model = Mnist_Logistic()
