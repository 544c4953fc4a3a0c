"""A small HTTP client of the record service's executions API (`/api/executions`)."""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

#: Base URL of the record service, e.g. `http://127.0.0.1:17801`.
ENV_URL = "EXECUTION_HISTORY_URL"
#: Its `API_TOKEN`, sent as `Authorization: Bearer <token>`.
ENV_TOKEN = "EXECUTION_HISTORY_TOKEN"
DEFAULT_URL = "http://127.0.0.1:17801"


class RecordServiceError(Exception):
    """The record service answered with an error status, or could not be reached."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class RecordServiceClient:
    """Reads, lists and deletes records through the record service's HTTP API."""

    base_url: str = DEFAULT_URL
    token: str | None = None
    timeout_seconds: float = 10.0

    @staticmethod
    def from_env(env: Mapping[str, str] | None = None) -> RecordServiceClient:
        """URL from `EXECUTION_HISTORY_URL` (default `http://127.0.0.1:17801`), token from
        `EXECUTION_HISTORY_TOKEN`."""
        e = os.environ if env is None else env
        return RecordServiceClient(
            base_url=(e.get(ENV_URL) or DEFAULT_URL).rstrip("/"),
            token=e.get(ENV_TOKEN) or None,
        )

    def headers(self) -> dict[str, str]:
        h = {"accept": "application/json"}
        if self.token:
            h["authorization"] = f"Bearer {self.token}"
        return h

    def request(self, method: str, path: str, query: Mapping[str, Any] | None = None) -> Any:
        """Sends one request; returns the parsed JSON body (None when empty)."""
        url = f"{self.base_url}{path}"
        if query:
            url += "?" + urllib.parse.urlencode(query)
        req = urllib.request.Request(url, method=method, headers=self.headers())
        try:
            with urllib.request.urlopen(req, timeout=self.timeout_seconds) as res:
                body = res.read()
        except urllib.error.HTTPError as error:
            raise RecordServiceError(f"{method} {path}: HTTP {error.code}", error.code) from error
        except (urllib.error.URLError, OSError) as error:
            raise RecordServiceError(f"{method} {path}: {error}") from error
        return json.loads(body) if body else None

    def get_record(self, execution_id: str) -> dict[str, Any] | None:
        """The record as JSON, or None when the service has no such record."""
        try:
            record = self.request("GET", f"/api/executions/{urllib.parse.quote(execution_id)}")
        except RecordServiceError as error:
            if error.status in (400, 404):
                return None
            raise
        return record if isinstance(record, dict) else None

    def list_page(self, limit: int, offset: int) -> dict[str, Any]:
        page = self.request("GET", "/api/executions", {"limit": limit, "offset": offset})
        return page if isinstance(page, dict) else {}

    def delete(self, execution_id: str) -> bool:
        try:
            self.request("DELETE", f"/api/executions/{urllib.parse.quote(execution_id)}")
        except RecordServiceError as error:
            if error.status in (400, 404):
                return False
            raise
        return True

    def stats(self) -> dict[str, Any]:
        stats = self.request("GET", "/api/executions/stats")
        return stats if isinstance(stats, dict) else {}
