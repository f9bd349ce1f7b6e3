"""Experiment (issue 9): the sentence model trained on SQuAD's training rows plus the tuning set's own questions
(rows of scripts/experiments/coverage-rows.ts), the coverage rows weighted W, cross-fitted by the coverage's file:
for each of its five files, a model trained on every SQuAD row and the coverage rows of the four other files, written
as a reader model file (the shipped file with its sentence trees replaced; span and answer models unchanged) for the
questions of that file; and one model trained on every coverage row, for the sets never tuned on.

  /usr/bin/python3 scripts/experiments/coverage-sentence-model.py SQUAD_WORK COVERAGE_WORK W [OUT]

SQUAD_WORK: the work folder of `npm run train-reader` (sentences.f32/json); COVERAGE_WORK: coverage-sentences.*;
OUT (default COVERAGE_WORK/w<W>): reader-fold<k>.json (k = 0..4) and reader-all.json. Prints, out of fold, the share
of the coverage's answerable questions whose evidence sentence the sentence model ranks first (among those read), and
the SQuAD training rows' out-of-fold accuracy@1 when W is given with --squad-oof (slow: 5 more fits).
Deterministic: train_reader.py's parameters and seed, two threads.
"""
import json
import os
import sys

import numpy as np
import xgboost as xgb

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import train_reader as tr  # noqa: E402

squad_work, cov_work, weight = sys.argv[1], sys.argv[2], float(sys.argv[3])
rest = [a for a in sys.argv[4:] if not a.startswith("--")]
out = rest[0] if rest else os.path.join(cov_work, f"w{sys.argv[3]}")
squad_oof = "--squad-oof" in sys.argv
MODEL_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "models", "reader", "reader.json")

names, sx, smeta = tr.read(squad_work, "sentences")
cnames, cx, cmeta = tr.read(cov_work, "coverage-sentences")
assert names == cnames, "the coverage rows have other features than SQuAD's"
sy, cy, cfold, cinst = smeta["label"], cmeta["label"], cmeta["fold"], cmeta["instance"]


def fit(x, y, w):
    p = tr.PARAMS["sentence"]
    params = {
        "objective": "binary:logistic", "base_score": 0.5, "tree_method": "hist", "seed": tr.SEED, "nthread": tr.THREADS,
        "max_depth": p["max_depth"], "eta": p["learning_rate"], "subsample": p["subsample"],
        "colsample_bytree": p["colsample_bytree"], "min_child_weight": p["min_child_weight"], "max_bin": 64,
    }
    dm = xgb.DMatrix(x, label=y) if w is None else xgb.DMatrix(x, label=y, weight=w)
    model = tr.Model.__new__(tr.Model)
    model.booster = xgb.train(params, dm, num_boost_round=p["n_estimators"])
    return model


def first_right(y, inst, scores):
    right = []
    for q in np.unique(inst):
        rows = np.where(inst == q)[0]
        right.append(y[rows[np.argmax(scores[rows])]] == 1)
    return np.array(right)


def train_on(cov_mask):
    if weight == 0 or not cov_mask.any():
        return fit(sx, sy, None)
    x = np.vstack([sx, cx[cov_mask]])
    y = np.concatenate([sy, cy[cov_mask]])
    w = np.concatenate([np.ones(len(sy), dtype=np.float32), np.full(cov_mask.sum(), weight, dtype=np.float32)])
    return fit(x, y, w)


shipped = json.load(open(MODEL_FILE))
os.makedirs(out, exist_ok=True)


def write(model, file):
    m = dict(shipped)
    m["models"] = dict(shipped["models"])
    m["models"]["sentence"] = tr.export(model, names)
    with open(os.path.join(out, file), "w") as f:
        json.dump(m, f, separators=(",", ":"))


oof = np.zeros(len(cy))
for k in range(5):
    model = train_on(cfold != k)
    oof[cfold == k] = model.predict(cx[cfold == k])
    write(model, f"reader-fold{k}.json")
full = train_on(np.ones(len(cy), dtype=bool))
write(full, "reader-all.json")
if weight == 0:
    print("W=0: full model equals the shipped sentence trees:", tr.export(full, names) == shipped["models"]["sentence"])
right = first_right(cy, cinst, oof)
per = [f"{first_right(cy[cfold == k], cinst[cfold == k], oof[cfold == k]).mean():.3f}" for k in range(5)]
insample = first_right(cy, cinst, full.predict(cx)).mean()
print(f"W={weight:g}: coverage evidence sentence first, out of fold by file: {right.sum()}/{len(right)} = {right.mean():.4f} (per file {' '.join(per)}); in sample (full model) {insample:.4f}")
if squad_oof:
    sfold, sinst = smeta["fold"], smeta["instance"]
    soof = np.zeros(len(sy))
    for k in range(5):
        keep = sfold != k
        x = np.vstack([sx[keep], cx]) if weight else sx[keep]
        y = np.concatenate([sy[keep], cy]) if weight else sy[keep]
        w = np.concatenate([np.ones(keep.sum(), dtype=np.float32), np.full(len(cy), weight, dtype=np.float32)]) if weight else None
        soof[~keep] = fit(x, y, w).predict(sx[~keep])
    print(f"W={weight:g}: SQuAD training answer sentence first, out of fold (SQuAD folds; every coverage row in): {first_right(sy, sinst, soof).mean():.4f}")
