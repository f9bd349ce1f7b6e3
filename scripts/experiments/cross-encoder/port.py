"""Port of USE-lite ONNX (fp32) to PyTorch: a generic interpreter that runs the ONNX graph's nodes in order with
torch ops; float initializers with >=2 elements become nn.Parameters (trainable). Exposes forward(ids, mask) ->
dict of named tensors (pre-norm 'tanh_191' = 512-d tanh output before L2 norm, 'sentence_embedding' after)."""
import os as _os
_ROOT = _os.path.abspath(_os.path.join(_os.path.dirname(__file__), '..', '..', '..'))
_PAIRS = _os.environ.get('PAIRS', _os.path.join(_ROOT, '.cache', 'experiments'))
import onnx, torch, numpy as np
from onnx import numpy_helper
ONNX_PATH = _os.path.join(_ROOT, '..', 'shared', 'models', 'local', 'universal-sentence-encoder-lite', 'onnx', 'model.onnx')

class OnnxTorch(torch.nn.Module):
    def __init__(s, path=ONNX_PATH, outputs=('sentence_embedding', 'tanh_191')):
        super().__init__()
        m = onnx.load(path); g = m.graph
        s.nodes = [(n.op_type, list(n.input), list(n.output),
                    {a.name: onnx.helper.get_attribute_value(a) for a in n.attribute}) for n in g.node]
        s.params = torch.nn.ParameterDict(); s.consts = {}; s.pname = {}
        for t in g.initializer:
            a = numpy_helper.to_array(t).copy()
            if a.dtype == np.float32 and a.size >= 2 and t.name != 'inv_timescales':
                key = t.name.replace('.', '_'); s.params[key] = torch.nn.Parameter(torch.from_numpy(a)); s.pname[t.name] = key
            else:
                s.consts[t.name] = torch.from_numpy(a)
        # cut graph after requested outputs
        need = set(outputs); s.outputs = outputs
        last = max(i for i, n in enumerate(s.nodes) if set(n[2]) & need)
        s.nodes = s.nodes[:last + 1]

    def forward(s, input_ids, attention_mask):
        env = dict(s.consts); env.update({k: s.params[v] for k, v in s.pname.items()})
        env['input_ids'] = input_ids; env['attention_mask'] = attention_mask
        for op, ins, outs, at in s.nodes:
            x = [env[i] if i else None for i in ins]
            if op == 'Shape': y = torch.tensor(x[0].shape, dtype=torch.int64)
            elif op == 'Gather':
                ax = at.get('axis', 0); idx = x[1]
                y = x[0][idx] if ax == 0 else torch.index_select(x[0], ax, idx.reshape(-1)).reshape(x[0].shape[:ax] + idx.shape + x[0].shape[ax + 1:])
            elif op == 'Range': y = torch.arange(int(x[0]), int(x[1]), int(x[2]), dtype=x[0].dtype)
            elif op == 'Less': y = x[0] < x[1]
            elif op == 'Greater': y = x[0] > x[1]
            elif op == 'Cast': y = x[0].to({1: torch.float32, 7: torch.int64, 9: torch.bool}[at['to']])
            elif op == 'Unsqueeze':
                y = x[0]
                for a in sorted(int(v) for v in x[1].reshape(-1)): y = y.unsqueeze(a if a >= 0 else a + y.dim() + 1)
            elif op == 'Mul': y = x[0] * x[1]
            elif op == 'Add': y = x[0] + x[1]
            elif op == 'Sub': y = x[0] - x[1]
            elif op == 'Div': y = x[0] / x[1]
            elif op == 'Max': y = torch.maximum(x[0], x[1])
            elif op == 'Sin': y = torch.sin(x[0])
            elif op == 'Cos': y = torch.cos(x[0])
            elif op == 'Sqrt': y = torch.sqrt(x[0])
            elif op == 'Reciprocal': y = 1.0 / x[0]
            elif op == 'Relu': y = torch.relu(x[0])
            elif op == 'Tanh': y = torch.tanh(x[0])
            elif op == 'Concat': y = torch.cat(x, at['axis'])
            elif op == 'ReduceMean': y = x[0].mean(dim=tuple(at['axes']), keepdim=bool(at.get('keepdims', 1)))
            elif op == 'ReduceSum':
                axes = tuple(int(v) for v in x[1].reshape(-1)); y = x[0].sum(dim=axes, keepdim=bool(at.get('keepdims', 1)))
            elif op == 'MatMul': y = torch.matmul(x[0], x[1])
            elif op == 'Split':
                y = torch.split(x[0], [int(v) for v in x[1]], dim=at['axis'])
            elif op == 'Reshape':
                shp = [int(v) for v in x[1]]
                shp = [x[0].shape[i] if v == 0 else v for i, v in enumerate(shp)]
                y = x[0].reshape(shp)
            elif op == 'Transpose': y = x[0].permute(*at['perm'])
            elif op == 'Softmax': y = torch.softmax(x[0], dim=at.get('axis', -1))
            elif op == 'Expand': y = x[0].expand(*[int(v) for v in x[1]])
            else: raise NotImplementedError(op)
            if len(outs) == 1: env[outs[0]] = y
            else:
                for o, v in zip(outs, y): env[o] = v
        return {k: env[k] for k in s.outputs}

if __name__ == '__main__':
    # parity: run texts.json-derived tokens through torch and compare with parity_onnx.json from Node
    import json, sys, subprocess
    torch.set_num_threads(2)
    P = json.load(open('parity_in.json'))
    ids = torch.tensor(P['ids']); mask = torch.tensor(P['mask'])
    m = OnnxTorch(); m.eval()
    print('params', sum(p.numel() for p in m.parameters()))
    with torch.no_grad(): e = m(ids, mask)['sentence_embedding'].numpy()
    o = np.array(json.load(open('parity_onnx.json'))['emb'], dtype=np.float32)
    cos = (e * o).sum(1) / np.linalg.norm(e, axis=1) / np.linalg.norm(o, axis=1)
    print('n', len(e), 'min cosine %.7f' % cos.min(), 'max abs diff %.2e' % np.abs(e - o).max())
    # also unpadded single-item check (padding invariance)
    with torch.no_grad():
        d = 0
        for i in range(len(ids)):
            n = int(mask[i].sum()); ei = m(ids[i:i + 1, :n], mask[i:i + 1, :n])['sentence_embedding'].numpy()[0]
            d = max(d, np.abs(ei - e[i]).max())
    print('padding invariance max abs diff %.2e' % d)
