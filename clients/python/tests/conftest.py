import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from collections.abc import Iterator  # noqa: E402

import pytest  # noqa: E402

from record_service import RecordService, running_record_service  # noqa: E402


@pytest.fixture(scope="session")
def record_service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RecordService]:
    """The record service, started once for the integration tests."""
    with running_record_service(tmp_path_factory.mktemp("record-service")) as service:
        yield service
