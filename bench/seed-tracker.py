"""Records/s of the earlier server's tracker on the Stille Post flow, for bench/seed-compare.bench.ts.

Loads the earlier package from `EXECUTION_HISTORY_PEER_DIR` or ../shared/peers/seed-tracker-cbf622f
(copied to a temp dir and imported from there; never part of this project), points its storage at a
temp directory and runs `argv[1]` Stille Post runs in sequence (flow b of
clients/python/tests/flows.py, the calls the platform's route makes), each finalized: its record
written as one JSON file (no fsync, as the earlier server does). Prints one JSON line:
{"found": bool, "records_per_s": float, "cpu_us_per_record": float, "items": int} (CPU: the
process's user + system time in the timed loop). Needs only the standard library.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "clients" / "python" / "tests"))
from earlier_package import load_earlier  # noqa: E402
from flows import FLOWS  # noqa: E402

def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    out_dir = Path(sys.argv[2]) if len(sys.argv) > 2 else None
    with tempfile.TemporaryDirectory() as tmp:
        seed = load_earlier(Path(tmp))
        if seed is None:
            print(json.dumps({"found": False}))
            return
        storage = sys.modules["seed_execution_history.storage"]
        storage.STORAGE_DIR = out_dir or Path(tmp) / "records"
        storage.STORAGE_DIR.mkdir(parents=True, exist_ok=True)
        items = 0
        started = time.perf_counter()
        cpu_started = time.process_time()
        for _ in range(runs):
            t = seed.ExecutionTracker("stillepost", "eco", "kids")
            FLOWS["b"](t)
            items = len(t.items)
            t.finalize()
        seconds = time.perf_counter() - started
        cpu_seconds = time.process_time() - cpu_started
        written = len(list(storage.STORAGE_DIR.glob("exec_*.json")))
        print(
            json.dumps(
                {
                    "found": True,
                    "records_per_s": written / seconds,
                    "cpu_us_per_record": cpu_seconds * 1e6 / runs,
                    "items": items,
                }
            )
        )


if __name__ == "__main__":
    main()
