"""Regenerate the bundled sample datasets.

    python sample_data/make_samples.py

Writes, into the folder this script lives in:

* ``transactions.csv`` + ``transactions_population.csv`` - binary fraud table
  with planted duplicates, conflicting duplicates, missing values and a
  region sampling bias.
* ``reviews_annotated.csv`` - product reviews labelled by four annotators of
  known (different) accuracy, plus a partial gold label.
* ``wine_imbalanced.csv`` - scikit-learn's wine data thinned to an imbalanced
  three-class problem.

Everything is deterministic (fixed seeds, numpy ``default_rng``); running the
script twice produces byte-identical files.  Every number documented in
``README.md`` is asserted below, so the README cannot silently drift from the
data.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

OUT_DIR = Path(__file__).resolve().parent

# One independent seed per dataset so editing one generator never changes the
# others.
SEED_TRANSACTIONS = 20260301
SEED_REVIEWS = 20260302
SEED_WINE = 20260303

CSV_KW = dict(index=False, lineterminator="\n", encoding="utf-8")


# --------------------------------------------------------------------------
# 1. transactions.csv
# --------------------------------------------------------------------------

N_BASE = 20_000
N_FRAUD_BASE = 400
N_EXACT_DUPES = 25          # extra rows identical to an earlier row in every column
N_EXACT_DUPES_FRAUD = 2     # ... of which copy a fraud row
N_CONFLICT_PAIRS = 6        # extra rows identical except is_fraud (flipped)
N_CONFLICT_FROM_FRAUD = 3   # ... sources with is_fraud=1 (copy gets 0); rest 0 -> 1
N_MISSING = {"distance_from_home_km": 600, "device": 200, "account_age_days": 100}

REGION_POPULATION = {"north": 0.22, "south": 0.24, "east": 0.18, "west": 0.20, "central": 0.16}
REGION_SAMPLE_P = {"north": 0.35, "south": 0.25, "east": 0.18, "west": 0.16, "central": 0.06}

CATEGORIES = {  # name: (probability, mean log amount)
    "grocery": (0.22, 3.55),
    "restaurants": (0.16, 3.40),
    "fuel": (0.12, 3.75),
    "online_retail": (0.16, 3.90),
    "electronics": (0.08, 5.00),
    "travel": (0.06, 5.60),
    "entertainment": (0.10, 3.50),
    "health": (0.10, 3.70),
}
PAYMENT_METHODS = ["card_present", "online", "contactless", "mobile_wallet"]
PAYMENT_P = {  # P(payment_method | merchant_category)
    "online_retail": [0.00, 0.85, 0.00, 0.15],
    "travel": [0.20, 0.60, 0.10, 0.10],
    "electronics": [0.35, 0.40, 0.15, 0.10],
    "default": [0.45, 0.05, 0.35, 0.15],
}
DEVICES = ["desktop", "mobile", "tablet"]
DEVICE_P = {"online": [0.45, 0.45, 0.10], "default": [0.05, 0.80, 0.15]}

# Relative weight of each hour of day for ordinary spending (quiet at night).
HOUR_WEIGHTS = np.array(
    [1.0, 0.6, 0.4, 0.3, 0.3, 0.5, 1.2, 2.5, 4.0, 5.0, 5.5, 6.0,
     7.0, 6.5, 5.5, 5.0, 5.5, 6.5, 7.0, 6.5, 5.0, 3.5, 2.5, 1.5]
)
START = np.datetime64("2026-01-01T00:00:00")
N_DAYS = 90  # 2026-01-01 .. 2026-03-31

FRAUD_SIGNAL_SCALE = 1.1  # multiplies the fraud log-odds; tuned for LR ROC AUC ~0.89 (5-fold CV)


def _transactions(rng: np.random.Generator) -> tuple[pd.DataFrame, dict]:
    n = N_BASE
    cat_names = list(CATEGORIES)
    cat_p = np.array([CATEGORIES[c][0] for c in cat_names])
    category = rng.choice(cat_names, size=n, p=cat_p / cat_p.sum())

    payment = np.empty(n, dtype=object)
    for c in cat_names:
        m = category == c
        p = PAYMENT_P.get(c, PAYMENT_P["default"])
        payment[m] = rng.choice(PAYMENT_METHODS, size=m.sum(), p=p)

    device = np.empty(n, dtype=object)
    online = payment == "online"
    device[online] = rng.choice(DEVICES, size=online.sum(), p=DEVICE_P["online"])
    device[~online] = rng.choice(DEVICES, size=(~online).sum(), p=DEVICE_P["default"])

    regions = list(REGION_SAMPLE_P)
    region = rng.choice(regions, size=n, p=list(REGION_SAMPLE_P.values()))

    is_foreign = (rng.random(n) < np.where(category == "travel", 0.25, 0.03)).astype(int)

    mu = np.array([CATEGORIES[c][1] for c in category])
    amount = np.round(np.maximum(rng.lognormal(mu, 0.75), 0.5), 2)

    new_acct = rng.random(n) < 0.08
    account_age = np.where(
        new_acct,
        rng.integers(0, 31, size=n),
        np.minimum(rng.gamma(2.0, 450.0, size=n), 3650).astype(int) + 31,
    )
    activity = rng.gamma(2.0, 0.15, size=n)  # transactions per day of account age
    n_prev = rng.poisson(account_age * activity)

    dist = np.where(
        is_foreign == 1,
        rng.lognormal(6.5, 0.7, size=n),
        np.where(category == "travel", rng.lognormal(4.0, 1.2, size=n),
                 rng.lognormal(1.8, 0.9, size=n)),
    )
    dist = np.round(dist, 1)

    hour = rng.choice(24, size=n, p=HOUR_WEIGHTS / HOUR_WEIGHTS.sum())
    day = rng.integers(0, N_DAYS, size=n)
    second_of_hour = rng.integers(0, 3600, size=n)
    ts = START + (day * 86400 + hour * 3600 + second_of_hour).astype("timedelta64[s]")

    # Fraud log-odds: learnable but noisy.
    night = (hour <= 5).astype(float)
    logit = (
        0.85 * (np.log(amount) - 4.0)
        + 1.4 * (account_age <= 30)
        + 0.4 * (account_age <= 180)
        + 0.30 * (np.log1p(dist) - 2.0)
        + 1.1 * night
        + 0.8 * (payment == "online")
        + 0.5 * np.isin(category, ["electronics", "travel"])
        + 0.9 * is_foreign
        - 0.25 * (n_prev > 300)
    )
    # Gumbel top-k = sampling exactly N_FRAUD_BASE positives without replacement
    # with probability proportional to exp(scale * logit).
    score = FRAUD_SIGNAL_SCALE * logit + rng.gumbel(size=n)
    is_fraud = np.zeros(n, dtype=int)
    is_fraud[np.argsort(-score, kind="stable")[:N_FRAUD_BASE]] = 1

    df = pd.DataFrame(
        {
            "timestamp": ts,
            "amount": amount,
            "account_age_days": account_age,
            "n_prev_transactions": n_prev,
            "distance_from_home_km": dist,
            "hour": hour,
            "merchant_category": category,
            "payment_method": payment.astype(str),
            "device": device.astype(str),
            "region": region,
            "is_foreign": is_foreign,
            "is_fraud": is_fraud,
        }
    )
    df = df.sort_values("timestamp", kind="stable").reset_index(drop=True)
    df.insert(0, "transaction_id", [f"T{i:06d}" for i in range(1, n + 1)])

    # Missing values, completely at random, on disjoint row sets.
    df["account_age_days"] = df["account_age_days"].astype("Int64")
    df["device"] = df["device"].astype(object)
    total_missing = sum(N_MISSING.values())
    miss_rows = rng.choice(n, size=total_missing, replace=False)
    start = 0
    for col, k in N_MISSING.items():
        rows = miss_rows[start:start + k]
        start += k
        df.loc[rows, col] = pd.NA if col == "account_age_days" else np.nan

    # Planted duplicates: sources are distinct rows with no missing values, so
    # the counts do not depend on how a tool compares NaN with NaN.
    complete = np.flatnonzero(df.notna().all(axis=1).to_numpy())
    fraud_ok = np.intersect1d(complete, np.flatnonzero(df["is_fraud"].to_numpy() == 1))
    legit_ok = np.intersect1d(complete, np.flatnonzero(df["is_fraud"].to_numpy() == 0))
    n_conf_legit = N_CONFLICT_PAIRS - N_CONFLICT_FROM_FRAUD
    fraud_src = rng.choice(fraud_ok, size=N_EXACT_DUPES_FRAUD + N_CONFLICT_FROM_FRAUD, replace=False)
    legit_src = rng.choice(legit_ok, size=N_EXACT_DUPES - N_EXACT_DUPES_FRAUD + n_conf_legit,
                           replace=False)
    dup_src = np.concatenate([fraud_src[:N_EXACT_DUPES_FRAUD], legit_src[n_conf_legit:]])
    conf_src = np.concatenate([fraud_src[N_EXACT_DUPES_FRAUD:], legit_src[:n_conf_legit]])

    dups = df.loc[dup_src].copy()
    conf = df.loc[conf_src].copy()
    conf["is_fraud"] = 1 - conf["is_fraud"]
    out = pd.concat([df, dups, conf])
    # Stable sort on timestamp: each copy lands right after its original.
    out = out.sort_values("timestamp", kind="stable").reset_index(drop=True)
    out["timestamp"] = out["timestamp"].dt.strftime("%Y-%m-%d %H:%M:%S")

    facts = {
        "n_rows": N_BASE + N_EXACT_DUPES + N_CONFLICT_PAIRS,
        "n_fraud": N_FRAUD_BASE + N_EXACT_DUPES_FRAUD + (n_conf_legit),
        "n_unique_ids": N_BASE,
        "duplicate_rows": N_EXACT_DUPES,
        "conflicting_rows": 2 * N_CONFLICT_PAIRS,
        "conflicting_groups": N_CONFLICT_PAIRS,
        "missing": dict(N_MISSING),
    }
    return out, facts


def _check_transactions(path: Path, facts: dict) -> dict:
    """Re-read the written CSV and assert every documented number."""
    df = pd.read_csv(path)
    assert list(df.columns) == [
        "transaction_id", "timestamp", "amount", "account_age_days", "n_prev_transactions",
        "distance_from_home_km", "hour", "merchant_category", "payment_method", "device",
        "region", "is_foreign", "is_fraud",
    ]
    assert len(df) == facts["n_rows"], len(df)
    assert int(df["is_fraud"].sum()) == facts["n_fraud"]
    assert df["transaction_id"].nunique() == facts["n_unique_ids"]
    assert int(df.duplicated().sum()) == facts["duplicate_rows"]
    features = [c for c in df.columns if c != "is_fraud"]
    n_labels = df.groupby(features, dropna=False)["is_fraud"].transform("nunique")
    conflicting = n_labels > 1
    assert int(conflicting.sum()) == facts["conflicting_rows"]
    assert df[conflicting].groupby(features, dropna=False).ngroups == facts["conflicting_groups"]
    assert int(df.duplicated(subset=features).sum()) == facts["duplicate_rows"] + facts["conflicting_groups"]
    for col, k in facts["missing"].items():
        assert int(df[col].isna().sum()) == k, (col, df[col].isna().sum())
    assert int(df.isna().sum().sum()) == sum(facts["missing"].values())
    ts = pd.to_datetime(df["timestamp"])
    assert (ts.dt.hour == df["hour"]).all()
    assert ts.is_monotonic_increasing

    # Learnability: a plain logistic regression should be good, not perfect.
    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import roc_auc_score
    from sklearn.model_selection import train_test_split
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    num = ["amount", "account_age_days", "n_prev_transactions", "distance_from_home_km",
           "hour", "is_foreign"]
    cat = ["merchant_category", "payment_method", "device", "region"]
    dd = df.drop_duplicates(subset=features, keep=False)
    X, y = dd[num + cat], dd["is_fraud"]
    Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=0.3, stratify=y, random_state=0)
    pre = ColumnTransformer([
        ("num", make_pipeline(SimpleImputer(strategy="median"), StandardScaler()), num),
        ("cat", make_pipeline(SimpleImputer(strategy="constant", fill_value="missing"),
                              OneHotEncoder(handle_unknown="ignore")), cat),
    ])
    model = make_pipeline(pre, LogisticRegression(max_iter=2000)).fit(Xtr, ytr)
    auc = roc_auc_score(yte, model.predict_proba(Xte)[:, 1])
    assert 0.85 <= auc <= 0.93, auc

    shares = df["region"].value_counts()
    return {
        "rows": len(df),
        "fraud": int(df["is_fraud"].sum()),
        "fraud_rate": round(float(df["is_fraud"].mean()), 5),
        "region_counts": {r: int(shares.get(r, 0)) for r in REGION_POPULATION},
        "region_shares": {r: round(float(shares.get(r, 0)) / len(df), 4) for r in REGION_POPULATION},
        "logreg_auc_holdout": round(float(auc), 4),
        "fraud_by_night": round(float(df.loc[df.hour <= 5, "is_fraud"].mean()), 4),
        "fraud_by_day": round(float(df.loc[df.hour > 5, "is_fraud"].mean()), 4),
        "timestamp_range": (df["timestamp"].min(), df["timestamp"].max()),
    }


# --------------------------------------------------------------------------
# 2. reviews_annotated.csv
# --------------------------------------------------------------------------

N_REVIEWS = 600
N_GOLD = 150
LABELS = ["positive", "neutral", "negative"]
TRUE_P = [0.45, 0.25, 0.30]
AMBIGUOUS_FRACTION = 0.20
ANNOTATOR_ACC = [0.92, 0.85, 0.75, 0.60]        # on clear items
AMBIGUOUS_PENALTY = 0.20                        # accuracy drop on ambiguous items
ANNOTATOR_SKIP = [0.12, 0.18, 0.10, 0.20]       # probability of leaving an item blank
# Errors go mostly to the neighbouring class: positive <-> neutral <-> negative.
CONFUSION = {
    "positive": {"neutral": 0.8, "negative": 0.2},
    "neutral": {"positive": 0.5, "negative": 0.5},
    "negative": {"neutral": 0.8, "positive": 0.2},
}

PRODUCTS = {  # category: (products, aspects that fit every product of the category)
    "electronics": (
        ["wireless earbuds", "bluetooth speaker", "smartwatch", "fitness tracker",
         "wireless headphones", "wireless keyboard"],
        ["battery life", "build quality", "bluetooth connection", "charging speed",
         "setup process", "companion app"],
    ),
    "home_kitchen": (
        ["blender", "coffee maker", "frying pan", "kettle", "air fryer", "slow cooker"],
        ["build quality", "design", "cleanup", "price", "lid", "instruction manual"],
    ),
    "clothing": (
        ["rain jacket", "pair of running shoes", "wool sweater", "pair of jeans",
         "backpack", "pair of winter gloves"],
        ["fit", "fabric", "stitching", "colour", "sizing", "price"],
    ),
    "books": (
        ["cookbook", "thriller", "children's book", "travel guide", "biography"],
        ["writing", "print quality", "cover", "layout", "price", "binding"],
    ),
    "toys": (
        ["jigsaw puzzle", "building set", "board game", "plush toy", "remote control car"],
        ["build quality", "packaging", "design", "durability", "price", "colour"],
    ),
    "beauty": (
        ["face cream", "shampoo", "body lotion", "perfume", "lip balm"],
        ["scent", "texture", "packaging", "price", "finish"],
    ),
    "software": (
        ["photo editing app", "budgeting app", "language learning app",
         "antivirus subscription", "note-taking app"],
        ["interface", "sync", "customer support", "subscription price", "performance",
         "latest update"],
    ),
}
# Template kinds: "any" fits every category; "physical" needs a shipped item
# (not software); "functional" needs something that can work or stop working.
FUNCTIONAL = {"electronics", "home_kitchen", "software", "toys"}

CLEAR = {
    "positive": [
        ("{Aspect} is great, would buy again.", "any"),
        ("Love this {product}, the {aspect} is excellent.", "any"),
        ("Best {product} I have owned so far.", "any"),
        ("Exactly as described and arrived two days early.", "physical"),
        ("Really happy with it. The {aspect} exceeded my expectations.", "any"),
        ("Works perfectly, no complaints at all.", "functional"),
        ("Bought this {product} as a gift and they loved it.", "physical"),
        ("Great value for money.", "any"),
        ("The {aspect} is fantastic for the price.", "any"),
        ("Would recommend this {product} to anyone.", "any"),
        ("Brilliant {product}, the {aspect} alone is worth it.", "any"),
        ("So glad I picked this one, the {aspect} is spot on.", "any"),
    ],
    "neutral": [
        ("It's okay, does the job.", "any"),
        ("Average {product}, nothing special.", "any"),
        ("Decent for the price.", "any"),
        ("Does what it says, no more, no less.", "any"),
        ("The {aspect} is about what you'd expect.", "any"),
        ("Fine for occasional use.", "any"),
        ("Not bad, not great.", "any"),
        ("It works. The {aspect} could be better but it's acceptable.", "functional"),
        ("Arrived on time, haven't used it much yet.", "physical"),
        ("Pretty standard {product}.", "any"),
        ("A perfectly ordinary {product}.", "any"),
        ("The {aspect} is neither good nor bad.", "any"),
    ],
    "negative": [
        ("Arrived damaged and support never answered.", "physical"),
        ("{Aspect} is terrible, returned it after a week.", "physical"),
        ("Stopped working after {n} days.", "functional"),
        ("Total waste of money, the {aspect} is awful.", "any"),
        ("Cheaply made and fell apart within a month.", "physical"),
        ("Do not buy this {product}.", "any"),
        ("The {aspect} is a joke. Very disappointed.", "any"),
        ("Nothing like the pictures, sending it back.", "physical"),
        ("Worst {product} I have ever bought.", "any"),
        ("Broke the first time I used it and the refund took weeks.", "functional"),
        ("Started falling apart after {n} days, really poor.", "physical"),
        ("Regret buying this {product}, the {aspect} is dreadful.", "any"),
    ],
}
CLOSERS = {
    "positive": ["", "", "Highly recommend.", "Already ordered a second one.", "Very pleased.",
                 "Five stars.", "Would buy again."],
    "neutral": ["", "", "We'll see how it holds up.", "Three stars.", "Can't say much more.",
                "Might buy again, might not."],
    "negative": ["", "", "Avoid.", "Never again.", "Asked for a refund.",
                 "One star is generous.", "Save your money."],
}
# Mixed / hedged texts with the label a careful reader would settle on.
AMBIGUOUS = [
    ("{Aspect} is great but the {aspect2} is disappointing.", "neutral", "any"),
    ("Love the design, hate the {aspect}.", "neutral", "any"),
    ("Good {product} overall, although shipping took forever.", "positive", "physical"),
    ("I wanted to like it. The {aspect} is nice but it broke after a month.", "negative", "functional"),
    ("Not what I expected, but it grew on me.", "positive", "any"),
    ("The {aspect} is fine I guess, just not sure it was worth the money.", "neutral", "any"),
    ("Works, but only if you don't mind the {aspect}.", "negative", "functional"),
    ("Great {aspect}, terrible {aspect2}.", "neutral", "any"),
    ("Returned the first one, the replacement is much better.", "positive", "physical"),
    ("Could be worse.", "neutral", "any"),
    ("Meh. The {aspect} is nice, everything else is forgettable.", "neutral", "any"),
    ("Pretty good, if you can get past the {aspect}.", "positive", "any"),
    ("Not bad for a cheap {product}, but I would not buy it again.", "negative", "any"),
    ("Honestly expected more for this price, though it does work.", "neutral", "functional"),
    ("The {aspect} surprised me, the {aspect2} less so.", "positive", "any"),
    ("Half of it is brilliant, the other half is a mess.", "neutral", "any"),
]
# Fixed texts at fixed review ids (1-based): CSV-injection look-alikes and an
# embedded double quote.  (category, text, true label, ambiguous)
SPECIAL = {
    7: ("software", "=SUM(A1) lol this app crashes every time I open it", "negative", False),
    123: ("electronics", "-5 stars if I could, the earbuds never arrived", "negative", False),
    250: ("electronics", "+1 to everyone saying the battery dies fast", "negative", True),
    389: ("software", "@support still waiting for my refund, three weeks now", "negative", False),
    512: ("beauty", "+++ excellent seller, fast shipping +++", "positive", False),
    577: ("clothing", 'Says "waterproof" on the label, it is not. Soaked in ten minutes.',
          "negative", False),
}


def _cap(s: str) -> str:
    return s[0].upper() + s[1:]


def _fits(kind: str, category: str) -> bool:
    if kind == "physical":
        return category != "software"
    if kind == "functional":
        return category in FUNCTIONAL
    return True


def _review_text(rng: np.random.Generator, category: str, label: str, ambiguous: bool) -> tuple[str, str]:
    products, aspects = PRODUCTS[category]
    product = str(rng.choice(products))
    a1, a2 = (str(x) for x in rng.choice(aspects, size=2, replace=False))
    fill = dict(product=product, aspect=a1, Aspect=_cap(a1), aspect2=a2,
                n=int(rng.choice([2, 3, 5, 10, 12])))
    if ambiguous:
        pool = [(t, lab) for t, lab, kind in AMBIGUOUS if _fits(kind, category)]
        template, label = pool[rng.integers(len(pool))]
        closer = ""
    else:
        pool = [t for t, kind in CLEAR[label] if _fits(kind, category)]
        template = pool[rng.integers(len(pool))]
        closer = CLOSERS[label][rng.integers(len(CLOSERS[label]))]
    text = template.format(**fill)
    if closer:
        text = f"{text} {closer}"
    return text, label


def _reviews(rng: np.random.Generator) -> tuple[pd.DataFrame, dict]:
    cats = list(PRODUCTS)
    rows, truth, amb = [], [], []
    for i in range(N_REVIEWS):
        if i + 1 in SPECIAL:
            category, text, label, ambiguous = SPECIAL[i + 1]
        else:
            category = str(rng.choice(cats))
            ambiguous = bool(rng.random() < AMBIGUOUS_FRACTION)
            label = str(rng.choice(LABELS, p=TRUE_P))
            text, label = _review_text(rng, category, label, ambiguous)
        rows.append({"review_id": f"R{i + 1:04d}", "product_category": category, "text": text})
        truth.append(label)
        amb.append(ambiguous)
    truth = np.array(truth)
    amb = np.array(amb)

    n_ann = len(ANNOTATOR_ACC)
    ratings = np.empty((N_REVIEWS, n_ann), dtype=object)
    for j, acc in enumerate(ANNOTATOR_ACC):
        p_correct = np.where(amb, acc - AMBIGUOUS_PENALTY, acc)
        correct = rng.random(N_REVIEWS) < p_correct
        for i in range(N_REVIEWS):
            if correct[i]:
                ratings[i, j] = truth[i]
            else:
                alt = CONFUSION[truth[i]]
                ratings[i, j] = str(rng.choice(list(alt), p=list(alt.values())))

    skipped = rng.random((N_REVIEWS, n_ann)) < np.array(ANNOTATOR_SKIP)
    for i in range(N_REVIEWS):  # guarantee at least two ratings per item
        while (~skipped[i]).sum() < 2:
            skipped[i, rng.choice(np.flatnonzero(skipped[i]))] = False
    ratings[skipped] = None

    df = pd.DataFrame(rows)
    for j in range(n_ann):
        df[f"annotator_{j + 1}"] = ratings[:, j]
    gold_rows = np.sort(rng.choice(N_REVIEWS, size=N_GOLD, replace=False))
    gold = np.full(N_REVIEWS, None, dtype=object)
    gold[gold_rows] = truth[gold_rows]
    df["gold_label"] = gold
    return df, {"truth": truth, "ambiguous": amb}


def _krippendorff_alpha_nominal(r: pd.DataFrame) -> float:
    cats = sorted(set(r.stack().dropna()))
    idx = {c: k for k, c in enumerate(cats)}
    o = np.zeros((len(cats), len(cats)))
    for row in r.itertuples(index=False):
        vals = [idx[v] for v in row if isinstance(v, str)]
        m = len(vals)
        if m < 2:
            continue
        for a in range(m):
            for b in range(m):
                if a != b:
                    o[vals[a], vals[b]] += 1.0 / (m - 1)
    n_c = o.sum(axis=1)
    n = n_c.sum()
    d_o = (n - np.trace(o)) / n
    d_e = (n * n - (n_c ** 2).sum()) / (n * (n - 1))
    return float(1 - d_o / d_e)


def _plurality_tie(row: pd.Series) -> bool:
    counts = row.dropna().value_counts()
    return len(counts) > 1 and counts.iloc[0] == counts.iloc[1]


def _check_reviews(path: Path, hidden: dict) -> dict:
    df = pd.read_csv(path)
    ann = [f"annotator_{j}" for j in range(1, 5)]
    assert list(df.columns) == ["review_id", "product_category", "text", *ann, "gold_label"]
    assert len(df) == N_REVIEWS and df["review_id"].is_unique
    assert int(df["gold_label"].notna().sum()) == N_GOLD
    n_ratings = df[ann].notna().sum(axis=1)
    assert n_ratings.min() >= 2
    assert set(df[ann].stack().dropna().unique()) == set(LABELS)
    assert set(df["gold_label"].dropna().unique()) <= set(LABELS)
    for i, (_, text, _, _) in SPECIAL.items():
        assert df.loc[i - 1, "text"] == text, (i, df.loc[i - 1, "text"])
        assert df.loc[i - 1, "review_id"] == f"R{i:04d}"
    truth = hidden["truth"]
    g = df["gold_label"].notna()
    assert (df.loc[g, "gold_label"].to_numpy() == truth[g.to_numpy()]).all()

    per_ann = {}
    for a in ann:
        rated = df[a].notna()
        per_ann[a] = {
            "n_rated": int(rated.sum()),
            "rating_rate": round(float(rated.mean()), 4),
            "acc_vs_truth": round(float((df.loc[rated, a].to_numpy() == truth[rated.to_numpy()]).mean()), 4),
            "n_rated_gold": int((rated & g).sum()),
            "n_correct_vs_gold": int((df.loc[rated & g, a] == df.loc[rated & g, "gold_label"]).sum()),
            "acc_vs_gold": round(float((df.loc[rated & g, a] == df.loc[rated & g, "gold_label"]).mean()), 4),
        }
    amb = hidden["ambiguous"]
    unanimous = df[ann].apply(lambda r: r.dropna().nunique() == 1, axis=1)
    return {
        "rows": len(df),
        "gold": int(g.sum()),
        "gold_counts": df["gold_label"].value_counts().to_dict(),
        "truth_counts": pd.Series(truth).value_counts().to_dict(),
        "ambiguous": int(amb.sum()),
        "ratings_per_item": n_ratings.value_counts().sort_index().to_dict(),
        "total_ratings": int(n_ratings.sum()),
        "per_annotator": per_ann,
        "unanimous_items": int(unanimous.sum()),
        "unanimous_clear": int(unanimous[~amb].sum()), "clear": int((~amb).sum()),
        "unanimous_ambiguous": int(unanimous[amb].sum()),
        "krippendorff_alpha_nominal": round(_krippendorff_alpha_nominal(df[ann]), 4),
        "krippendorff_alpha_without_annotator_4": round(_krippendorff_alpha_nominal(df[ann[:3]]), 4),
        "plurality_ties": int(df[ann].apply(_plurality_tie, axis=1).sum()),
        "texts_starting_with_formula_char": int(df["text"].str[0].isin(list("=+-@")).sum()),
        "unique_texts": int(df["text"].nunique()),
        "texts_with_comma": int(df["text"].str.contains(",").sum()),
        "category_counts": df["product_category"].value_counts().to_dict(),
    }


# --------------------------------------------------------------------------
# 3. wine_imbalanced.csv
# --------------------------------------------------------------------------

WINE_KEEP = {"class_0": 30, "class_1": 71, "class_2": 8}


def _wine(rng: np.random.Generator) -> pd.DataFrame:
    from sklearn.datasets import load_wine

    bunch = load_wine(as_frame=True)
    df = bunch.frame.copy()
    df["cultivar"] = [f"class_{t}" for t in df.pop("target")]
    keep = []
    for cls, k in WINE_KEEP.items():
        rows = np.flatnonzero(df["cultivar"].to_numpy() == cls)
        keep.append(rng.choice(rows, size=k, replace=False))
    keep = np.sort(np.concatenate(keep))  # keep sklearn's original row order
    return df.iloc[keep].reset_index(drop=True)


def _check_wine(path: Path) -> dict:
    from sklearn.datasets import load_wine

    df = pd.read_csv(path)
    assert list(df.columns) == [*load_wine().feature_names, "cultivar"]
    counts = df["cultivar"].value_counts().to_dict()
    assert counts == WINE_KEEP, counts
    assert df.isna().sum().sum() == 0 and not df.duplicated().any()
    return {"rows": len(df), "counts": counts,
            "imbalance_ratio": round(max(counts.values()) / min(counts.values()), 3)}


# --------------------------------------------------------------------------


# The numbers quoted in README.md.  main() fails if the data no longer match.
DOCUMENTED = {
    "transactions": {
        "rows": 20031, "fraud": 405, "n_unique_ids": 20000, "duplicate_rows": 25,
        "conflicting_rows": 12, "conflicting_groups": 6,
        "missing": {"distance_from_home_km": 600, "device": 200, "account_age_days": 100},
        "region_counts": {"north": 7014, "south": 5090, "east": 3487, "west": 3230, "central": 1210},
    },
    "reviews": {
        "rows": 600, "gold": 150, "gold_counts": {"positive": 53, "neutral": 43, "negative": 54},
        "truth_counts": {"positive": 262, "neutral": 174, "negative": 164}, "ambiguous": 116,
        "ratings_per_item": {2: 69, 3: 225, 4: 306}, "total_ratings": 2037,
        "unanimous_items": 218, "plurality_ties": 83, "krippendorff_alpha_nominal": 0.3677,
        "krippendorff_alpha_without_annotator_4": 0.4702, "texts_starting_with_formula_char": 5,
        "unique_texts": 454,
        "per_annotator": {
            "annotator_1": {"n_rated": 532, "n_rated_gold": 135, "n_correct_vs_gold": 114},
            "annotator_2": {"n_rated": 472, "n_rated_gold": 121, "n_correct_vs_gold": 101},
            "annotator_3": {"n_rated": 552, "n_rated_gold": 140, "n_correct_vs_gold": 94},
            "annotator_4": {"n_rated": 481, "n_rated_gold": 113, "n_correct_vs_gold": 65},
        },
    },
    "wine": {"rows": 109, "counts": {"class_0": 30, "class_1": 71, "class_2": 8}},
}


def _assert_documented(actual: dict, documented: dict, where: str = "") -> None:
    for key, want in documented.items():
        got = actual[key]
        if isinstance(want, dict):
            _assert_documented(got, want, f"{where}{key}.")
        else:
            assert got == want, f"{where}{key}: README says {want!r}, data has {got!r}"


def main() -> dict:
    summary = {}

    tx, facts = _transactions(np.random.default_rng(SEED_TRANSACTIONS))
    tx.to_csv(OUT_DIR / "transactions.csv", **CSV_KW)
    pop = pd.DataFrame({"region": list(REGION_POPULATION), "share": list(REGION_POPULATION.values())})
    assert abs(pop["share"].sum() - 1.0) < 1e-12
    pop.to_csv(OUT_DIR / "transactions_population.csv", **CSV_KW)
    summary["transactions"] = {**facts, **_check_transactions(OUT_DIR / "transactions.csv", facts)}

    rv, hidden = _reviews(np.random.default_rng(SEED_REVIEWS))
    rv.to_csv(OUT_DIR / "reviews_annotated.csv", **CSV_KW)
    summary["reviews"] = _check_reviews(OUT_DIR / "reviews_annotated.csv", hidden)

    wine = _wine(np.random.default_rng(SEED_WINE))
    wine.to_csv(OUT_DIR / "wine_imbalanced.csv", **CSV_KW)
    summary["wine"] = _check_wine(OUT_DIR / "wine_imbalanced.csv")

    total = sum(p.stat().st_size for p in OUT_DIR.glob("*.csv"))
    assert total < 5_000_000, total
    summary["total_csv_bytes"] = total
    _assert_documented(summary, DOCUMENTED)
    return summary


if __name__ == "__main__":
    import pprint

    pprint.pprint(main(), sort_dicts=False, width=110)
