"""The agreement figures of src/review/agreement.ts against reference implementations.

Krippendorff's alpha against the `krippendorff` package, Fleiss' and Cohen's kappa against
`statsmodels`, to 1e-6, on seeded random reliability data with missing values, on
Krippendorff's (2011) published example, and on the edge cases (one value everywhere, one
reviewer per unit). The TypeScript functions run once, through scripts/agreement-figures.ts.
"""

from __future__ import annotations

import json
import math
import shutil
import subprocess
from pathlib import Path
from typing import Any, Literal

import krippendorff
import numpy as np
import pytest
from statsmodels.stats.inter_rater import (  # type: ignore[import-untyped]
    aggregate_raters,
    cohens_kappa,
    fleiss_kappa,
)

REPO = Path(__file__).resolve().parents[3]
TOLERANCE = 1e-6
Metric = Literal["nominal", "ordinal", "interval"]
METRICS: tuple[Metric, ...] = ("nominal", "ordinal", "interval")

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", example C.
NAN = math.nan
KRIPPENDORFF_2011 = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, NAN, NAN, NAN],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, NAN, 3],
    [NAN, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, NAN],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, NAN],
]


def units_of(matrix: np.ndarray[Any, Any]) -> list[list[float]]:
    """Reviewers x units (NaN: not judged) -> each unit's values."""
    return [[float(v) for v in column if not math.isnan(v)] for column in matrix.T]


def random_matrix(rng: np.random.Generator, missing: float, interval: bool) -> np.ndarray[Any, Any]:
    reviewers = int(rng.integers(2, 6))
    units = int(rng.integers(5, 40))
    truth = rng.integers(1, 6, size=units)
    noise = rng.integers(-1, 2, size=(reviewers, units)) * (rng.random((reviewers, units)) < 0.4)
    matrix = np.clip(truth + noise, 1, 5).astype(float)
    if interval:
        matrix = matrix + np.round(rng.random((reviewers, units)), 2)
    matrix[rng.random((reviewers, units)) < missing] = np.nan
    result: np.ndarray[Any, Any] = matrix
    return result


def figures(cases: list[dict[str, Any]]) -> list[dict[str, float | None]]:
    node = shutil.which("node")
    if node is None or not (REPO / "node_modules" / "tsx").exists():
        raise RuntimeError("node and the repository's node_modules (tsx) are needed")
    done = subprocess.run(
        [node, "--import", "tsx", "scripts/agreement-figures.ts"],
        cwd=REPO,
        input=json.dumps({"cases": cases}),
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    result: list[dict[str, float | None]] = json.loads(done.stdout)
    return result


def reference_alpha(matrix: np.ndarray[Any, Any], metric: Metric) -> float | None:
    try:
        return float(krippendorff.alpha(reliability_data=matrix, level_of_measurement=metric))
    except ValueError:  # "There has to be more than one value in the domain."
        return None


def assert_close(ours: float | None, reference: float | None, what: str) -> None:
    if reference is None or math.isnan(reference):
        assert ours is None, what
    else:
        assert ours is not None and abs(ours - reference) <= TOLERANCE, f"{what}: {ours} != {reference}"


def test_alpha_equals_krippendorff_package_on_random_data_with_missing_values() -> None:
    rng = np.random.default_rng(20261203)
    matrices = [(metric, random_matrix(rng, missing, metric == "interval"))
                for metric in METRICS for missing in (0.0, 0.2, 0.45) for _ in range(8)]
    ours = figures([{"metric": m, "units": units_of(x)} for m, x in matrices])
    for n, ((metric, matrix), got) in enumerate(zip(matrices, ours)):
        assert_close(got["krippendorff_alpha"], reference_alpha(matrix, metric), f"case {n} {metric}")


def test_alpha_of_the_published_example_for_every_metric() -> None:
    matrix = np.array(KRIPPENDORFF_2011)
    ours = figures([{"metric": m, "units": units_of(matrix)} for m in METRICS])
    for metric, got in zip(METRICS, ours):
        assert_close(got["krippendorff_alpha"], reference_alpha(matrix, metric), metric)
    assert round(ours[0]["krippendorff_alpha"] or 0, 3) == 0.743


def test_ordinal_alpha_ranks_labels_by_the_rubric_order() -> None:
    labels = ["lost", "partly", "mostly", "fully"]
    rng = np.random.default_rng(7)
    matrix = np.clip(random_matrix(rng, 0.2, False), 1, 4)
    named = [[labels[int(v) - 1] for v in unit] for unit in units_of(matrix)]
    [got] = figures([{"metric": "ordinal", "units": named, "order": labels}])
    assert_close(got["krippendorff_alpha"], reference_alpha(matrix, "ordinal"), "ordinal labels")


def test_fleiss_kappa_equals_statsmodels_on_complete_data() -> None:
    rng = np.random.default_rng(1971)
    matrices = [random_matrix(rng, 0.0, False) for _ in range(20)]
    ours = figures([{"metric": "nominal", "units": units_of(x)} for x in matrices])
    for n, (matrix, got) in enumerate(zip(matrices, ours)):
        table, _ = aggregate_raters(matrix.T.astype(int))
        assert_close(got["fleiss_kappa"], float(fleiss_kappa(table, method="fleiss")), f"case {n}")


def test_cohen_kappa_equals_statsmodels_for_two_reviewers() -> None:
    rng = np.random.default_rng(1960)
    cases: list[dict[str, Any]] = []
    tables: list[np.ndarray[Any, Any]] = []
    for _ in range(20):
        matrix = random_matrix(rng, 0.0, False)[:2].astype(int)
        pairs = [[int(a), int(b)] for a, b in matrix.T]
        cases.append({"metric": "nominal", "units": pairs, "pairs": pairs})
        table = np.zeros((5, 5))
        for a, b in pairs:
            table[a - 1, b - 1] += 1
        tables.append(table)
    for n, (table, got) in enumerate(zip(tables, figures(cases))):
        assert_close(got["cohen_kappa"], float(cohens_kappa(table).kappa), f"case {n}")


def test_edge_cases_one_value_everywhere_and_one_reviewer_per_unit() -> None:
    same = np.full((3, 6), 2.0)
    lonely = np.array([[1, NAN, 3], [NAN, 2, NAN]])
    ours = figures([
        {"metric": "nominal", "units": units_of(same), "pairs": [[2, 2]] * 6},
        {"metric": "interval", "units": units_of(lonely)},
    ])
    assert reference_alpha(same, "nominal") is None
    assert ours[0] == {"krippendorff_alpha": None, "fleiss_kappa": None, "cohen_kappa": None}
    with pytest.raises(ValueError):  # the package refuses data without a pairable unit too
        reference_alpha_strict(lonely)
    assert ours[1]["krippendorff_alpha"] is None and ours[1]["fleiss_kappa"] is None


def reference_alpha_strict(matrix: np.ndarray[Any, Any]) -> float:
    value = float(krippendorff.alpha(reliability_data=matrix, level_of_measurement="interval"))
    if math.isnan(value):
        raise ValueError("alpha undefined")
    return value
