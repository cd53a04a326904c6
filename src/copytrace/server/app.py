"""The HTTP API and the web page: FastAPI under uvicorn.

>>> from copytrace.server.app import serve
>>> serve("archive.db", port=8000)                 # doctest: +SKIP

or, from the shell, ``copytrace serve --db archive.db``. Then::

    curl -s localhost:8000/compare -H 'content-type: application/json' \\
         -d '{"a": "text of the first article", "b": "text of the second"}'
    curl -s localhost:8000/compare -F a=@000.txt -F b=@003.txt     # uploads
    curl -s localhost:8000/query -H 'content-type: application/json' -d '{"text": "…"}'

OpenAPI at ``/docs``; the page at ``/``. Every error is JSON ``{"detail": "…"}``
with a 4xx status: 400 bad input, 404 unknown document, 413 too large, 415 wrong
content type, 422 wrong types, 503 no archive configured.
"""
from __future__ import annotations

import json
import logging
import os
import threading
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

from fastapi import FastAPI, HTTPException, Query, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StrictBool, TypeAdapter, ValidationError
from starlette.concurrency import run_in_threadpool

from .. import __version__
from ..document import MAX_CHARS, Document, check_text, load_bytes
from ..errors import InputError
from .story import StoryMap

log = logging.getLogger("copytrace.server")
STATIC = Path(__file__).parent / "static"
MAX_TEXT = MAX_CHARS  # characters in one article, as everywhere (copytrace.document.MAX_CHARS)
MAX_BODY = 10_000_000  # bytes in one request: two articles plus metadata and encoding overhead
MAX_BATCH = 1_000  # documents in one POST /documents

Text = Annotated[str, Field(min_length=1, max_length=MAX_TEXT)]
Id = Annotated[str, Field(min_length=1, max_length=500)]


def _not_a_number(value: Any) -> Any:
    # A bare number could be seconds or milliseconds since any epoch: ask for ISO 8601 instead.
    if isinstance(value, (int, float)):
        raise ValueError("a date and time in ISO 8601 (2024-05-01T09:30:00Z), not a number")
    return value


class DocumentIn(BaseModel):
    """An article with optional metadata."""

    model_config = ConfigDict(extra="forbid")
    text: Text
    id: Id | None = None
    title: str | None = Field(None, max_length=2_000)
    outlet: str | None = Field(None, max_length=500)
    url: str | None = Field(None, max_length=4_000)
    published_at: Annotated[datetime, BeforeValidator(_not_a_number)] | None = None

    def document(self, source: str) -> Document:
        check_text(self.text, self.id or source)
        return Document(self.text, id=self.id or "", title=self.title, outlet=self.outlet,
                        url=self.url, published_at=self.published_at)


class CompareIn(BaseModel):
    """Two articles: ``a`` and ``b`` as text, with optional ids and metadata."""

    model_config = ConfigDict(extra="forbid")
    a: Text
    b: Text
    a_id: Id | None = None
    b_id: Id | None = None
    a_meta: dict[str, Any] | None = Field(None, description="title, outlet, url, published_at of a")
    b_meta: dict[str, Any] | None = None
    paraphrase: StrictBool = True  # 0 or "yes" is not an answer: 422, not a guess


class QueryIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: Text
    id: Id | None = None
    limit: int = Field(10, ge=1, le=50)
    paraphrase: StrictBool = True  # 0 or "yes" is not an answer: 422, not a guess


class DocumentsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    documents: list[DocumentIn] = Field(min_length=1, max_length=MAX_BATCH)


_meta = TypeAdapter(DocumentIn)

# A few requests run through the pipeline at once, so one long comparison (a
# 500k-character text takes tens of seconds) does not stall every short one behind
# it. The models guard their own tokenizers (embed.Encoder, static.StaticEncoder)
# and the archive its database (Index), so workers share them safely.
PIPELINE_WORKERS = max(2, min(4, os.cpu_count() or 2))
_pipeline = threading.BoundedSemaphore(PIPELINE_WORKERS)


def _one_at_a_time(fn):
    """``fn`` in one of the pipeline's worker slots; a bug inside it becomes a JSON 500
    without the exception's text (that goes to the server log), not a dropped connection."""

    def locked(*args, **kwargs):
        with _pipeline:
            try:
                return fn(*args, **kwargs)
            except (InputError, HTTPException):
                raise
            except Exception:
                # Re-raised past the app, uvicorn would close the connection; answer instead.
                log.exception("pipeline failed")
                raise HTTPException(500, INTERNAL_ERROR) from None

    return locked


# What a client learns of a bug: that it happened. The exception text can hold
# paths, article text or internals; the traceback goes to the server log.
INTERNAL_ERROR = "internal error (logged on the server)"


class ErrorOut(BaseModel):
    """Every error answer: one readable line, and for 422 the list of problems."""

    detail: str
    errors: list[dict[str, Any]] | None = Field(None, description="422 only: each problem with its location")


_ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorOut, "description": what}
    for status, what in {
        400: "Bad input (not an article: empty, binary, undecodable)",
        404: "No such document",
        413: "Text or request body over the size limit",
        415: "Content type is neither application/json nor multipart/form-data",
        422: "Wrong field types or values",
        500: "Internal error",
        503: "No archive configured",
    }.items()
}


def create_app(db: str | Path | None = None, *, model: str | None = None, warm: bool = True,
               verdict_model: str | Path | None = None) -> FastAPI:
    """The app; ``db`` is the archive's SQLite file (None: compare only).

    ``verdict_model`` is a model file from ``copytrace fit`` (default: the shipped one).

    ``warm`` loads the sentence model at start-up so no request pays for it.
    """
    from ..verdict import get_model

    judge_model = get_model(verdict_model)  # a bad file fails at start-up, not per request

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        if db is not None:
            from ..index import Index

            app.state.index = Index(db, model=model, verdict_model=judge_model)
        if warm:
            await run_in_threadpool(_warm_up, app.state.index, model)
        try:
            yield
        finally:
            if app.state.index is not None:
                app.state.index.close()

    app = FastAPI(
        title="copytrace",
        version=__version__,
        summary="How a news story travelled: reused passages, paraphrases, changed facts, credits.",
        lifespan=lifespan,
        responses=_ERROR_RESPONSES,  # documented on every operation; replaces FastAPI's 422 schema
    )
    app.state.index = None
    app.state.model = model
    app.state.verdict_model = judge_model
    app.state.clusters = None  # (archive size, clusters) of the last /clusters call
    app.state.compared = {}  # story-map comparisons: (a, b, hash a, hash b) -> Comparison
    app.add_middleware(BodyLimit, limit=MAX_BODY)
    _errors(app)
    _routes(app)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    return app


def _warm_up(index, model: str | None) -> None:
    """Load the models once, at start-up, so that no request pays for them."""
    from .. import compare

    text = "The council approved the new budget on Monday, officials said."
    compare(text, text.replace("Monday", "Tuesday"), model=model)
    from ..weights import DEFAULT_MODEL

    if model in (None, DEFAULT_MODEL):  # a comparison may ask the cross-encoder about a paraphrase
        from ..align.cross_encoder import get_cross_encoder

        get_cross_encoder()
    if index is not None:
        index.candidates(text)  # the static document model and the vector index


def _routes(app: FastAPI) -> None:
    @app.get("/", include_in_schema=False)
    def page() -> FileResponse:
        return FileResponse(STATIC / "index.html")

    @app.get("/health")
    def health() -> dict[str, Any]:
        index = app.state.index
        return {"status": "ok", "archive": index is not None, "documents": len(index) if index is not None else None}

    @app.post(
        "/compare",
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {"schema": CompareIn.model_json_schema()},
                    "multipart/form-data": {
                        "schema": {
                            "type": "object",
                            "required": ["a", "b"],
                            "properties": {
                                "a": {"type": "string", "format": "binary"},
                                "b": {"type": "string", "format": "binary"},
                            },
                        }
                    },
                },
            }
        },
    )
    async def compare_endpoint(request: Request, include_text: bool = False) -> JSONResponse:
        """Compare two articles → the comparison JSON (README: "The JSON of one comparison").

        Send JSON ``{"a": text, "b": text}`` or a multipart form with files ``a`` and
        ``b`` (.txt or .html; encodings detected, HTML reduced to its article text).
        ``include_text=true`` adds ``texts`` — the texts the offsets index.
        """
        a, b, paraphrase = await _compare_input(request)
        from .. import compare

        result = await run_in_threadpool(_one_at_a_time(compare), a, b, paraphrase=paraphrase, model=app.state.model,
                                         verdict_model=app.state.verdict_model)
        out = result.to_dict()
        if include_text:
            out["texts"] = {"a": result.a.text, "b": result.b.text}
        return JSONResponse(out)  # already plain JSON types: skip FastAPI's re-encoding

    @app.post("/documents", status_code=201)
    async def add_documents(body: DocumentsIn | DocumentIn) -> dict[str, Any]:
        """Add one article (an object) or many (``{"documents": [...]}``) to the archive."""
        index = _index(app)
        items = body.documents if isinstance(body, DocumentsIn) else [body]
        docs = [d.document(f"documents[{i}]") for i, d in enumerate(items)]
        result = await run_in_threadpool(_one_at_a_time(index.add), docs)
        return {"added": result.added, "skipped": result.skipped, "ids": [d.id for d in docs]}

    @app.get("/documents/{doc_id:path}")
    def get_document(doc_id: str) -> dict[str, Any]:
        doc = _index(app).get(doc_id)
        if doc is None:
            raise HTTPException(404, f"no document with id {doc_id!r}")
        return _document_json(doc)

    @app.get("/clusters")
    async def clusters(limit: int = Query(50, ge=1, le=500), offset: int = Query(0, ge=0)) -> dict[str, Any]:
        """The archive's clusters of near copies, largest first (see :meth:`copytrace.Index.clusters`).

        Computed when the archive has changed since the last call, then kept.
        """
        index = _index(app)
        found = await _archive_clusters(app)
        # Every archive read is SQLite I/O: in a worker thread, never on the event loop.
        return await run_in_threadpool(_clusters_page, index, found, limit, offset)

    @app.get("/clusters/{cluster_id}", response_model=StoryMap)
    async def cluster_map(cluster_id: int, bundle: bool | None = None,
                          expand: list[str] = Query([], description="bundle ids to draw article by article")):
        """One cluster as a story map: its articles (nodes in outlet lanes, left to right in
        publication order) and who took it from whom (edges source → copy), laid out for drawing.

        ``bundle`` bundles near-identical copies (default: in clusters of over 40 articles).
        """
        from .story import cluster_story

        index = _index(app)
        found = await _archive_clusters(app)
        if not 0 <= cluster_id < len(found):
            raise HTTPException(404, f"no cluster {cluster_id} (the archive has {len(found)})")
        if len(app.state.compared) > 20_000:  # a cache, not an archive: start again
            app.state.compared.clear()
        story = _one_at_a_time(cluster_story)
        return await run_in_threadpool(story, index, found[cluster_id], compared=app.state.compared, bundle=bundle,
                                       expand=expand, model=app.state.model, verdict_model=app.state.verdict_model)

    @app.post("/query")
    async def query(body: QueryIn) -> JSONResponse:
        """The archived articles this text reuses or that reuse it, best first, each with its comparison."""
        index = _index(app)
        doc = DocumentIn(text=body.text, id=body.id).document("text")
        matches = await run_in_threadpool(_one_at_a_time(index.query), doc, body.limit, paraphrase=body.paraphrase)
        return JSONResponse({
            "query": {"id": doc.id, "length": len(doc.text)},
            "matches": [{**m.to_dict(), "text": m.document.text} for m in matches],
        })


async def _archive_clusters(app: FastAPI) -> list[dict[str, Any]]:
    """The archive's clusters, computed again only when the archive has changed in size."""
    index = _index(app)
    size = await run_in_threadpool(len, index)
    cached = app.state.clusters
    if cached is None or cached[0] != size:
        cached = app.state.clusters = (size, await run_in_threadpool(_one_at_a_time(index.clusters)))
    return cached[1]


def _clusters_page(index, found: list[dict[str, Any]], limit: int, offset: int) -> dict[str, Any]:
    """One page of /clusters with each member described (blocking: run it in a worker thread)."""
    page = []
    for c in found[offset : offset + limit]:
        docs = {m: index.get(m) for m in c["members"]}
        page.append({**c, "members": [docs[m].describe() for m in c["members"]]})
    return {"total": len(found), "offset": offset, "clusters": page}


async def _compare_input(request: Request) -> tuple[Document, Document, bool]:
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind == "application/json":
        raw = await request.body()
        if not raw.strip():
            raise HTTPException(400, "request body is empty: send {\"a\": text, \"b\": text}")
        try:
            body = CompareIn.model_validate_json(raw)
        except ValidationError as exc:
            raise RequestValidationError(exc.errors()) from None
        return _with_meta(body.a, body.a_id, body.a_meta, "a"), _with_meta(body.b, body.b_id, body.b_meta, "b"), body.paraphrase
    if kind == "multipart/form-data":
        form = await request.form()
        missing = [side for side in ("a", "b") if form.get(side) is None]
        if missing:
            raise HTTPException(400, f"form field {missing[0]!r} is missing: upload two files, a and b")
        docs = []
        for side in ("a", "b"):
            part = form[side]
            if isinstance(part, str):
                docs.append(_with_meta(part, None, None, side))
            else:
                docs.append(_upload(await part.read(), part.filename or side, side))
        return docs[0], docs[1], str(form.get("paraphrase", "true")).lower() != "false"
    raise HTTPException(415, "send application/json or multipart/form-data")


def _with_meta(text: str, doc_id: str | None, meta: dict[str, Any] | None, side: str) -> Document:
    if len(text) > MAX_TEXT:
        raise HTTPException(413, f"{side}: text is too long ({len(text):,} characters; the limit is {MAX_TEXT:,})")
    fields = dict(meta or {})
    try:
        return _meta.validate_python({**fields, "text": text, "id": doc_id or fields.get("id")}).document(side)
    except ValidationError as exc:
        raise RequestValidationError([{**e, "loc": (f"{side}_meta", *e["loc"])} for e in exc.errors()]) from None


def _upload(data: bytes, filename: str, side: str) -> Document:
    if len(data) > MAX_TEXT * 4:  # 4 bytes a character at most in UTF-8
        raise HTTPException(413, f"{filename}: file is too large ({len(data):,} bytes)")
    doc = load_bytes(data, filename, id=Path(filename).stem or side)
    if len(doc.text) > MAX_TEXT:
        raise HTTPException(413, f"{filename}: text is too long ({len(doc.text):,} characters; the limit is {MAX_TEXT:,})")
    return doc


def _index(app: FastAPI):
    if app.state.index is None:
        raise HTTPException(503, "no archive: start the server with --db FILE")
    return app.state.index


def _document_json(doc: Document) -> dict[str, Any]:
    return {
        **doc.describe(),
        "length": len(doc.text),
        "text": doc.text,
        "meta": jsonable_encoder(doc.meta),
    }


def _errors(app: FastAPI) -> None:
    @app.exception_handler(InputError)
    async def input_error(request: Request, exc: InputError) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=400)

    @app.exception_handler(Exception)
    async def internal(request: Request, exc: Exception) -> JSONResponse:
        # Still JSON with a message; the traceback goes to the server log, not to the client.
        log.error("request failed: %s %s", request.method, request.url.path, exc_info=exc)
        return JSONResponse({"detail": INTERNAL_ERROR}, status_code=500)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        # One readable line first, the full list for programs after it.
        errors = jsonable_encoder(exc.errors(), exclude={"input", "ctx", "url"})
        lines = []
        for e in errors:
            where = ".".join(str(x) for x in e.get("loc", ()) if x != "body") or "body"
            lines.append(f"{where}: {e.get('msg', 'invalid')}")
        # A text over the size limit is "too large" (413), not merely malformed.
        status = 413 if any(e.get("type") in {"string_too_long", "too_long"} for e in errors) else 422
        return JSONResponse({"detail": "; ".join(lines) or "invalid request", "errors": errors}, status_code=status)


class BodyLimit:
    """Refuse a request body over ``limit`` bytes with 413, even when it is streamed."""

    def __init__(self, app, limit: int):
        self.app, self.limit = app, limit

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        declared = dict(scope.get("headers") or {}).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            return await _too_large(send, self.limit)
        seen = 0

        async def counted():
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise _TooLarge(413, f"request body is too large (the limit is {self.limit:,} bytes)")
            return message

        try:
            await self.app(scope, counted, send)
        except _TooLarge:
            await _too_large(send, self.limit)


class _TooLarge(HTTPException):
    """An HTTPException, so FastAPI's body parsing passes it through as a 413."""


async def _too_large(send, limit: int) -> None:
    body = json.dumps({"detail": f"request body is too large (the limit is {limit:,} bytes)"}).encode()
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


def serve(db: str | None = None, host: str = "127.0.0.1", port: int = 8000, *, model: str | None = None,
          verdict_model: str | None = None) -> None:
    """Run the server until Ctrl-C (what ``copytrace serve`` calls)."""
    import uvicorn

    uvicorn.run(create_app(db, model=model, verdict_model=verdict_model), host=host, port=port, log_level="info")
