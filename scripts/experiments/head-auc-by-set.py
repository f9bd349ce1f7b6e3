"""Experiment (issue 9): a glove-head.py run's answerable-vs-impossible AUC on every question and on SQuAD 2.0's
alone, its mean "answerable" probability by set, and its AUC article by article (2.0's articles).

  /usr/bin/python3 scripts/experiments/head-auc-by-set.py PAIRS_WORK OOF_PICKLE [OOF_PICKLE...]
"""
import json, os, pickle, sys, numpy as np
from sklearn.metrics import roc_auc_score
rows = [json.loads(l) for l in open(os.path.join(sys.argv[1], 'pairs.jsonl'))]
v2 = {}; 
for a in json.load(open('../shared/eval/squad-v2.0/dev-v2.0.json'))['data']:
    for p in a['paragraphs']:
        for q in p['qas']: v2[q['id']] = a['title']
for f in sys.argv[2:]:
    res = pickle.load(open(f, 'rb'))
    by = {}
    for r, x in zip(rows, res):
        if x is None: continue
        sent, nl = x[0], x[1]
        z = np.concatenate([sent, [nl]]); p = np.exp(z - z.max()); p /= p.sum()
        src = 'v2' if r['id'] in v2 else 'v1'
        by.setdefault(src, []).append((1 - p[-1], 0 if r['impossible'] else 1, r['fold'], v2.get(r['id'])))
    a = by.get('v2', []); b = by.get('v1', [])
    s = np.array([t[0] for t in a]); y = np.array([t[1] for t in a])
    allS = np.array([t[0] for t in a + b]); allY = np.array([t[1] for t in a + b])
    print(f.split('/')[-1], 'n v2', len(a), 'n v1', len(b), 'AUC all %.3f' % roc_auc_score(allY, allS), 'AUC v2 only %.3f' % roc_auc_score(y, s),
          'mean ans-prob v1 %.3f v2-ans %.3f v2-imp %.3f' % (np.mean([t[0] for t in b]) if b else -1, s[y == 1].mean(), s[y == 0].mean()))
    titles = sorted({t[3] for t in a})
    for t in titles:
        ii = [k for k, q in enumerate(a) if q[3] == t]
        if len(set(y[ii])) > 1: print('   ', t, len(ii), 'AUC %.3f' % roc_auc_score(y[ii], s[ii]), 'imp share %.2f' % (1 - y[ii].mean()), 'mean p %.3f' % s[ii].mean())
