"""Experiment (issue 9): do the 13 training articles that only SQuAD 1.1 dev has teach the answerability trees
something of their own? SQuAD 2.0 dev's answerable questions are 1.1 dev's (same ids, 35 of its 48 articles); the
other 13 articles have answerable questions only, so what sets them apart is learnable and means "answerable". Compares, out of fold on the rows
`npm run train-reader` wrote (folds by article), answer trees fitted on every row (as shipped) with trees fitted
on SQuAD 2.0's questions only (their withheld copies included), both scored on SQuAD 2.0's questions.

  /usr/bin/python3 scripts/experiments/answer-v2-only.py TRAIN_WORK PAIRS_WORK
(PAIRS_WORK: dump-pairs.ts's, for each instance's SQuAD id.)
"""
import hashlib, json, os, sys, numpy as np
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
import train_reader as tr

WORK, PAIRS = sys.argv[1:3]
rows = [json.loads(l) for l in open(os.path.join(PAIRS, 'pairs.jsonl'))]
qid = {}
n = 0
for r in rows:
    qid[n] = r['id']; n += 1
    draw = int.from_bytes(hashlib.sha256(r['id'].encode()).digest()[:4], 'big') / 2 ** 32
    if not r['impossible'] and draw < 2 / 3: qid[n] = r['id']; n += 1
v2 = {q['id'] for a in json.load(open('../shared/eval/squad-v2.0/dev-v2.0.json'))['data'] for p in a['paragraphs'] for q in p['qas']}

span_names, sx, smeta = tr.read(WORK, 'spans')
span_oof, _ = tr.out_of_fold('span', sx, smeta['label'], smeta['fold'], span_names)
top, second, best_row = tr.span_scores_by_instance(smeta['instance'], smeta['extra'], span_oof)
top_span = {name: span_names.index(c) for name, c in json.load(open(os.path.join(WORK, 'top-span-features.json'))).items()}
names, ax, meta = tr.read(WORK, 'answers')
column = {n: i for i, n in enumerate(names)}
ax = ax.copy()
for i, q in enumerate(meta['instance']):
    ax[i, column['spanTop']] = np.float32(top.get(int(q), 0.0)); ax[i, column['spanSecond']] = np.float32(second.get(int(q), 0.0))
    if int(q) in best_row:
        for name, c in top_span.items(): ax[i, column[name]] = sx[best_row[int(q)], c]
y, folds, inst, imp, wh = meta['label'], meta['fold'], meta['instance'].astype(int), meta['impossible'], meta['withheld']
is_v2 = np.array([qid[i] in v2 for i in inst])
print('answer rows', len(y), 'of SQuAD 2.0', int(is_v2.sum()))


def oof(train_mask):
    return tr.out_of_fold_fitted_on('answer', ax, y, folds, names, train_mask)


whole = (wh == 0) & is_v2
for label, mask in [('every row (shipped)', np.ones(len(y), bool)), ('SQuAD 2.0 rows only', is_v2)]:
    s = oof(mask)
    a, i = s[whole & (imp == 0)], s[whole & (imp == 1)]
    out = [f'{share:.0%} answered: {np.mean(i < np.quantile(a, 1 - share)):.1%} refused' for share in (0.85, 0.90, 0.95)]
    print(f'{label:22s} answer AUC (2.0 rows) {tr.auc(y[is_v2], s[is_v2]):.4f}; answerable vs impossible AUC {tr.auc((imp[whole] == 0).astype(int), s[whole]):.4f}; ' + '; '.join(out), flush=True)
