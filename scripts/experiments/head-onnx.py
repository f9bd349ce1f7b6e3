"""Experiment (issue 9): the architecture of glove-head.py as ONNX, random weights, to time in Node (head-onnx-time.mjs).

  /usr/bin/python3 scripts/experiments/head-onnx.py HIDDEN OUT_DIR     (writes OUT_DIR/headHIDDEN.onnx)
"""
import os, torch, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from head_layers import add_layers
H = int(sys.argv[1]); OUT = sys.argv[2]; torch.manual_seed(0)
class Head(torch.nn.Module):
    def __init__(s):
        super().__init__()
        add_layers(s, H)
    def forward(s, qe, se, feat, smask):
        # qe (1,TQ,100); se (K,T,100); feat (K,T,2); smask (K,T) float
        K, T, _ = se.shape
        qa = torch.relu(s.att(qe[0])); sa = torch.relu(s.att(se))
        att = torch.einsum('qd,ktd->ktq', qa, sa)
        aligned = torch.einsum('ktq,qd->ktd', torch.softmax(att, 2), qe[0])
        h, _ = s.srnn(torch.cat([se, aligned, feat], 2))
        qh, _ = s.qrnn(qe)
        q = (torch.softmax(s.qpool(qh[0]).squeeze(1), 0)[:, None] * qh[0]).sum(0)
        st = s.ws(h) @ q; en = s.we(h) @ q
        hmax = (h - 1e4 * (1 - smask[..., None])).max(1).values.max(0).values
        nl = s.null(torch.cat([q, hmax], 0))
        return st, en, nl
m = Head().eval()
K, T, TQ = 25, 28, 12
torch.onnx.export(m, (torch.randn(1, TQ, 100), torch.randn(K, T, 100), torch.randn(K, T, 2), torch.ones(K, T)), f'{OUT}/head{H}.onnx',
    input_names=['qe', 'se', 'feat', 'smask'], output_names=['start', 'end', 'null'],
    dynamic_axes={'qe': {1: 'tq'}, 'se': {0: 'k', 1: 't'}, 'feat': {0: 'k', 1: 't'}, 'smask': {0: 'k', 1: 't'}, 'start': {0: 'k', 1: 't'}, 'end': {0: 'k', 1: 't'}}, opset_version=13)
print('ok')
