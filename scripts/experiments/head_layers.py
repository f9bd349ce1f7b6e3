"""The layers of the GloVe span-reading head, shared by glove-head.py (training) and head-onnx.py (timing)."""
import torch


def add_layers(s, H):
    """Adds the head's layers to module s, in a fixed order (so a seeded run initialises them alike)."""
    s.att = torch.nn.Linear(100, 100)
    s.qrnn = torch.nn.GRU(100, H, batch_first=True, bidirectional=True)
    s.srnn = torch.nn.GRU(202, H, batch_first=True, bidirectional=True)
    s.qpool = torch.nn.Linear(2 * H, 1)
    s.ws = torch.nn.Linear(2 * H, 2 * H); s.we = torch.nn.Linear(2 * H, 2 * H)
    s.null = torch.nn.Sequential(torch.nn.Linear(4 * H, H), torch.nn.ReLU(), torch.nn.Linear(H, 1))
