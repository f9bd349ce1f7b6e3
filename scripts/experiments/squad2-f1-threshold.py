"""
Experiment: SQuAD 2.0's own operating point. The answerability threshold that maximises SQuAD 2.0's overall F1 (an
answered answerable question scores its short answer's F1, an unanswerable one 1 when refused) over the training
split's SQuAD 2.0 questions asked as they are, out of fold, from the rows `npm run train-reader` leaves in its work
folder. The SQuAD 2.0 questions are the answer rows up to the last unanswerable one (the training questions come
SQuAD 2.0's 25 articles first, then SQuAD 1.1's 13, all answerable); a question's short-answer F1 is the soft label
of the span the out-of-fold span scores put first, 0 when its best sentence is wrong.
Twenty-third session (docs/EVALUATION.md): 0.73, not shipped.

  /usr/bin/python3 scripts/experiments/squad2-f1-threshold.py [work folder, default .cache/reader]
"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import train_reader as tr  # noqa: E402

work = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", ".cache", "reader")
span_names, sx, smeta, _, top, second, best_row = tr.out_of_fold_spans(work)
answer_names, ax, ameta = tr.answer_rows(work, span_names, sx, top, second, best_row)
y = ameta["label"]
oof, _ = tr.out_of_fold("answer", ax, y, ameta["fold"], answer_names)
instance = ameta["instance"].astype(int)
impossible = ameta["impossible"] == 1
squad2 = (ameta["withheld"] == 0) & (instance <= instance[impossible].max())
short_f1 = np.array([smeta["label"][best_row[q]] if y[i] == 1 and q in best_row else 0.0 for i, q in enumerate(instance)])


def overall_f1(t):
    answered = oof >= t
    return (short_f1[squad2 & answered & ~impossible].sum() + (squad2 & impossible & ~answered).sum()) / squad2.sum()


print(f"{squad2.sum()} SQuAD 2.0 training questions, {(squad2 & impossible).sum()} unanswerable")
for t in [0, 0.15, 0.3, 0.5, 0.6, 0.7, 0.8, 0.9, 1.01]:
    answered = oof >= t
    print(f"threshold {t:.2f}: overall F1 {100 * overall_f1(t):.1f}, answerable answered {answered[squad2 & ~impossible].mean():.3f}, unanswerable refused {(~answered[squad2 & impossible]).mean():.3f}")
grid = np.round(np.arange(0.01, 0.991, 0.01), 2)
scores = [overall_f1(t) for t in grid]
print(f"F1 threshold {grid[int(np.argmax(scores))]:.2f}: overall F1 {100 * max(scores):.1f} (always abstaining {100 * overall_f1(1.01):.1f})")
