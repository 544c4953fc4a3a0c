"""The earlier package (EUPL-1.2), for the comparison test and the benchmarks: never part of this
repository, imported from a temporary copy of `EXECUTION_HISTORY_PEER_DIR` or
`../shared/peers/seed-tracker-cbf622f` beside the checkout (its storage module makes a directory
beside itself on import: that lands in the copy)."""

from __future__ import annotations

import importlib.util
import os
import shutil
import sys
from pathlib import Path
from types import ModuleType

REPO = Path(__file__).resolve().parents[3]
PEER = Path(os.environ.get("EXECUTION_HISTORY_PEER_DIR")
            or REPO.parent / "shared" / "peers" / "seed-tracker-cbf622f")


def earlier_present() -> bool:
    """True when the earlier package is where `PEER` points."""
    return (PEER / "execution_history" / "tracker.py").is_file()


def load_earlier(tmp: Path) -> ModuleType | None:
    """The earlier package as `seed_execution_history`, copied under `tmp`; None when absent."""
    if not earlier_present():
        return None
    root = tmp / "pkg" / "seed_execution_history"
    shutil.copytree(PEER / "execution_history", root)
    spec = importlib.util.spec_from_file_location(
        "seed_execution_history", root / "__init__.py", submodule_search_locations=[str(root)])
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["seed_execution_history"] = module
    spec.loader.exec_module(module)
    return module
