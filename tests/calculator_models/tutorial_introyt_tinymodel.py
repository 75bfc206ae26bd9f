# modelled on: github.com/pytorch/tutorials beginner_source/introyt/modelsyt_tutorial.py, class TinyModel
# input: 2, 100
import torch


class TinyModel(torch.nn.Module):
    def __init__(self):
        super(TinyModel, self).__init__()
        self.linear1 = torch.nn.Linear(100, 200)
        self.activation = torch.nn.ReLU()
        self.linear2 = torch.nn.Linear(200, 10)
        self.softmax = torch.nn.Softmax()

    def forward(self, x):
        x = self.linear1(x)
        x = self.activation(x)
        x = self.linear2(x)
        return self.softmax(x)


tinymodel = TinyModel()
