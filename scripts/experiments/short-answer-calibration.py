"""Calibration of SHORT_ANSWER_SHOWN (src/answer.ts): how often the short answer is right, by the span model's score.

For every answerable training question asked through the pipeline (not withheld), the best span of the sentence
read first, by its out-of-fold span score, and that span's F1 against the gold answers (its training label).
Prints the share of short answers at or above each score and their EM and F1; the shipped rule is the lowest
score (in steps of 0.01) at which half of them are exactly right.

  npm run train-reader && python3 scripts/experiments/short-answer-calibration.py [.cache/reader]
"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import train_reader as tr  # noqa: E402

work = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "..", ".cache", "reader")
names, sx, smeta = tr.read(work, "spans")
oof, _ = tr.out_of_fold("span", sx, smeta["label"], smeta["fold"], names)
_, _, ameta = tr.read(work, "answers")
answerable = {int(q) for q, impossible, withheld in zip(ameta["instance"], ameta["impossible"], ameta["withheld"]) if impossible == 0 and withheld == 0}
instance = smeta["instance"].astype(int)
top = {}
for row in np.where(smeta["extra"] == 0)[0]:
    q = instance[row]
    if q in answerable and (q not in top or oof[row] > oof[top[q]]):
        top[q] = row
questions = sorted(top)
score = np.array([oof[top[q]] for q in questions])
f1 = np.array([smeta["label"][top[q]] for q in questions])
exact = f1 >= 0.999
print(f"{len(questions)} answerable questions with a short answer (of {len(answerable)})")
print("score  shown  EM(shown)  F1(shown)")
for t in [0.0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.6]:
    shown = score >= t
    print(f"{t:5.2f}  {shown.mean():5.3f}  {exact[shown].mean():9.3f}  {f1[shown].mean():9.3f}")
grid = np.round(np.arange(0.0, 1.0, 0.01), 2)
rule = min(t for t in grid if (score >= t).any() and exact[score >= t].mean() >= 0.5)
print(f"lowest score at which half the short answers shown are exactly right: {rule:.2f}")
