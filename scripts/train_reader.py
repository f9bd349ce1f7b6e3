"""Trains the reader's three models from the rows scripts/train-reader.ts writes (run by `npm run train-reader`).

  train_reader.py sentence WORK MODEL_FILE   sentence model per fold (for out-of-fold scores) and on all rows
  train_reader.py final WORK MODEL_FILE      span and answerability models, threshold, model file and report

Training only: what ships is plain JSON trees (models/reader/reader.json), scored in Node by
src/reader/model.ts. Needs Debian's python3-xgboost and python3-numpy. Deterministic: fixed seeds,
fixed folds (written by the Node side), two threads, exact hyperparameters below.
"""
import datetime
import json
import os
import sys

import numpy as np
import xgboost as xgb

SEED = 0
THREADS = 2
FOLDS = 5
#: Answerable training questions the threshold must still answer (the rest may be refused).
ANSWERED_SHARE = 0.85
#: max_depth at most 10: the reader scores trees laid out complete, and refuses deeper ones (src/reader/model.ts MAX_TREE_DEPTH).
PARAMS = {
    "sentence": dict(max_depth=6, learning_rate=0.1, n_estimators=200, subsample=0.8, colsample_bytree=0.8, min_child_weight=5),
    "span": dict(max_depth=6, learning_rate=0.1, n_estimators=200, subsample=0.8, colsample_bytree=0.8, min_child_weight=5),
    "answer": dict(max_depth=4, learning_rate=0.05, n_estimators=300, subsample=0.8, colsample_bytree=0.8, min_child_weight=10),
}
PROVENANCE = (
    "Trained by `npm run train-reader` on SQuAD 2.0 dev (its 25 articles before the last 10) and the 13 SQuAD 1.1 dev "
    "articles that 2.0 lacks (Rajpurkar et al. 2016, 2018; CC BY-SA 4.0; ../shared/eval/SOURCES.md). The last 10 "
    "SQuAD 2.0 dev articles are the test split and were never read. Sentence vectors: the shipped USE-lite model. "
    "Synonyms: WordNet 3.1 (Princeton University; its notice is in synonyms.source)."
)


def read(work, name):
    with open(os.path.join(work, name + ".json")) as f:
        header = json.load(f)
    columns = header["features"] + header["meta"]
    data = np.fromfile(os.path.join(work, name + ".f32"), dtype=np.float32).reshape(header["rows"], len(columns))
    features = data[:, : len(header["features"])]
    meta = {m: data[:, len(header["features"]) + i] for i, m in enumerate(header["meta"])}
    return header["features"], features, meta


class Model:
    """A boosted ensemble trained with xgb.train (soft labels allowed: the span model's are F1 scores)."""

    def __init__(self, kind, x, y):
        p = PARAMS[kind]
        params = {
            "objective": "binary:logistic", "base_score": 0.5, "tree_method": "hist", "seed": SEED, "nthread": THREADS,
            "max_depth": p["max_depth"], "eta": p["learning_rate"], "subsample": p["subsample"],
            "colsample_bytree": p["colsample_bytree"], "min_child_weight": p["min_child_weight"], "max_bin": 64,
        }
        self.booster = xgb.train(params, xgb.DMatrix(x, label=y), num_boost_round=p["n_estimators"])

    def predict(self, x):
        return self.booster.predict(xgb.DMatrix(x))

    @staticmethod
    def load(file):
        model = Model.__new__(Model)
        model.booster = xgb.Booster(model_file=file)
        return model


def fit(kind, x, y, names):
    return Model(kind, x, y)


def out_of_fold(kind, x, y, folds, names):
    """Each row scored by the model trained on the other folds; also returns those fold models."""
    scores = np.zeros(len(y))
    models = []
    for k in range(FOLDS):
        train = folds != k
        model = fit(kind, x[train], y[train], names)
        scores[~train] = model.predict(x[~train])
        models.append(model)
    return scores, models


def out_of_fold_fitted_on(kind, x, y, folds, names, fit_mask):
    """Each row scored by a model trained on the other folds' rows that `fit_mask` keeps (the experiments' variants)."""
    scores = np.zeros(len(y))
    for k in range(FOLDS):
        fit_rows = (folds != k) & fit_mask
        scores[folds == k] = fit(kind, x[fit_rows], y[fit_rows], names).predict(x[folds == k])
    return scores


def export(model, names):
    """The trees as parallel arrays: feature index (-1 on leaves), threshold, yes/no children, leaf value.

    Read from XGBoost's own JSON model, whose float32 thresholds round-trip exactly (the text dump's do not),
    so Node takes the same branch as XGBoost for a value that falls on a threshold.
    """
    learner = json.loads(model.booster.save_raw(raw_format="json"))["learner"]
    assert float(learner["learner_model_param"]["base_score"]) == 0.5, "a base score of 0.5 is a base margin of 0"
    trees = []
    for t in learner["gradient_booster"]["model"]["trees"]:
        leaf = [left == -1 for left in t["left_children"]]
        trees.append({
            "feature": [-1 if leaf[i] else f for i, f in enumerate(t["split_indices"])],
            "threshold": [0.0 if leaf[i] else c for i, c in enumerate(t["split_conditions"])],
            "yes": [max(0, c) for c in t["left_children"]],
            "no": [max(0, c) for c in t["right_children"]],
            "value": [c if leaf[i] else 0.0 for i, c in enumerate(t["split_conditions"])],
        })
    return {"features": names, "baseMargin": 0.0, "trees": trees}


def auc(y, s):
    order = np.argsort(s, kind="mergesort")
    ranks = np.empty(len(s))
    ranks[order] = np.arange(1, len(s) + 1)
    pos = y == 1
    return (ranks[pos].sum() - pos.sum() * (pos.sum() + 1) / 2) / (pos.sum() * (~pos).sum())


def stage_sentence(work):
    names, x, meta = read(work, "sentences")
    y, folds, instance = meta["label"], meta["fold"], meta["instance"]
    scores, models = out_of_fold("sentence", x, y, folds, names)
    # Accuracy@1 per question, out of fold.
    right = []
    for q in np.unique(instance):
        rows = np.where(instance == q)[0]
        right.append(y[rows[np.argmax(scores[rows])]] == 1)
    print(f"sentence model: {len(y)} rows, {len(right)} questions, out-of-fold accuracy@1 {np.mean(right):.3f}", file=sys.stderr)
    with open(os.path.join(work, "sentence-folds.json"), "w") as f:
        json.dump({"folds": [export(m, names) for m in models]}, f)
    full = fit("sentence", x, y, names)
    full.booster.save_model(os.path.join(work, "sentence-full.ubj"))
    with open(os.path.join(work, "sentence-full.json"), "w") as f:
        json.dump(export(full, names), f)
    with open(os.path.join(work, "sentence-report.json"), "w") as f:
        json.dump({"rows": int(len(y)), "questions": len(right), "accuracyAt1": float(np.mean(right))}, f)


def span_scores_by_instance(instance, extra, scores):
    """Per question: the best span score, the second, and the row of the best span (the first on ties, as in Node)."""
    top, second, best_row = {}, {}, {}
    for i in np.where(extra == 0)[0]:
        q = int(instance[i])
        s = scores[i]
        if s > top.get(q, -1):
            second[q] = top.get(q, 0.0)
            top[q] = s
            best_row[q] = i
        elif s > second.get(q, 0.0):
            second[q] = s
    return top, second, best_row


def out_of_fold_spans(work):
    """The span rows, their out-of-fold scores, and per question the best span's score, the second's and its row."""
    span_names, sx, smeta = read(work, "spans")
    span_oof, _ = out_of_fold("span", sx, smeta["label"], smeta["fold"], span_names)
    top, second, best_row = span_scores_by_instance(smeta["instance"], smeta["extra"], span_oof)
    return span_names, sx, smeta, span_oof, top, second, best_row


def answer_rows(work, span_names, sx, top, second, best_row):
    """The answer rows, with the scores of the best and second span the out-of-fold scores pick, and the best
    span's own features (src/reader/answer-features.ts TOP_SPAN_FEATURES)."""
    with open(os.path.join(work, "top-span-features.json")) as f:
        top_span_features = {name: span_names.index(column) for name, column in json.load(f).items()}
    answer_names, ax, ameta = read(work, "answers")
    column = {n: i for i, n in enumerate(answer_names)}
    ax = ax.copy()
    for i, q in enumerate(ameta["instance"]):
        ax[i, column["spanTop"]] = np.float32(top.get(int(q), 0.0))
        ax[i, column["spanSecond"]] = np.float32(second.get(int(q), 0.0))
        if int(q) in best_row:
            for name, span_column in top_span_features.items():
                ax[i, column[name]] = sx[best_row[int(q)], span_column]
    return answer_names, ax, ameta


def stage_final(work, model_file):
    synonyms_file = os.path.join(work, "synonyms.json")
    if not os.path.exists(synonyms_file):
        sys.exit(f"{synonyms_file} is missing: run the whole training with `npm run train-reader`, which writes it first.")
    with open(synonyms_file) as f:
        synonyms = json.load(f)
    # Span model: trained on soft labels (the candidate's F1 against the gold answers).
    span_names, sx, smeta, span_oof, top, second, best_row = out_of_fold_spans(work)
    span_model = fit("span", sx, smeta["label"], span_names)
    answer_names, ax, ameta = answer_rows(work, span_names, sx, top, second, best_row)
    # Short-answer F1 (out of fold) of the best span of the best sentence, over the answerable questions
    # whose best sentence holds the answer.
    right = set(int(q) for q in ameta["instance"][ameta["label"] == 1])
    first_rows = [np.where((smeta["instance"] == q) & (smeta["extra"] == 0))[0] for q in sorted(right & set(top))]
    span_f1 = float(np.mean([smeta["label"][rows[np.argmax(span_oof[rows])]] for rows in first_rows]))
    y = ameta["label"]
    answer_oof, _ = out_of_fold("answer", ax, y, ameta["fold"], answer_names)
    answer_model = fit("answer", ax, y, answer_names)

    answerable = (ameta["impossible"] == 0) & (ameta["withheld"] == 0)
    curve = []
    for t in np.round(np.arange(0.05, 0.951, 0.05), 2):
        answered = answer_oof >= t
        curve.append({
            "threshold": float(t),
            "answered": float(answered.mean()),
            "precision": float(y[answered].mean()) if answered.any() else 1.0,
            "answerableAnswered": float(answered[answerable].mean()),
            "impossibleRefused": float((~answered[ameta["impossible"] == 1]).mean()),
            "withheldRefused": float((~answered[ameta["withheld"] == 1]).mean()),
            "sentenceWithheldRefused": float((~answered[ameta["withheld"] == 2]).mean()) if (ameta["withheld"] == 2).any() else None,
        })
    # The highest threshold (in steps of 0.01) that still answers ANSWERED_SHARE of the answerable questions.
    grid = np.round(np.arange(0.01, 0.991, 0.01), 2)
    threshold = float(max(t for t in grid if (answer_oof[answerable] >= t).mean() >= ANSWERED_SHARE))

    report = {
        "trainedAt": datetime.date.today().isoformat(),
        "xgboost": xgb.__version__,
        "sentence": json.load(open(os.path.join(work, "sentence-report.json"))),
        "span": {"rows": int(len(sx)), "f1InRightSentenceOutOfFold": span_f1},
        "answer": {
            "rows": int(len(y)),
            "positives": int(y.sum()),
            "impossible": int(ameta["impossible"].sum()),
            "withheld": int((ameta["withheld"] == 1).sum()),
            "sentenceWithheld": int((ameta["withheld"] == 2).sum()),
            "aucOutOfFold": float(auc(y, answer_oof)),
            "aucAnswerableVsImpossible": float(auc(answerable[(answerable) | (ameta["impossible"] == 1)].astype(int), answer_oof[(answerable) | (ameta["impossible"] == 1)])),
        },
        "threshold": threshold,
        "thresholdRule": f"highest threshold answering at least {ANSWERED_SHARE:.0%} of the answerable training questions (out of fold)",
        "curve": curve,
        "params": PARAMS,
    }
    model = {
        "format": "coverage-bot-reader/2",
        "provenance": PROVENANCE,
        "threshold": threshold,
        # The WordNet table the features were computed with (scripts/wordnet-table.ts), written by the Node side.
        "synonyms": synonyms,
        "models": {
            "sentence": json.load(open(os.path.join(work, "sentence-full.json"))),
            "span": export(span_model, span_names),
            "answer": export(answer_model, answer_names),
        },
        "training": report,
    }
    os.makedirs(os.path.dirname(model_file), exist_ok=True)
    with open(model_file, "w") as f:
        json.dump(model, f, separators=(",", ":"))
    # Rows and XGBoost's own predictions, for the Node side to check its scoring of the exported trees.
    sentence_names, sentence_x, _ = read(work, "sentences")
    parity = {}
    for name, names, x, booster in (("sentence", sentence_names, sentence_x, None), ("span", span_names, sx, span_model), ("answer", answer_names, ax, answer_model)):
        rows = x[:: max(1, len(x) // 500)][:500]
        if booster is None:
            booster = Model.load(os.path.join(work, "sentence-full.ubj"))
        parity[name] = {
            "rows": [{n: float(v) for n, v in zip(names, row)} for row in rows],
            "predictions": [float(p) for p in booster.predict(rows)],
        }
    with open(os.path.join(work, "parity.json"), "w") as f:
        json.dump(parity, f)
    print(json.dumps({k: v for k, v in report.items() if k not in ("curve", "params")}, indent=1), file=sys.stderr)
    print("threshold  answered  precision  answerable-answered  impossible-refused  withheld-refused  sentence-withheld-refused", file=sys.stderr)
    for c in curve:
        print(f"{c['threshold']:9.2f}  {c['answered']:8.3f}  {c['precision']:9.3f}  {c['answerableAnswered']:19.3f}  {c['impossibleRefused']:18.3f}  {c['withheldRefused']:16.3f}  {c['sentenceWithheldRefused'] or 0:25.3f}", file=sys.stderr)


if __name__ == "__main__":
    stage, work, model_file = sys.argv[1], sys.argv[2], sys.argv[3]
    if stage == "sentence":
        stage_sentence(work)
    elif stage == "final":
        stage_final(work, model_file)
    else:
        sys.exit(f"unknown stage {stage}")
