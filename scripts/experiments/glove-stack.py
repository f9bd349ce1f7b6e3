"""Experiment (issue 9): glove-head.py's out-of-fold scores stacked into the reader's tree models, on the rows
`npm run train-reader` wrote. Within the folds the head was scored on, the trees are fitted on those folds'
other folds (train_reader.py's own out_of_fold), with and without the head's columns.

  [PER_FOLD=1] [V2=1] /usr/bin/python3 scripts/experiments/glove-stack.py TRAIN_WORK PAIRS_WORK OOF_PICKLE[,OOF_PICKLE...]
"""
import hashlib, json, os, pickle, sys, numpy as np
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
import train_reader as tr

WORK, PAIRS, OOF = sys.argv[1:4]
rows = [json.loads(l) for l in open(os.path.join(PAIRS, 'pairs.jsonl'))]
# One pickle per run; runs on different folds merge (comma-separated).
res = None
for file in OOF.split(','):
    part = pickle.load(open(file, 'rb'))
    res = part if res is None else [a if a is not None else b for a, b in zip(res, part)]
# Instances as scripts/train-reader.ts numbers them: each question, then its withheld copy if drawn.
normal = {}
n = 0
for r in rows:
    normal[n] = r['q']; n += 1
    draw = int.from_bytes(hashlib.sha256(r['id'].encode()).digest()[:4], 'big') / 2 ** 32
    if not r['impossible'] and draw < 2 / 3: n += 1
by_q = {r['q']: (r, x) for r, x in zip(rows, res)}


def oof(kind, xx, yy, ff, nn):
    """train_reader.py's out_of_fold over the folds present only (a fold with no rows has nothing to score)."""
    scores = np.zeros(len(yy))
    for k in np.unique(ff):
        test = ff == k
        scores[test] = tr.fit(kind, xx[~test], yy[~test], nn).predict(xx[test])
    return scores, None

names, x, meta = tr.read(WORK, 'sentences')
y, folds, inst = meta['label'], meta['fold'], meta['instance'].astype(int)
head = np.full((len(y), 3), np.nan)
for i in np.unique(inst):
    at = np.where(inst == i)[0]
    r, sc = by_q[normal[i]]
    if sc is None: continue
    assert len(r['ids']) == len(at), (i, len(r['ids']), len(at))
    s = sc[0]
    head[at, 0] = s; head[at, 1] = s - s.max(); head[at, 2] = (-s).argsort().argsort()
have = ~np.isnan(head[:, 0])
scored_folds = sorted(set(folds[have].astype(int)))
print('head scored on folds', scored_folds, 'rows', have.sum())

def acc(scores, keep):
    right = []
    for q in np.unique(inst[keep]):
        at = np.where((inst == q) & keep)[0]
        right.append(y[at[np.argmax(scores[at])]] == 1)
    return np.mean(right), len(right)

def inner(xx, nn):
    """Out of fold over the scored folds only: each scored fold by trees fitted on the other scored folds (or,
    with one scored fold, on 5 inner folds of it by question)."""
    keep = np.isin(folds, scored_folds)
    f = folds.copy()
    if len(scored_folds) == 1: f = (inst % 5).astype(float)
    sub = np.where(keep)[0]
    s, _ = oof('sentence', xx[sub], y[sub], f[sub], nn)
    out = np.zeros(len(y)); out[sub] = s
    return acc(out, keep)

print('trees alone      acc@1 %.4f (n=%d)' % inner(x, names))
print('trees + head     acc@1 %.4f (n=%d)' % inner(np.concatenate([x, head], 1), names + ['headScore', 'headRel', 'headRank']))
print('head alone       acc@1 %.4f (n=%d)' % acc(np.nan_to_num(head[:, 0], nan=-1e9), np.isin(folds, scored_folds)))

# Answerability: the answer rows of the questions asked whole (withheld copies have no head score, so
# the answer AUC over all rows flatters the head: a missing score marks a withheld copy; compare the second AUC).
names, x, meta = tr.read(WORK, 'answers')
ay, af, ai = meta['label'], meta['fold'], meta['instance'].astype(int)
imp, wh = meta['impossible'], meta['withheld']
col = np.full((len(ay), 2), np.nan)
for k, i in enumerate(ai):
    if wh[k] != 0 or i not in normal: continue
    r, sc = by_q[normal[i]]
    if sc is None: continue
    z = np.concatenate([sc[0], [sc[1]]]); p = np.exp(z - z.max()); p /= p.sum()
    col[k, 0] = 1 - p[-1]; col[k, 1] = sc[2].max() - sc[1]
if os.environ.get('PER_FOLD') == '1':
    # Each fold's head scores as percentiles within that fold (label-free), so that heads trained apart compare.
    for k in np.unique(af):
        at = (af == k) & ~np.isnan(col[:, 0])
        for c in range(col.shape[1]):
            v = col[at, c]; col[at, c] = np.argsort(np.argsort(v)) / max(1, len(v) - 1)
keep = np.isin(af, scored_folds)
f = af.copy()
if len(scored_folds) == 1: f = (ai % 5).astype(float)
for label, xx, nn in [('trees', x, names), ('trees + head', np.concatenate([x, col], 1), names + ['headAnswer', 'headMargin'])]:
    sub = np.where(keep)[0]
    s, _ = oof('answer', xx[sub], ay[sub], f[sub], nn)
    whole = (wh[sub] == 0)
    yy = (imp[sub][whole] == 0).astype(int)
    print(f'{label:14s} answer AUC {tr.auc(ay[sub], s):.4f}; answerable vs impossible AUC {tr.auc(yy, s[whole]):.4f}')
hv = keep & (wh == 0) & ~np.isnan(col[:, 0])
print('head alone     answerable vs impossible AUC %.4f' % tr.auc((imp[hv] == 0).astype(int), col[hv, 0]))

# Refusal of the impossible questions asked whole, at the threshold that answers 85 % / 90 % of the answerable ones
# (the scored folds' rows): the trees, the head, the stacked trees (fitted within the scored folds), and the mean
# of the trees' and the head's ranks.
sub = np.where(keep)[0]
scores = {}
# The trees as the reader has them: fitted on the other four folds (every row), scoring the scored folds.
s, _ = tr.out_of_fold('answer', x, ay, af, names)
scores['trees'] = s[sub]
s, _ = oof('answer', np.concatenate([x, col], 1)[sub], ay[sub], f[sub], names + ['headAnswer', 'headMargin'])
scores['stacked'] = s
hs = col[sub, 0]
scores['head'] = hs
rank = lambda v: np.argsort(np.argsort(np.nan_to_num(v, nan=-1))) / len(v)
scores['rank mean'] = (rank(scores['trees']) + rank(hs)) / 2
w = (wh[sub] == 0) & ~np.isnan(hs)
if os.environ.get('V2') == '1':
    # Only the 2.0 articles' questions (answerable and impossible about the same paragraphs): the 13 training
    # articles only SQuAD 1.1 dev has hold answerable questions alone, and can be told apart as articles.
    v2 = {q['id'] for a in json.load(open('../shared/eval/squad-v2.0/dev-v2.0.json'))['data'] for p in a['paragraphs'] for q in p['qas']}
    w &= np.array([i in normal and by_q[normal[i]][0]['id'] in v2 for i in ai[sub]])
    print('SQuAD 2.0 questions only:', int(w.sum()))
for label, s in scores.items():
    a, i = s[w & (imp[sub] == 0)], s[w & (imp[sub] == 1)]
    out = []
    for share in (0.85, 0.90, 0.95):
        t = np.quantile(a, 1 - share)
        out.append(f'{share:.0%} answered: {np.mean(i < t):.1%} refused')
    print(f'{label:10s} AUC {tr.auc((imp[sub][w] == 0).astype(int), s[w]):.4f}; ' + '; '.join(out))
