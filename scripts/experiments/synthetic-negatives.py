"""Experiment (issue 9): do swapped-entity near misses (synthetic-negatives.ts) teach the answerability trees to
refuse SQuAD 2.0's own unanswerable questions? Out of fold (folds by article) on the rows of a `npm run
train-reader` work folder: answer trees fitted on the shipped rows, against the same rows plus the swapped
questions' rows (their folds' span models score their spans). Both are scored on the shipped rows only.

  /usr/bin/python3 scripts/experiments/synthetic-negatives.py [WORK=.cache/reader] [WEIGHT=1]
"""
import json, os, sys, numpy as np
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
import train_reader as tr

WORK = sys.argv[1] if len(sys.argv) > 1 else '.cache/reader'
span_names, sx, smeta = tr.read(WORK, 'spans')
_, syx, symeta = tr.read(WORK, 'spans-syn')
span_oof, span_models = tr.out_of_fold('span', sx, smeta['label'], smeta['fold'], span_names)
syn_span = np.zeros(len(syx))
for k in range(tr.FOLDS):
    rows = symeta['fold'] == k
    if rows.any(): syn_span[rows] = span_models[k].predict(syx[rows])
instance = np.concatenate([smeta['instance'], symeta['instance']])
extra = np.concatenate([smeta['extra'], symeta['extra']])
allx = np.concatenate([sx, syx])
top, second, best_row = tr.span_scores_by_instance(instance, extra, np.concatenate([span_oof, syn_span]))
top_span = {name: span_names.index(c) for name, c in json.load(open(os.path.join(WORK, 'top-span-features.json'))).items()}

names, ax0, meta0 = tr.read(WORK, 'answers')
_, ax1, meta1 = tr.read(WORK, 'answers-syn')
ax = np.concatenate([ax0, ax1]).copy()
meta = {k: np.concatenate([meta0[k], meta1[k]]) for k in meta0}
column = {n: i for i, n in enumerate(names)}
for i, q in enumerate(meta['instance']):
    ax[i, column['spanTop']] = np.float32(top.get(int(q), 0.0)); ax[i, column['spanSecond']] = np.float32(second.get(int(q), 0.0))
    if int(q) in best_row:
        for name, c in top_span.items(): ax[i, column[name]] = allx[best_row[int(q)], c]
y, folds, imp, wh = meta['label'], meta['fold'], meta['impossible'], meta['withheld']
real = wh != 3
print('answer rows', int(real.sum()), '+ swapped', int((~real).sum()), flush=True)


def oof(train_mask):
    return tr.out_of_fold_fitted_on('answer', ax, y, folds, names, train_mask)


answerable = real & (imp == 0) & (wh == 0)
impossible = real & (imp == 1)
for label, mask in [('shipped rows', real), ('with swapped questions', np.ones(len(y), bool))]:
    s = oof(mask)
    both = answerable | impossible
    out = []
    for share in (0.85, 0.90, 0.95):
        t = np.quantile(s[answerable], 1 - share)
        out.append(f'{share:.0%} answered: SQuAD unanswerable {np.mean(s[impossible] < t):.1%}, sentence withheld {np.mean(s[real & (wh == 2)] < t):.1%}, article withheld {np.mean(s[real & (wh == 1)] < t):.1%}, swapped {np.mean(s[~real] < t):.1%}')
    print(f'{label}: answer AUC (shipped rows) {tr.auc(y[real], s[real]):.4f}; answerable vs SQuAD unanswerable {tr.auc(answerable[both].astype(int), s[both]):.4f}')
    for line in out: print('   ', line)
    sys.stdout.flush()
