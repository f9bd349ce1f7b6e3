# Which projection keeps the nearest neighbours of SciFact's chunk vectors (docs/SCALING.md, "A projected graph
# for large indexes"): centred PCA against uncentred (the second-moment matrix's eigenvectors), 64 to 192
# directions; exact search in the projected space, its first N candidates re-ranked by the full vectors;
# recall@50 = the share of the exact 512-d top 50 found.
# Usage: python3 scripts/experiments/projection-recall.py CHUNK_VECTORS QUERY_VECTORS
# CHUNK_VECTORS: a format 7 index's dense.hnsw.vectors (float32, 512 a chunk); QUERY_VECTORS: written by
# projected-dense.ts.
import sys
import numpy as np

X = np.fromfile(sys.argv[1], dtype=np.float32).reshape(-1, 512)
Q = np.fromfile(sys.argv[2], dtype=np.float32).reshape(-1, 512)
K = 50
top = np.argsort(-(Q @ X.T), axis=1)[:, :K]
sample = X[:: max(1, -(-len(X) // 8192))]  # every ceil(n / 8192)-th, as projection.ts samples


def directions(centred):
    mean = sample.mean(0) if centred else np.zeros(512)
    moments = (sample - mean).T @ (sample - mean) / len(sample)
    values, vectors = np.linalg.eigh(moments)
    return mean, vectors[:, np.argsort(-values)]


print('| projection | directions | candidates | recall@50 |\n|---|---|---|---|')
for centred in (True, False):
    mean, V = directions(centred)
    for k in (64, 96, 128, 192):
        P = V[:, :k]
        Xp, Qp = (X - mean) @ P, (Q - mean) @ P
        s = (Qp / np.linalg.norm(Qp, axis=1, keepdims=True)) @ (Xp / np.linalg.norm(Xp, axis=1, keepdims=True)).T
        for pool in (100, 200):
            cand = np.argsort(-s, axis=1)[:, :pool]
            recall = np.mean([len(set(top[i]) & set(cand[i])) / K for i in range(len(Q))])
            print(f"| {'centred' if centred else 'uncentred'} | {k} | {pool} | {recall:.3f} |")
