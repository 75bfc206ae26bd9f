# modelled on: code posted with this error: LayerNorm sized for the wrong width
# input: 2, 16
import torch.nn as nn

model = nn.Sequential(
    nn.Linear(16, 32),
    nn.LayerNorm(16),
    nn.GELU(),
    nn.Linear(32, 4),
)
