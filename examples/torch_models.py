"""PyTorch models for the docs and the tests: the seed CNN, a sequence classifier with a
two-layer bidirectional LSTM, a transformer encoder layer, and a ResNet basic block
written without torchvision. Input shapes are channels first, without the batch axis."""

import torch
from torch import nn


def build_cnn():
    """The "Learnable parameters" network in PyTorch: ``:input-shape: 1, 28, 28``."""
    return nn.Sequential(
        nn.Conv2d(1, 32, kernel_size=3),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Conv2d(32, 64, kernel_size=3),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Dropout(0.5),
        nn.Linear(1600, 10),
    )


class SequenceClassifier(nn.Module):
    """Tokens -> embedding -> two-layer bidirectional LSTM -> the last step -> classes:
    ``:input-shape: 40`` (token ids)."""

    def __init__(self, vocabulary=1000, embedding=32, hidden=64, classes=5):
        super().__init__()
        self.embed = nn.Embedding(vocabulary, embedding)
        self.lstm = nn.LSTM(embedding, hidden, num_layers=2, bidirectional=True, batch_first=True)
        self.head = nn.Linear(2 * hidden, classes)

    def forward(self, tokens):
        outputs, _ = self.lstm(self.embed(tokens))
        return self.head(outputs[:, -1])


def build_lstm():
    return SequenceClassifier()


def build_encoder_layer():
    """One transformer encoder layer over 16 positions of 64 values: ``:input-shape: 16, 64``."""
    return nn.TransformerEncoderLayer(d_model=64, nhead=4, dim_feedforward=256, batch_first=True)


class BasicBlock(nn.Module):
    """ResNet's basic block (He et al., 2016): two 3 x 3 convolutions with batch norm, and a
    1 x 1 convolution on the shortcut when the block changes the size."""

    def __init__(self, in_channels=64, out_channels=128, stride=2):
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, out_channels, 3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(out_channels)
        self.relu = nn.ReLU()
        self.conv2 = nn.Conv2d(out_channels, out_channels, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(out_channels)
        self.shortcut = nn.Sequential()
        if stride != 1 or in_channels != out_channels:
            self.shortcut = nn.Sequential(nn.Conv2d(in_channels, out_channels, 1, stride=stride, bias=False),
                                          nn.BatchNorm2d(out_channels))

    def forward(self, x):
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return self.relu(out + self.shortcut(x))


def build_basic_block():
    """``:input-shape: 64, 32, 32``; ``relu`` is called twice: shown at each call, counted once."""
    return BasicBlock()


class TinyResNet(nn.Module):
    """A stem, two basic blocks (nested rows) and a classifier: ``:input-shape: 3, 32, 32``."""

    def __init__(self, classes=10):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, 16, 3, padding=1, bias=False), nn.BatchNorm2d(16), nn.ReLU())
        self.blocks = nn.Sequential(BasicBlock(16, 16, 1), BasicBlock(16, 32, 2))
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(32, classes)

    def forward(self, x):
        return self.fc(torch.flatten(self.pool(self.blocks(self.stem(x))), 1))


def build_tiny_resnet():
    return TinyResNet()
