"""check.py DATA CONFIG: refit csm-fit's model in plain Python, as csm-fit(1)
describes it (knots at the 5/25/50/75/95% quantiles to six digits, a knot of
its own below for a value missing in 10 rows or more, one-hot values in 10
rows or more, L2 penalty 1 on all but the intercept, folds dealt from a
shuffle by xorshift64), and compare the coefficients and the cross-validated
AUC and Brier score with the comments at the top of CONFIG."""
import math, re, sys

FEATURES = ["contract", "tenure_months", "nps"]
MISSING = {"", "na", "n/a", "null", "-", "none"}
M64 = (1 << 64) - 1


def read(path):
    lines = open(path).read().splitlines()
    hdr = lines[0].split(",")
    rows = [dict(zip(hdr, l.split(","))) for l in lines[1:]]
    return rows


def quantile(s, q):
    h = (len(s) - 1) * q
    lo = math.floor(h)
    if lo + 1 >= len(s):
        return s[-1]
    return s[lo] + (h - lo) * (s[lo + 1] - s[lo])


def sig6(x):
    return float("%.6g" % x)


def design(rows):
    feats = []
    for name in FEATURES:
        vals = [r[name].strip() for r in rows]
        miss = [v.lower() in MISSING for v in vals]
        nmiss = sum(miss)
        try:
            nums = [float(v) for v, m in zip(vals, miss) if not m]
            numeric = True
        except ValueError:
            numeric = False
        if numeric:
            s = sorted(nums)
            distinct = sorted(set(s))
            if len(distinct) <= 5:
                cand = distinct
            else:
                cand = [sig6(quantile(s, q)) for q in (0.05, 0.25, 0.5, 0.75, 0.95)]
            knots = []
            for k in cand:
                if not knots or k > knots[-1]:
                    knots.append(k)
            imp = sig6(quantile(s, 0.5))
            sentinel = nmiss >= 10
            if sentinel:
                knots = [math.floor(knots[0]) - 1] + knots
            feats.append(("num", name, knots, sentinel, imp))
        else:
            count = {}
            for v, m in zip(vals, miss):
                if not m:
                    count[v] = count.get(v, 0) + 1
            levels = sorted((v for v in count if count[v] >= 10),
                            key=lambda v: (-count[v], v.encode()))[:50]
            feats.append(("cat", name, levels, nmiss >= 10, None))
    X = []
    for r in rows:
        x = {}
        col = 0
        for kind, name, a, b, imp in feats:
            v = r[name].strip()
            if kind == "num":
                knots = a
                xv = imp if v.lower() in MISSING else float(v)
                if v.lower() in MISSING and b:
                    xv = knots[0]
                if xv <= knots[0]:
                    x[col] = 1.0
                else:
                    for j in range(1, len(knots)):
                        if xv < knots[j]:
                            break
                    else:
                        j = len(knots)
                    if j == len(knots):
                        x[col + len(knots) - 1] = 1.0
                    else:
                        t = (xv - knots[j - 1]) / (knots[j] - knots[j - 1])
                        x[col + j - 1] = x.get(col + j - 1, 0) + 1 - t
                        x[col + j] = x.get(col + j, 0) + t
                col += len(knots)
            else:
                levels = a
                if v.lower() in MISSING:
                    if b:
                        x[col + len(levels)] = 1.0
                elif v in levels:
                    x[col + levels.index(v)] = 1.0
                col += len(levels) + (1 if b else 0)
        X.append(x)
    return feats, X, col


def solve(A, g):
    n = len(g)
    M = [row[:] + [g[i]] for i, row in enumerate(A)]
    for i in range(n):
        p = max(range(i, n), key=lambda r: abs(M[r][i]))
        M[i], M[p] = M[p], M[i]
        for r in range(i + 1, n):
            f = M[r][i] / M[i][i]
            if f:
                for c in range(i, n + 1):
                    M[r][c] -= f * M[i][c]
    x = [0.0] * n
    for i in reversed(range(n)):
        x[i] = (M[i][n] - sum(M[i][c] * x[c] for c in range(i + 1, n))) / M[i][i]
    return x


def sigmoid(z):
    return 1 / (1 + math.exp(-z)) if z >= 0 else math.exp(z) / (1 + math.exp(z))


def fit(X, y, ncol, use, l2=1.0):
    d = ncol + 1
    th = [0.0] * d
    for it in range(100):
        g = [0.0] * d
        H = [[0.0] * d for _ in range(d)]
        for x, yy, u in zip(X, y, use):
            if not u:
                continue
            eta = th[0] + sum(th[c + 1] * v for c, v in x.items())
            p = sigmoid(eta)
            w = max(p * (1 - p), 1e-12)
            r = p - yy
            items = [(0, 1.0)] + [(c + 1, v) for c, v in x.items()]
            for a, va in items:
                g[a] += r * va
                for b, vb in items:
                    H[a][b] += w * va * vb
        for a in range(1, d):
            g[a] += l2 * th[a]
            H[a][a] += l2
        step = solve(H, g)
        th = [t - s for t, s in zip(th, step)]
        if max(abs(s) for s in step) < 1e-12:
            break
    return th


def folds(y, k):
    s = 0x9e3779b97f4a7c15
    fold = [0] * len(y)
    for cls in (0, 1):
        idx = [i for i in range(len(y)) if y[i] == cls]
        for i in range(len(idx), 1, -1):
            s ^= (s << 13) & M64
            s ^= s >> 7
            s ^= (s << 17) & M64
            j = s % i
            idx[i - 1], idx[j] = idx[j], idx[i - 1]
        for i, r in enumerate(idx):
            fold[r] = i % k
    return fold


def auc(p, y):
    pairs = sorted(zip(p, y))
    n1 = sum(y)
    n0 = len(y) - n1
    u = below = 0.0
    i = 0
    while i < len(pairs):
        j = i
        pos = neg = 0
        while j < len(pairs) and pairs[j][0] == pairs[i][0]:
            pos += pairs[j][1]
            neg += 1 - pairs[j][1]
            j += 1
        u += pos * (below + 0.5 * neg)
        below += neg
        i = j
    return u / (n1 * n0)


def main():
    rows = read(sys.argv[1])
    y = [1 if r["churned"] == "yes" else 0 for r in rows]
    feats, X, ncol = design(rows)
    th = fit(X, y, ncol, [1] * len(y))
    fold = folds(y, 5)
    oof = [0.0] * len(y)
    for k in range(5):
        t = fit(X, y, ncol, [f != k for f in fold])
        for i, x in enumerate(X):
            if fold[i] == k:
                eta = t[0] + sum(t[c + 1] * v for c, v in x.items())
                oof[i] = round(sigmoid(eta), 9)
    cfg = open(sys.argv[2]).read()
    m = re.search(r"# 5-fold cross-validated AUC ([0-9.]+) .*Brier ([0-9.]+)", cfg)
    a, b = auc(oof, y), sum((p - yy) ** 2 for p, yy in zip(oof, y)) / len(y)
    print("cross-validated AUC agrees:", abs(float(m.group(1)) - a) < 6e-5)
    print("cross-validated Brier agrees:", abs(float(m.group(2)) - b) < 6e-5)
    # the coefficients in the comments, feature by feature
    text = re.sub(r"\n#     ", " ", cfg)
    got = [float(re.search(r"#   intercept ([-+0-9.]+)", text).group(1))]
    for kind, name, a_, b_, imp in feats:
        line = re.search(r"#   %s \(weight [^)]*\): (.*)" % name, text).group(1)
        coefs = [float(c) for c in re.findall(r"([-+][0-9]+\.[0-9]{4})", line)]
        if kind == "cat":
            coefs = coefs[:-1]          # "other +0.0000"
        got += coefs
    print("coefficients:", len(got), "of", len(th))
    print("coefficients agree:", all(abs(g - t) < 6e-5 for g, t in zip(got, th)))


main()
