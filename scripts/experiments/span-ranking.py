"""Would a ranking objective pick better short answers than the span model's pointwise one?

Reads the span rows `npm run train-reader` leaves in .cache/reader and scores, out of fold (the reader's folds
by article), the mean F1 of the candidate each objective ranks first in the best sentence, over the questions
whose best sentence holds the answer (a candidate with F1 > 0). Usage: /usr/bin/python3 scripts/experiments/span-ranking.py [work]
"""
import os
import sys
import time

import numpy as np
import xgboost as xgb

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from train_reader import FOLDS, PARAMS, SEED, THREADS, read  # noqa: E402

work = sys.argv[1] if len(sys.argv) > 1 else ".cache/reader"
names, x, meta = read(work, "spans")
instance, extra, label, folds = meta["instance"], meta["extra"], meta["label"], meta["fold"]
keep = extra == 0
x, instance, label, folds = x[keep], instance[keep], label[keep], folds[keep]
order = np.argsort(instance, kind="mergesort")
x, instance, label, folds = x[order], instance[order], label[order], folds[order]
best = {}
for q, l in zip(instance, label):
    best[q] = max(best.get(q, 0.0), l)
scored = np.array([best[q] > 0 for q in instance])


def groups(inst):
    _, counts = np.unique(inst, return_counts=True)
    return counts


def params(objective, **override):
    p = {**PARAMS["span"], **override}
    return {"objective": objective, "tree_method": "hist", "seed": SEED, "nthread": THREADS, "max_depth": p["max_depth"],
            "eta": p["learning_rate"], "subsample": p["subsample"], "colsample_bytree": p["colsample_bytree"],
            "min_child_weight": p["min_child_weight"], "max_bin": 64}


def run(objective, target, **override):
    scores = np.zeros(len(label))
    for k in range(FOLDS):
        train = folds != k
        d = xgb.DMatrix(x[train], label=target[train])
        if objective.startswith("rank:"):
            d.set_group(groups(instance[train]))
        booster = xgb.train(params(objective, **override), d, num_boost_round=override.get("n_estimators", PARAMS["span"]["n_estimators"]))
        scores[~train] = booster.predict(xgb.DMatrix(x[~train]))
    picked = []
    for q in np.unique(instance[scored]):
        rows = np.where(instance == q)[0]
        picked.append(label[rows[np.argmax(scores[rows])]])
    return float(np.mean(picked)), float(np.mean(np.array(picked) == 1))


VARIANTS = [
    ("binary:logistic", label, {}, "pointwise, F1 as a soft label (shipped)"),
    ("rank:pairwise", label, {}, "pairwise, F1 as the grade"),
    ("rank:ndcg", np.round(label * 4), {}, "LambdaMART (NDCG), F1 in 5 grades"),
    ("binary:logistic", label, {"n_estimators": 400}, "pointwise, 400 trees"),
    ("binary:logistic", label, {"max_depth": 8}, "pointwise, depth 8"),
    ("binary:logistic", label, {"n_estimators": 400, "learning_rate": 0.05}, "pointwise, 400 trees at 0.05"),
]
only = os.environ.get("ONLY")
for i, (objective, target, override, what) in enumerate(VARIANTS):
    if only is not None and str(i) not in only.split(","):
        continue
    started = time.time()
    f1, exact = run(objective, target, **override)
    print(f"| {what} | {f1:.4f} | {exact:.4f} | {time.time() - started:.0f} s |", flush=True)
