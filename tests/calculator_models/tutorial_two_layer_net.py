# modelled on: github.com/pytorch/tutorials beginner_source/examples_nn/two_layer_net_module.py, class TwoLayerNet
# input: 2, 1000
import torch


class TwoLayerNet(torch.nn.Module):
    def __init__(self, D_in, H, D_out):
        super(TwoLayerNet, self).__init__()
        self.linear1 = torch.nn.Linear(D_in, H)
        self.linear2 = torch.nn.Linear(H, D_out)

    def forward(self, x):
        h_relu = self.linear1(x).clamp(min=0)
        return self.linear2(h_relu)


N, D_in, H, D_out = 64, 1000, 100, 10
model = TwoLayerNet(D_in, H, D_out)
