"""execution_history: the earlier tracker's API, recording on OpenTelemetry.

Runs become spans by execution-history's span conventions; its record service rebuilds one
ExecutionRecord per run from them, and `execution_history.storage` reads those back.

    from execution_history import ExecutionTracker

    tracker = ExecutionTracker("dada", "eco", "kids")
    tracker.log_pipeline_start(input_text="Eine Blume", metadata={})
    ...
    tracker.finalize()
"""

from .backend_call import BackendCall
from .models import ExecutionItem, ExecutionRecord, ItemType, MediaType
from .options import TrackerOptions
from .storage import (
    delete_execution_record,
    get_storage_stats,
    list_execution_records,
    load_execution_record,
    save_execution_record,
)
from .tracker import ExecutionTracker, new_execution_id
from .tracing import configure, create_tracer_provider
from .version import __version__

__all__ = [
    "BackendCall",
    "ExecutionItem",
    "ExecutionRecord",
    "ExecutionTracker",
    "ItemType",
    "MediaType",
    "TrackerOptions",
    "__version__",
    "configure",
    "create_tracer_provider",
    "delete_execution_record",
    "get_storage_stats",
    "list_execution_records",
    "load_execution_record",
    "new_execution_id",
    "save_execution_record",
]
