"""Sentence model with and without the plausible-answer rows (scripts/experiments/plausible-sentences.ts), out of fold:
answer sentence first among the answerable training questions. Run with Debian's python3 from the repository root:

  /usr/bin/python3 scripts/experiments/plausible-sentences.py [WORK, default .cache/plausible]
"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import train_reader as tr  # noqa: E402

work = sys.argv[1] if len(sys.argv) > 1 else ".cache/plausible"
names, x, meta = tr.read(work, "sentences")
y, folds, instance, plausible = meta["label"], meta["fold"], meta["instance"], meta["plausible"]


def accuracy(scores):
    right = []
    for q in np.unique(instance[plausible == 0]):
        rows = np.where(instance == q)[0]
        right.append(y[rows[np.argmax(scores[rows])]] == 1)
    return np.mean(right), len(right)


for label, mask in [("answerable rows only", plausible == 0), ("with the plausible rows", np.ones(len(y), dtype=bool))]:
    scores = tr.out_of_fold_fitted_on("sentence", x, y, folds, names, mask)
    acc, n = accuracy(scores)
    print(f"{label}: {int(mask.sum())} rows fitted; answer sentence first {100 * acc:.2f} % of {n} answerable questions (out of fold)")
