"""Opens an unpacked research bundle as a researcher would (pandas, Parquet) and answers two
questions from the runs table alone, without parsing any JSON: the block rate by safety level
and config, and the outputs per generation backend. Prints the answers as JSON on stdout."""

import json
import sys
from pathlib import Path

import pandas as pd

bundle = Path(sys.argv[1])
runs = pd.read_parquet(bundle / "runs.parquet", dtype_backend="numpy_nullable")
items = pd.read_parquet(bundle / "items.parquet")

# Block rate: share of runs with a block (stage 1 or 3), by level and config.
runs["blocked"] = runs["blocked_stage"].notna()
rate = runs.groupby(["safety_level", "config_name"])["blocked"].mean()
block_rate = {f"{level}|{config}": float(v) for (level, config), v in rate.items()}

# Outputs per backend: the per-medium output counts summed by the stage 4 backend.
media = [c for c in runs.columns if c.startswith("outputs_") and c not in ("outputs_produced", "outputs_blocked")]
per_backend = runs.assign(outputs=runs[media].sum(axis=1)).groupby("stage4_backend")["outputs"].sum()
outputs_per_backend = {str(k): int(v) for k, v in per_backend.items() if v > 0}

# Media: every linked output file is in the bundle with the hash its name says.
linked = items[items["media_file"].notna()]
media_ok = all(
    (bundle / f).is_file() and Path(f).stem == h for f, h in zip(linked["media_file"], linked["media_sha256"])
)

# The Excel tables hold the same rows and prompts (umlauts included) as the Parquet ones.
xlsx_runs = pd.read_excel(bundle / "runs.xlsx", dtype=str, keep_default_na=False)
xlsx_items = pd.read_excel(bundle / "items.xlsx", dtype=str, keep_default_na=False)
excel_ok = (
    list(xlsx_runs["execution_id"]) == list(runs["execution_id"])
    and list(xlsx_runs["input_text"]) == [t if isinstance(t, str) else "" for t in runs["input_text"]]
    and len(xlsx_items) == len(items)
)

print(
    json.dumps(
        {
            "runs": len(runs),
            "block_rate": block_rate,
            "outputs_per_backend": outputs_per_backend,
            "blocked_reasons": sorted(set(runs["blocked_reason"].dropna())),
            "media_linked": int(len(linked)),
            "media_ok": bool(media_ok),
            "excel_ok": bool(excel_ok),
            "conditions": {str(k): int(v) for k, v in runs.groupby("condition").size().items()},
            "columns": {c: str(t) for c, t in runs.dtypes.items()},
        }
    )
)
