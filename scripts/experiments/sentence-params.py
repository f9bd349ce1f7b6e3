"""
Experiment: the sentence model's hyperparameters, out of fold (folds by article) on the training rows that
`npm run train-reader` leaves in its work folder: answer sentence first among each question's candidates.
Twenty-third session (docs/EVALUATION.md): every setting tried within 0.3 points of the shipped one.

  /usr/bin/python3 scripts/experiments/sentence-params.py [work folder, default .cache/reader]
"""
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import train_reader as tr  # noqa: E402

work = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", ".cache", "reader")
names, x, meta = tr.read(work, "sentences")
y, folds, instance = meta["label"], meta["fold"], meta["instance"]
questions = [np.where(instance == q)[0] for q in np.unique(instance)]


def first_right(scores):
    return np.mean([y[rows[np.argmax(scores[rows])]] == 1 for rows in questions])


shipped = dict(tr.PARAMS["sentence"])
for change in [{}, dict(n_estimators=400, learning_rate=0.05), dict(max_depth=8), dict(max_depth=4, n_estimators=400),
               dict(min_child_weight=20), dict(n_estimators=600, learning_rate=0.05, max_depth=7)]:
    tr.PARAMS["sentence"] = {**shipped, **change}
    started = time.time()
    scores, _ = tr.out_of_fold("sentence", x, y, folds, names)
    print(f"{change or 'shipped'}: answer sentence first {first_right(scores):.4f} ({time.time() - started:.0f} s)", flush=True)
