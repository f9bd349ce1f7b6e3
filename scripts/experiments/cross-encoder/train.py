"""Experiment (issue 9, twenty-second session; docs/EVALUATION.md): a cross-encoder fine-tune of USE-lite over
(question, sentence) pairs, listwise with a learned null option. Run in a scratch folder (tokens.json, the parity
files and the results are written to the current folder), with REPO the repository:
  (cd REPO && node --import tsx scripts/experiments/dump-pairs.ts .cache/experiments)   # the SQuAD training split's candidates
  node REPO/scripts/experiments/cross-encoder/tokenize.mjs                          # tokens.json (PAIRS=.cache/experiments)
  node REPO/scripts/experiments/cross-encoder/parity.mjs && /usr/bin/python3 REPO/scripts/experiments/cross-encoder/port.py
  /usr/bin/python3 REPO/scripts/experiments/cross-encoder/train.py EVAL_FOLD [EPOCHS] [TIME_CAP_S]
Input per pair: question ids + [1775 '▁|'] + sentence ids, <=96 tokens (sentence truncated). Pair score = linear
head on the 512-d tanh output BEFORE the final L2 norm; null score = linear head on the question-alone encoding.
Training: folds != EVAL_FOLD, examples per head_examples.py (impossible + 1/3 answerable with answers withheld
teach "no answer"), each capped at 8 candidates (answers + first others in retrieval order). Eval: ALL candidates."""
import os as _os
_ROOT = _os.path.abspath(_os.path.join(_os.path.dirname(__file__), '..', '..', '..'))
_PAIRS = _os.environ.get('PAIRS', _os.path.join(_ROOT, '.cache', 'experiments'))
import json, sys, time, numpy as np, torch
sys.path.insert(0, _os.path.join(_ROOT, 'scripts', 'experiments'))
from head_examples import examples
from sklearn.metrics import roc_auc_score
from port import OnnxTorch
torch.set_num_threads(2); torch.manual_seed(0); np.random.seed(0)
FOLD = int(sys.argv[1]); EPOCHS = float(sys.argv[2]) if len(sys.argv) > 2 else 1.0
CAP = float(sys.argv[3]) if len(sys.argv) > 3 else 2100
SEP, MAXLEN, TRAIN_CANDS, QB = 1775, 96, 8, 8
TK = json.load(open('tokens.json')); QT, ST = TK['questions'], TK['sentences']
rows = [json.loads(l) for l in open(_os.path.join(_PAIRS, 'pairs.jsonl'))]
tr_rows = [r for r in rows if r['fold'] != FOLD]; te_rows = [r for r in rows if r['fold'] == FOLD]

def pair(q, s):
    qi = QT[q][:MAXLEN - 2]; return qi + [SEP] + ST[s][:MAXLEN - 1 - len(qi)]
def pad(seqs):
    L = max(len(x) for x in seqs); ids = torch.zeros(len(seqs), L, dtype=torch.long); m = torch.zeros_like(ids)
    for i, x in enumerate(seqs): ids[i, :len(x)] = torch.tensor(x); m[i, :len(x)] = 1
    return ids, m

class XEnc(torch.nn.Module):
    def __init__(s):
        super().__init__(); s.enc = OnnxTorch(outputs=('tanh_191',))
        s.head = torch.nn.Linear(512, 1); s.null = torch.nn.Linear(512, 1)
        for l in (s.head, s.null): torch.nn.init.normal_(l.weight, std=0.02); torch.nn.init.zeros_(l.bias)
    def enc_(s, seqs):
        ids, m = pad(seqs); return s.enc(ids, m)['tanh_191']
    def score_pairs(s, seqs): return s.head(s.enc_(seqs)).squeeze(1)
    def score_null(s, qs): return s.null(s.enc_([QT[q] for q in qs])).squeeze(1)

def cap(ex):  # answers + first others in retrieval order, at most TRAIN_CANDS
    q, ids, lab = ex
    if lab is None: return (q, ids[:TRAIN_CANDS], None)
    pos = [i for i, l in enumerate(lab) if l]; neg = [i for i, l in enumerate(lab) if not l]
    keep = sorted((pos + neg)[:TRAIN_CANDS]) if len(pos) < TRAIN_CANDS else pos[:TRAIN_CANDS]
    return (q, [ids[i] for i in keep], np.array([lab[i] for i in keep]))

def listwise_loss(sc, nl, lab):  # sc (n,), nl scalar, lab array or None
    lp = torch.log_softmax(torch.cat([sc, nl.view(1)]), 0)
    if lab is None: return -lp[-1]
    return -torch.logsumexp(lp[:-1][torch.from_numpy(np.asarray(lab)).bool()], 0)

def batch_loss(model, exs):
    seqs, spans = [], []
    for q, ids, lab in exs: spans.append((len(seqs), len(ids))); seqs += [pair(q, s) for s in ids]
    sc = model.score_pairs(seqs); nl = model.score_null([e[0] for e in exs])
    return torch.stack([listwise_loss(sc[a:a + n], nl[b], e[2]) for b, ((a, n), e) in enumerate(zip(spans, exs))]).mean()

@torch.no_grad()
def score_all(model, exs, bs=64):
    """score every candidate of every example; returns list of (scores array, null)"""
    model.eval(); flat = [(k, j, pair(q, s)) for k, (q, ids, _) in enumerate(exs) for j, s in enumerate(ids)]
    flat.sort(key=lambda x: len(x[2])); out = [np.zeros(len(e[1]), np.float32) for e in exs]
    for a in range(0, len(flat), bs):
        ch = flat[a:a + bs]; sc = model.score_pairs([c[2] for c in ch]).numpy()
        for (k, j, _), v in zip(ch, sc): out[k][j] = v
    qs = [e[0] for e in exs]; nl = np.zeros(len(exs), np.float32)
    order = sorted(range(len(qs)), key=lambda i: len(QT[qs[i]]))
    for a in range(0, len(order), bs):
        ix = order[a:a + bs]; nl[ix] = model.score_null([qs[i] for i in ix]).numpy()
    model.train(); return out, nl

def eval_loss(out, nl, exs):
    return float(np.mean([listwise_loss(torch.from_numpy(o), torch.tensor(n), e[2]).item() for o, n, e in zip(out, nl, exs)]))

model = XEnc()
enc_p = list(model.enc.parameters()); head_p = list(model.head.parameters()) + list(model.null.parameters())
opt = torch.optim.AdamW([{'params': enc_p, 'lr': 3e-5, 'weight_decay': 0.01}, {'params': head_p, 'lr': 1e-3, 'weight_decay': 0.0}])
base_lr = [g['lr'] for g in opt.param_groups]
train_ex = [cap(e) for e in examples(tr_rows, True)]
rs = np.random.RandomState(1); held = [tr_rows[i] for i in rs.choice(len(tr_rows), 150, replace=False)]
held_ex = examples(held, False)
n_pairs = sum(len(e[1]) for e in train_ex)
steps_per_epoch = (len(train_ex) + QB - 1) // QB; total = int(steps_per_epoch * EPOCHS); warm = max(1, total // 20)
print(f'fold {FOLD}: train examples {len(train_ex)} ({sum(e[2] is None for e in train_ex)} no-answer), pairs/epoch {n_pairs}, steps {total}', flush=True)
t0 = time.time(); step = 0; log = []; stopped = False
while step < total and not stopped:
    ep_t = time.time(); order = np.random.permutation(len(train_ex))
    # length-bucketed batches: chunks of 50 batches sorted by pair length, then batch order shuffled
    batches = []
    for c in range(0, len(order), QB * 50):
        ch = sorted(order[c:c + QB * 50], key=lambda i: len(QT[train_ex[i][0]]) + np.mean([len(ST[s]) for s in train_ex[i][1]]))
        batches += [ch[k:k + QB] for k in range(0, len(ch), QB)]
    np.random.shuffle(batches); run = []
    for b in batches:
        if step >= total: break
        prog = max(step / total, (time.time() - t0) / CAP)  # schedule follows steps or the time cap, whichever is further
        f = min(1.0, (step + 1) / warm) * max(0.0, (1 - prog) / (1 - warm / total))
        for g, lr in zip(opt.param_groups, base_lr): g['lr'] = lr * f
        loss = batch_loss(model, [train_ex[i] for i in b]); opt.zero_grad(); loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0); opt.step(); step += 1; run.append(loss.item())
        if step % 50 == 0:
            print(f'step {step}/{total} loss(last50) {np.mean(run[-50:]):.4f} elapsed {time.time()-t0:.0f}s', flush=True)
        if time.time() - t0 > CAP: print('time cap hit', flush=True); stopped = True; break
    log.append(dict(epoch_steps=len(run), train_loss=float(np.mean(run)), epoch_time=time.time() - ep_t))
    print('epoch done', log[-1], flush=True)
train_time = time.time() - t0
torch.save(model.state_dict(), f'xenc_fold{FOLD}.pt')
# evaluation
t1 = time.time(); ho, hn = score_all(model, held_ex); held_loss = eval_loss(ho, hn, held_ex)
te_ex = [(r['q'], r['ids'], None if r['impossible'] or sum(r['labels']) == 0 else np.array(r['labels'])) for r in te_rows if r['ids']]
te_meta = [r for r in te_rows if r['ids']]
out, nl = score_all(model, te_ex); ev_time = time.time() - t1
ev_loss = eval_loss([o for o, r in zip(out, te_meta) if r['impossible'] or sum(r['labels']) > 0], [n for n, r in zip(nl, te_meta) if r['impossible'] or sum(r['labels']) > 0],
                    [e for e, r in zip(te_ex, te_meta) if r['impossible'] or sum(r['labels']) > 0])
acc, ys, p_ans, margin = [], [], [], []
for o, n, r in zip(out, nl, te_meta):
    lab = np.array(r['labels'])
    if not r['impossible'] and lab.sum() > 0: acc.append(lab[o.argmax()])
    z = np.concatenate([o, [n]]); p = np.exp(z - z.max()); p /= p.sum()
    p_ans.append(1 - p[-1]); margin.append(o.max() - n); ys.append(0 if r['impossible'] else 1)
ys, p_ans, margin = map(np.array, (ys, p_ans, margin))
def refused(s):
    th = np.quantile(s[ys == 1], 0.15); return float((s[ys == 0] < th).mean())
res = dict(fold=FOLD, acc=float(np.mean(acc)), n_acc=len(acc), auc_p=roc_auc_score(ys, p_ans), auc_margin=roc_auc_score(ys, margin),
           refused_p=refused(p_ans), refused_margin=refused(margin), n_ans=int(ys.sum()), n_imp=int((ys == 0).sum()),
           train_time=train_time, eval_time=ev_time, steps=step, epochs_planned=EPOCHS, log=log,
           heldin_train_loss_allcands=held_loss, eval_loss_allcands=ev_loss)
print(json.dumps(res, indent=1), flush=True)
json.dump(res, open(f'result_fold{FOLD}.json', 'w'), indent=1)
np.savez(f'oof_fold{FOLD}.npz', q=np.array([r['q'] for r in te_meta]), id=np.array([r['id'] for r in te_meta]),
         scores=np.array([o for o in out], dtype=object), null=nl, p_answerable=p_ans, margin=margin, impossible=1 - ys)
