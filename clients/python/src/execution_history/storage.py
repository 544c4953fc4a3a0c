"""The earlier `execution_history.storage` functions, served by the record service.

Same names, parameters and return shapes as before, so the earlier export routes keep working;
records are read (and deleted) through the record service's HTTP API (`EXECUTION_HISTORY_URL`,
`EXECUTION_HISTORY_TOKEN`) instead of a local directory. Failures are logged and answered as the
earlier functions answered them (None, [], False, stats with `error`); only `save` raises.
"""

from __future__ import annotations

import logging
from typing import Any

from .models import ExecutionRecord
from .record_service import RecordServiceClient, RecordServiceError
from .record_to_spans import send_record

logger = logging.getLogger(__name__)

#: Most records the service returns per list request.
_PAGE = 100


def _client(client: RecordServiceClient | None) -> RecordServiceClient:
    return client or RecordServiceClient.from_env()


def save_execution_record(
    record: ExecutionRecord, client: RecordServiceClient | None = None
) -> None:
    """Sends `record` to the record service (as spans to `/v1/traces`); raises on failure."""
    send_record(record, _client(client))
    logger.info("[STORAGE] Saved execution record: %s", record.execution_id)


def load_execution_record(
    execution_id: str, client: RecordServiceClient | None = None
) -> ExecutionRecord | None:
    """The record, or None when it is not found or cannot be read."""
    try:
        data = _client(client).get_record(execution_id)
        return ExecutionRecord.from_dict(data) if data is not None else None
    except (RecordServiceError, ValueError, TypeError) as error:
        logger.error("[STORAGE] Failed to load execution record %s: %s", execution_id, error)
        return None


def list_execution_records(
    limit: int = 100, offset: int = 0, client: RecordServiceClient | None = None
) -> list[str]:
    """Execution ids, newest first (pages through the service past its page size)."""
    c = _client(client)
    ids: list[str] = []
    try:
        while len(ids) < limit:
            want = min(_PAGE, limit - len(ids))
            page = c.list_page(want, offset + len(ids))
            got = [str(r["execution_id"]) for r in page.get("executions", [])]
            ids.extend(got)
            if len(got) < want:
                break
    except (RecordServiceError, KeyError, TypeError) as error:
        logger.error("[STORAGE] Failed to list execution records: %s", error)
        return []
    return ids


def delete_execution_record(execution_id: str, client: RecordServiceClient | None = None) -> bool:
    """True when the record was deleted, False when it was not found or could not be."""
    try:
        return _client(client).delete(execution_id)
    except RecordServiceError as error:
        logger.error("[STORAGE] Failed to delete execution record %s: %s", execution_id, error)
        return False


def get_storage_stats(client: RecordServiceClient | None = None) -> dict[str, Any]:
    """`total_records`, `total_size_bytes`, `total_size_mb`, `storage_dir` (the service's URL)."""
    c = _client(client)
    try:
        s = c.stats()
        size = int(s.get("bytes", 0))
        return {
            "total_records": int(s.get("records", 0)),
            "total_size_bytes": size,
            "total_size_mb": round(size / 1024 / 1024, 2),
            "storage_dir": c.base_url,
        }
    except (RecordServiceError, ValueError, TypeError) as error:
        logger.error("[STORAGE] Failed to get storage stats: %s", error)
        return {
            "total_records": 0,
            "total_size_bytes": 0,
            "total_size_mb": 0.0,
            "storage_dir": c.base_url,
            "error": str(error),
        }
