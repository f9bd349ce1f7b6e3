import os as _os
_ROOT = _os.path.abspath(_os.path.join(_os.path.dirname(__file__), '..', '..', '..'))
_PAIRS = _os.environ.get('PAIRS', _os.path.join(_ROOT, '.cache', 'experiments'))
import json, numpy as np, time, torch
torch.set_num_threads(2)
rows = {r['q']: r for r in map(json.loads, open(_os.path.join(_PAIRS, 'pairs.jsonl')))}
d = np.load('oof_fold0.npz', allow_pickle=True)
a_x, a_r, a_rand, a_null = [], [], [], []
for q, sc, imp in zip(d['q'], d['scores'], d['impossible']):
    r = rows[int(q)]; lab = np.array(r['labels'])
    if imp or lab.sum() == 0: continue
    a_x.append(lab[sc.argmax()]); a_r.append(lab[0]); a_rand.append(lab.mean())
print('fold0 sentence-first: xenc %.3f | retrieval order first %.3f | random %.3f' % (np.mean(a_x), np.mean(a_r), np.mean(a_rand)))
from sklearn.metrics import roc_auc_score
y = 1 - d['impossible']; print('AUC of null score alone (neg) %.3f' % roc_auc_score(y, -d['null']), 'AUC max score alone %.3f' % roc_auc_score(y, [s.max() for s in d['scores']]))
# inference timing: 25 real pairs of one question
import sys; sys.argv = ['x']
from port import OnnxTorch
TK = json.load(open('tokens.json')); m = OnnxTorch(outputs=('tanh_191',)); m.eval()
r = rows[0]; seqs = [(TK['questions'][0] + [1775] + TK['sentences'][s])[:96] for s in r['ids'][:25]]
L = max(map(len, seqs)); ids = torch.zeros(25, L, dtype=torch.long); mk = torch.zeros_like(ids)
for i, s in enumerate(seqs): ids[i, :len(s)] = torch.tensor(s); mk[i, :len(s)] = 1
with torch.no_grad():
    m(ids, mk); t = time.time()
    for _ in range(10): m(ids, mk)
print('inference batch 25 real pairs (padded len %d): %.2f ms/pair, %.0f ms/question' % (L, (time.time() - t) / 10 / 25 * 1000, (time.time() - t) / 10 * 1000))
