"""Schemathesis against the server's own OpenAPI (issue #13): generated requests to every
operation get answers the schema documents (status, body, content type) and never a 5xx.

Bounded for CI: a few examples per operation, no deadline (a comparison may load the model).
Two checks are left out. "Schema-valid data is accepted": the server refuses on purpose what
the schema cannot say (a binary upload, an empty text, a text over MAX_CHARS) with a documented
4xx and a one-line reason. "Schema-violating data is rejected": FastAPI's models coerce as
pydantic does by default (``"paraphrase": 0`` is false, a number of seconds is a time), which
clients may rely on and which does no harm.
"""
import tempfile
from pathlib import Path

import pytest

schemathesis = pytest.importorskip("schemathesis")
from hypothesis import HealthCheck, settings  # noqa: E402

from schemathesis.checks import not_a_server_error  # noqa: E402
from schemathesis.specs.openapi.checks import (  # noqa: E402
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from copytrace.server import app as server_app  # noqa: E402

EXAMPLES = 8  # per operation

_DB = Path(tempfile.mkdtemp(prefix="copytrace-openapi-")) / "archive.db"
schema = schemathesis.openapi.from_asgi("/openapi.json", server_app.create_app(_DB, warm=False))


@pytest.mark.slow
@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_every_operation_answers_as_documented(case):
    case.call_and_validate(checks=[not_a_server_error, status_code_conformance, content_type_conformance,
                                   response_schema_conformance, response_headers_conformance])
