"""Experiment (issue 9): a token-level reading head on USE-lite's contextual token states (frozen; PCA-whitened to
128 dims): each question token attends over the sentence's tokens (aligned vector, best cosine, exact piece match,
piece IDF) -> "covered" score, weighted by a learned token importance; plus the best "answer-like" sentence token
the question does not hold. Listwise over each question's retrieved sentences with a learned "no answer" option,
the rows and folds of neural-head.py. Prints sentence accuracy@1 and answerable-vs-impossible AUC out of fold.

  tsx scripts/experiments/dump-pairs.ts WORK
  /usr/bin/python3 scripts/experiments/token-head.py graph WORK     (the USE-lite graph with its token states as an output)
  node scripts/experiments/token-states.mjs WORK
  /usr/bin/python3 scripts/experiments/token-head.py train WORK [FOLDS=0,1,2,3,4] [EPOCHS=3] [HIDDEN=64]
"""
import json, os, sys, time, pickle, numpy as np, torch
from sklearn.metrics import roc_auc_score
from head_examples import examples
if sys.argv[1] == 'graph':
    import onnx
    from onnx import helper, TensorProto
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..')
    m = onnx.load(os.path.join(root, 'models/local/universal-sentence-encoder-lite/onnx/model_quantized.onnx'))
    # add_178: the residual stream after the second layer's feed-forward block, masked-mean-pooled next.
    m.graph.output.append(helper.make_tensor_value_info('add_178', TensorProto.FLOAT, ['batch', 'seq', 512]))
    onnx.save(m, os.path.join(sys.argv[2], 'use-tokens.onnx'))
    sys.exit(0)
os.chdir(sys.argv[2])
torch.manual_seed(0); np.random.seed(0); torch.set_num_threads(2)
P = 128; TQ = 32; TS = 64
FOLDS = [int(f) for f in sys.argv[3].split(',')] if len(sys.argv) > 3 else [0, 1, 2, 3, 4]
EPOCHS = int(sys.argv[4]) if len(sys.argv) > 4 else 3
H = int(sys.argv[5]) if len(sys.argv) > 5 else 64
def load(kind):
    off = np.fromfile(f'{kind}.off.i32', dtype=np.int32)
    ids = np.fromfile(f'{kind}.ids.i32', dtype=np.int32)
    st = np.fromfile(f'{kind}.tok.f32', dtype=np.float32).reshape(-1, 512)
    return off, ids, st
qoff, qids, qst = load('questions'); soff, sids, sst = load('sentences')
# unsupervised PCA of the token states to P dims
rng = np.random.default_rng(0)
sample = np.concatenate([qst[rng.choice(len(qst), 20000, replace=False)], sst[rng.choice(len(sst), 40000, replace=False)]])
mu = sample.mean(0); sd = (sample - mu).std() 
u, s, vt = np.linalg.svd((sample - mu) / sd, full_matrices=False)
proj = vt[:P].T / s[:P] * np.sqrt(len(sample))  # whitened
qst = torch.from_numpy(((qst - mu) / sd) @ proj).float(); sst = torch.from_numpy(((sst - mu) / sd) @ proj).float()
print('pca done', qst.shape, sst.shape, flush=True)
# piece idf over sentences
df = np.zeros(8000)
for i in range(len(soff) - 1): df[np.unique(sids[soff[i]:soff[i + 1]])] += 1
idf = torch.from_numpy(np.log((len(soff) - 1 + 1) / (df + 1))).float()
rows = [json.loads(l) for l in open('pairs.jsonl')]
def qtok(q):
    a, b = qoff[q], min(qoff[q + 1], qoff[q] + TQ); return a, b
def stok(s):
    a, b = soff[s], min(soff[s + 1], soff[s] + TS); return a, b
def batch(ex):
    B = len(ex); K = max(len(e[1]) for e in ex)
    Q = torch.zeros(B, TQ, P); qm = torch.zeros(B, TQ, dtype=torch.bool); qid = torch.full((B, TQ), -1, dtype=torch.long)
    S = torch.zeros(B, K, TS, P); sm = torch.zeros(B, K, TS, dtype=torch.bool); sid = torch.full((B, K, TS), -2, dtype=torch.long)
    km = torch.zeros(B, K, dtype=torch.bool); tgt = torch.zeros(B, K + 1)
    for b, (q, ss, lab) in enumerate(ex):
        a, e = qtok(q); n = e - a; Q[b, :n] = qst[a:e]; qm[b, :n] = True; qid[b, :n] = torch.from_numpy(qids[a:e].astype(np.int64))
        for k, s in enumerate(ss):
            a, e = stok(s); n = e - a; S[b, k, :n] = sst[a:e]; sm[b, k, :n] = True; sid[b, k, :n] = torch.from_numpy(sids[a:e].astype(np.int64))
        km[b, :len(ss)] = True
        if lab is None: tgt[b, K] = 1
        else: tgt[b, :len(ss)] = torch.from_numpy(np.array(lab, dtype=np.float32))
    return Q, qm, qid, S, sm, sid, km, tgt
class Head(torch.nn.Module):
    def __init__(s):
        super().__init__()
        s.wq = torch.nn.Linear(P, H); s.ws = torch.nn.Linear(P, H); s.wv = torch.nn.Linear(P, H); s.wqv = torch.nn.Linear(P, H)
        s.cover = torch.nn.Sequential(torch.nn.Linear(4 * H + 3, H), torch.nn.ReLU(), torch.nn.Linear(H, 1))
        s.weight = torch.nn.Linear(P + 1, 1)
        s.ans = torch.nn.Sequential(torch.nn.Linear(2 * H + 2, H), torch.nn.ReLU(), torch.nn.Linear(H, 1))
        s.null = torch.nn.Sequential(torch.nn.Linear(H, H), torch.nn.ReLU(), torch.nn.Linear(H, 1))
    def forward(s, Q, qm, qid, S, sm, sid, km):
        B, K = km.shape
        qh = s.wq(Q); sh = s.ws(S)                                      # (B,TQ,H) (B,K,TS,H)
        att = torch.einsum('bqh,bksh->bkqs', qh, sh) / H ** 0.5
        att = att.masked_fill(~sm[:, :, None, :], -1e4)
        sv = s.wv(S); qv = s.wqv(Q)
        a = torch.einsum('bkqs,bksh->bkqh', torch.softmax(att, 3), sv)  # aligned (B,K,TQ,H)
        qn = torch.nn.functional.normalize(Q, dim=2); sn = torch.nn.functional.normalize(S, dim=3)
        cos = torch.einsum('bqp,bksp->bkqs', qn, sn).masked_fill(~sm[:, :, None, :], -1)
        maxcos = cos.max(3).values                                      # (B,K,TQ)
        exact = (qid[:, None, :, None] == sid[:, :, None, :]).any(3).float()
        qidf = idf[qid.clamp(min=0)] * qm
        qb = qv[:, None].expand(-1, K, -1, -1)
        c = s.cover(torch.cat([qb, a, qb * a, (qb - a).abs(), maxcos[..., None], exact[..., None], qidf[:, None, :, None].expand(-1, K, -1, -1)], 3)).squeeze(3)
        w = s.weight(torch.cat([Q, qidf[..., None]], 2)).squeeze(2).masked_fill(~qm, -1e4)
        w = torch.softmax(w, 1)                                         # (B,TQ)
        cover = (c * w[:, None, :]).sum(2)                              # (B,K)
        # answer-likeness of sentence tokens the question does not hold
        qpool = (qv * qm[..., None]).sum(1) / qm.sum(1, keepdim=True).clamp(min=1)
        smax = cos.max(2).values                                        # (B,K,TS): how much each s token is in the question
        sexact = (sid[:, :, :, None] == qid[:, None, None, :]).any(3).float()
        u = s.ans(torch.cat([sv, qpool[:, None, None, :].expand(-1, K, sv.shape[2], -1), smax[..., None], sexact[..., None]], 3)).squeeze(3)
        u = u.masked_fill(~sm, -1e4).max(2).values
        sc = (cover + u).masked_fill(~km, -1e4)
        return torch.cat([sc, s.null(qpool)], 1)
def run(train_rows, test_rows):
    m = Head(); opt = torch.optim.Adam(m.parameters(), lr=1e-3, weight_decay=1e-5)
    ex = examples(train_rows, True); t = time.time()
    for ep in range(EPOCHS):
        np.random.shuffle(ex); tot = 0
        for k in range(0, len(ex), 16):
            Q, qm, qid, S, sm, sid, km, tgt = batch(ex[k:k + 16])
            lp = torch.log_softmax(m(Q, qm, qid, S, sm, sid, km), 1)
            loss = -(torch.logsumexp(lp + torch.log(tgt + 1e-30), 1)).mean()
            opt.zero_grad(); loss.backward(); opt.step(); tot += loss.item()
        print('ep', ep, 'loss %.3f' % (tot / (len(ex) / 16)), round(time.time() - t), 's', flush=True)
    m.eval(); out = []
    with torch.no_grad():
        for r in test_rows:
            if not r['ids']: out.append(None); continue
            o = m(*batch([(r['q'], r['ids'], None)])[:7])[0]; n = len(r['ids'])
            out.append((o[:n].numpy(), o[-1].item()))
    return out
res = [None] * len(rows)
for f in FOLDS:
    trn = [r for r in rows if r['fold'] != f]; te = [i for i, r in enumerate(rows) if r['fold'] == f]
    for i, x in zip(te, run(trn, [rows[i] for i in te])): res[i] = x
    print('fold', f, flush=True)
acc = []; ns = []; ys = []
for r, x in zip(rows, res):
    if x is None: continue
    sc, nl = x; lab = np.array(r['labels'])
    if not r['impossible'] and lab.sum() > 0: acc.append(lab[sc.argmax()])
    z = np.concatenate([sc, [nl]]); p = np.exp(z - z.max()); p /= p.sum()
    ns.append(1 - p[-1]); ys.append(0 if r['impossible'] else 1)
print('folds', FOLDS, 'epochs', EPOCHS, 'H', H)
print('sentence acc@1 %.3f (n=%d)' % (np.mean(acc), len(acc)))
print('answerable vs impossible AUC %.3f' % roc_auc_score(ys, ns))
pickle.dump(res, open(f'oof_tok_{H}_{EPOCHS}_{"".join(map(str, FOLDS))}.pkl', 'wb'))
