"""Tokens read as missing keep provenance: the fix recipe names the uploaded file's own SHA-256 as its
input and lists the token step, and the recipe's snippet, run on the original file, rebuilds the table."""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd

from analysis.columns import TokensAsMissing, integrity, read_tokens_as_missing
from analysis.io import load_csv
from analysis.rebalance import FixSettings, apply_fix


def _raw() -> bytes:
    rng = np.random.default_rng(4)
    age = rng.integers(20, 70, size=120).astype(str).astype(object)
    age[[3, 17, 40]] = "unknown"
    age[[8, 90]] = "?"
    df = pd.DataFrame({"age": age, "income": rng.normal(3, 1, 120).round(3),
                       "y": np.where(rng.random(120) < 0.25, "yes", "no")})
    return df.to_csv(index=False).encode()


def test_fix_recipe_records_the_uploaded_files_sha256_and_the_token_step(tmp_path, monkeypatch):
    raw = _raw()
    original = load_csv(raw, name="cards.csv")
    effective = read_tokens_as_missing(original, integrity(original.frame))
    file_sha = hashlib.sha256(raw).hexdigest()  # independent: the bytes' own hash
    assert original.sha256 == file_sha
    assert effective.sha256 != file_sha and effective.input_sha256 == file_sha  # caches tell them apart
    assert effective.steps == (TokensAsMissing((("age", ("?", "unknown")),)),)

    fix = apply_fix(effective.frame, FixSettings(
        target="y", strategy="random_over", seed=1, source_name="cards.csv", source_sha256=effective.input_sha256,
        source_steps=effective.steps, projection=False,
    ))
    assert fix.recipe["source"]["sha256"] == file_sha
    assert fix.recipe["steps"] == [effective.steps[0].to_dict()]
    assert fix.recipe["steps"][0]["columns"] == {"age": ["?", "unknown"]}

    (tmp_path / "cards.csv").write_bytes(raw)
    monkeypatch.chdir(tmp_path)
    scope: dict = {}
    exec(compile(fix.snippet, "snippet", "exec"), scope)  # the user's script on the original file
    rebuilt = scope["df"]
    assert rebuilt["age"].isna().sum() == 5
    pd.testing.assert_series_equal(rebuilt["age"], effective.frame["age"], check_dtype=False)


def test_recipes_without_steps_keep_their_keys():
    df = pd.read_csv(__import__("io").BytesIO(_raw()))
    fix = apply_fix(df, FixSettings(target="y", strategy="none", projection=False))
    assert "steps" not in fix.recipe



def test_reweighting_download_recipe_lists_the_token_step_and_the_files_sha256():
    import json

    from analysis.sampling import poststratification_weights, weighted_csv

    raw = _raw()
    effective = read_tokens_as_missing(load_csv(raw, name="cards.csv"), integrity(load_csv(raw).frame))
    rw = poststratification_weights(effective.frame, group="y", reference={"yes": 0.5, "no": 0.5})
    _, recipe = weighted_csv(effective.frame, rw, source_name="cards.csv", source_sha256=effective.input_sha256,
                             source=effective)
    record = json.loads(recipe)
    assert record["source"]["sha256"] == hashlib.sha256(raw).hexdigest()
    assert record["steps"] == [effective.steps[0].to_dict()]
