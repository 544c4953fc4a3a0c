"""Starts the record service (`node --import tsx src/main.ts`, PIPELINE=off) for the integration
tests: a free port, a temporary records directory, a token; stopped when the tests end."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.trace import TracerProvider

from execution_history import TrackerOptions, create_tracer_provider
from execution_history.item_codec import ContentPolicy
from execution_history.record_service import RecordServiceClient

REPO = Path(__file__).resolve().parents[3]
TOKEN = "python-client-test-token-0123456789"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class RecordService:
    url: str
    token: str
    process: subprocess.Popen[bytes]
    log: Path

    @property
    def client(self) -> RecordServiceClient:
        return RecordServiceClient(self.url, self.token)

    def env(self) -> dict[str, str]:
        return {"EXECUTION_HISTORY_URL": self.url, "EXECUTION_HISTORY_TOKEN": self.token}

    def provider(self) -> TracerProvider:
        """A provider exporting over OTLP/HTTP to this service, as an app would configure it."""
        exporter = OTLPSpanExporter(endpoint=f"{self.url}/v1/traces",
                                    headers={"authorization": f"Bearer {self.token}"})
        provider = create_tracer_provider(env={}, exporter=exporter)
        assert isinstance(provider, TracerProvider)
        return provider

    def options(self, provider: TracerProvider, policy: ContentPolicy = "full") -> TrackerOptions:
        return TrackerOptions(tracer_provider=provider, content_policy=policy,
                              finalize_wait_seconds=10)

    def record(self, execution_id: str) -> dict[str, Any]:
        req = urllib.request.Request(f"{self.url}/api/executions/{execution_id}",
                                     headers={"authorization": f"Bearer {self.token}"})
        with urllib.request.urlopen(req, timeout=10) as res:
            body: dict[str, Any] = json.loads(res.read())
            return body


@contextmanager
def running_record_service(tmp: Path) -> Iterator[RecordService]:
    node = shutil.which("node")
    if node is None or not (REPO / "node_modules" / "tsx").exists():
        raise RuntimeError("node and the repository's node_modules (tsx) are needed")
    port = free_port()
    log = tmp / "record-service.log"
    env = {
        **os.environ,
        "PORT": str(port),
        "HOST": "127.0.0.1",
        "EXECUTIONS_DIR": str(tmp / "executions"),
        "MEDIA_DIR": str(tmp / "media"),
        "PIPELINE": "off",
        "API_TOKEN": TOKEN,
        "OTEL_TRACES_EXPORTER": "none",
        "RECORD_FSYNC": "false",
        "LOG_LEVEL": "warn",
    }
    with open(log, "wb") as out:
        process = subprocess.Popen([node, "--import", "tsx", "src/main.ts"], cwd=REPO, env=env,
                                   stdout=out, stderr=subprocess.STDOUT)
    service = RecordService(f"http://127.0.0.1:{port}", TOKEN, process, log)
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"the record service exited: {log.read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(f"{service.url}/health", timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("the record service did not start within 60 s") from None
                time.sleep(0.2)
        yield service
    finally:
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
