"""
The training examples both reading-head experiments (neural-head.py, token-head.py) learn from: one per
answerable question (its candidate sentences and their labels), one per unanswerable question (no label),
and, when training, a third of the answerable ones again without their answer sentences, as questions the
candidates do not answer. Draws from numpy's global generator, which each script seeds.
"""
import numpy as np


def examples(rs, train):
    ex = []
    for r in rs:
        ids = r['ids']
        if not ids: continue
        lab = np.array(r['labels'])
        if r['impossible']: ex.append((r['q'], ids, None)); continue
        if lab.sum() == 0: continue
        ex.append((r['q'], ids, lab))
        if train and np.random.rand() < 0.33:
            keep = [i for i, l in zip(ids, lab) if not l]
            if keep: ex.append((r['q'], keep, None))
    return ex
