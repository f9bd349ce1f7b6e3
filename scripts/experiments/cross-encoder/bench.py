import torch, time, json, numpy as np
from port import OnnxTorch
torch.set_num_threads(2); torch.manual_seed(0)
m = OnnxTorch()
for L in [48, 64, 96]:
    ids = torch.randint(5, 8000, (64, L)); mask = torch.ones(64, L, dtype=torch.long)
    t = time.time()
    for _ in range(3):
        out = m(ids, mask)['tanh_191'].sum(); out.backward()
    tb = (time.time() - t) / 3 / 64
    with torch.no_grad():
        ids2 = ids[:25]; mask2 = mask[:25]; m(ids2, mask2); t = time.time()
        for _ in range(5): m(ids2, mask2)
        tf = (time.time() - t) / 5 / 25
    print(f'L={L} train fwd+bwd {tb*1000:.2f} ms/pair  infer(batch25) {tf*1000:.2f} ms/pair', flush=True)
