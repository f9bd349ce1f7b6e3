# How a projected graph's projection ages (docs/SCALING.md, "A projected graph for large indexes"): an index's
# graph keeps the directions fitted when it was built, and the chunks added by later embeds (up to half the
# index, UPDATE_MAX_ADDED, before the graph is built afresh) are projected onto them. The worst case, with
# SciFact's chunk vectors: the chunks split in two halves along their leading centred principal direction (two
# "topics" as far apart as the data allows), the directions fitted on the first half only, then every chunk
# searched. Exact search in the 96-d projected space, its first 100 candidates re-ranked by the full vectors,
# as vector-index.ts searches; recall@50 = the share of the exact 512-d top 50 found, for the queries whose
# exact top 50 lie mostly in the first half, and for those whose top 50 lie mostly in the half added later.
# With two more arguments, the half added later is another corpus instead: its chunks added to the first
# corpus's, the queries of both asked (SciFact, then NFCorpus's medical pages or NQ-UTD's news added).
# Usage: python3 scripts/experiments/projection-drift.py CHUNK_VECTORS QUERY_VECTORS [ADDED_CHUNK_VECTORS ADDED_QUERY_VECTORS]
# (vector files as projection-recall.py takes them, or as dump-vectors.ts writes them from an eval index and its queries)
import sys
import numpy as np

read = lambda f: np.fromfile(f, dtype=np.float32).reshape(-1, 512)
X, Q = read(sys.argv[1]), read(sys.argv[2])
K, DIMS, POOL = 50, 96, 100
if len(sys.argv) > 4:
    added, added_queries = read(sys.argv[3]), read(sys.argv[4])
    first = np.concatenate([np.ones(len(X), dtype=bool), np.zeros(len(added), dtype=bool)])
    X, Q = np.concatenate([X, added]), np.concatenate([Q, added_queries])
else:
    centred = np.cov(X[:: max(1, len(X) // 8192)].T)
    values, vectors = np.linalg.eigh(centred)
    axis = vectors[:, np.argmax(values)]
    first = np.zeros(len(X), dtype=bool)
    first[np.argsort(X @ axis)[: len(X) // 2]] = True
top = np.argsort(-(Q @ X.T), axis=1)[:, :K]


def fitted(rows):
    sample = X[rows][:: max(1, -(-rows.sum() // 8192))]  # every ceil(n / 8192)-th, as projection.ts samples
    values, vectors = np.linalg.eigh(sample.T @ sample / len(sample))
    return vectors[:, np.argsort(-values)[:DIMS]]


def recall(P, queries):
    Xp, Qp = X @ P, Q[queries] @ P
    s = (Qp / np.linalg.norm(Qp, axis=1, keepdims=True)) @ (Xp / np.linalg.norm(Xp, axis=1, keepdims=True)).T
    cand = np.argsort(-s, axis=1)[:, :POOL]
    return np.mean([len(set(top[q]) & set(cand[i])) / K for i, q in enumerate(queries)])


in_first = first[top].mean(1)
old_q, new_q, all_q = np.where(in_first >= 0.5)[0], np.where(in_first < 0.5)[0], np.arange(len(Q))
print(f'{len(X)} chunks ({(~first).sum()} added later), {len(Q)} queries ({len(old_q)} with their top 50 mostly in the first part, {len(new_q)} in the part added later)')
print('| directions fitted on | all queries | queries of the first part | queries of the part added later |\n|---|---|---|---|')
for name, rows in (('every chunk (a graph built afresh)', np.ones(len(X), dtype=bool)), ('the first part only (the part added later projected onto them)', first)):
    P = fitted(rows)
    print(f'| {name} | {recall(P, all_q):.3f} | {recall(P, old_q):.3f} | {recall(P, new_q):.3f} |')
