"""Experiment: the sentence model trained with other objectives (pairwise and LambdaMART ranking, fewer trees).

Out-of-fold accuracy@1 on the SQuAD training folds (the rows `npm run train-reader` writes to its work folder) and
accuracy@1 on the tuning set's news questions (rows of news-sentence-rows.ts), a question counting as missed when no
retrieved sentence holds its evidence. Usage: python3 scripts/experiments/sentence-objectives.py [work folder]
"""
import json, os, sys
import numpy as np, xgboost as xgb
W = sys.argv[1] if len(sys.argv) > 1 else '.cache/reader'
def read(name):
    h = json.load(open(os.path.join(W, name + '.json')))
    d = np.fromfile(os.path.join(W, name + '.f32'), dtype=np.float32).reshape(h['rows'], len(h['features']) + len(h['meta']))
    return h['features'], d[:, :len(h['features'])], {m: d[:, len(h['features']) + i] for i, m in enumerate(h['meta'])}
names, x, meta = read('sentences'); y, folds, inst = meta['label'], meta['fold'], meta['instance']
nn, nx, nmeta = read('news'); ny, ninst = nmeta['label'], nmeta['instance']
assert nn == names
def groups(instance):
    _, counts = np.unique(instance, return_counts=True)  # rows contiguous per instance, instances increasing
    return counts
def acc(scores, y, instance):
    r = []
    for q in np.unique(instance):
        rows = np.where(instance == q)[0]
        if y[rows].max() < 1: r.append(False); continue
        r.append(y[rows[np.argmax(scores[rows])]] == 1)
    return np.mean(r), len(r)
def train(obj, xtr, ytr, itr, rounds=200, depth=6, eta=0.1):
    p = {"objective": obj, "tree_method": "hist", "seed": 0, "nthread": 2, "max_depth": depth, "eta": eta, "subsample": 0.8,
         "colsample_bytree": 0.8, "min_child_weight": 5, "max_bin": 64}
    if obj == 'binary:logistic': p['base_score'] = 0.5
    d = xgb.DMatrix(xtr, label=ytr)
    if obj.startswith('rank'): d.set_group(groups(itr)); 
    if obj == 'rank:ndcg': p['eval_metric'] = 'ndcg@1'
    return xgb.train(p, d, num_boost_round=rounds)
configs = [(o, r, d) for (o, r, d) in [('binary:logistic', 200, 6), ('rank:pairwise', 200, 6), ('rank:ndcg', 200, 6), ('rank:pairwise', 100, 6), ('binary:logistic', 100, 6)]]

for obj, rounds, depth in configs:
    oof = np.zeros(len(y))
    for k in range(5):
        tr = folds != k
        m = train(obj, x[tr], y[tr], inst[tr], rounds, depth)
        oof[~tr] = m.predict(xgb.DMatrix(x[~tr]))
    a, n = acc(oof, y, inst)
    full = train(obj, x, y, inst, rounds, depth)
    na, nq = acc(full.predict(xgb.DMatrix(nx)), ny, ninst)
    print(f"{obj:16s} rounds {rounds} depth {depth}: SQuAD OOF acc@1 {a:.4f} ({n} q)  news tuning acc@1 {na:.4f} ({nq} q)", flush=True)
