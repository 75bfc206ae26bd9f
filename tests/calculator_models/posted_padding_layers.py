# modelled on: code posted with this error: padding layers before the convolutions
# input: 2, 3, 32, 32
import torch.nn as nn

model = nn.Sequential(
    nn.ReflectionPad2d(1),
    nn.Conv2d(3, 16, 3),
    nn.ReLU(),
    nn.ZeroPad2d((1, 1, 1, 1)),
    nn.Conv2d(16, 16, 3, stride=2),
    nn.ReLU(),
    nn.ConstantPad2d(2, 0.0),
    nn.MaxPool2d(2),
    nn.Flatten(),
    nn.Linear(16 * 8 * 8, 10),
)
