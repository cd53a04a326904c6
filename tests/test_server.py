"""The HTTP API, served for real by uvicorn on a free loopback port and called over HTTP."""
from __future__ import annotations

import sys
from pathlib import Path

import httpx
import pytest

sys.path.insert(0, str(Path(__file__).parent))
from browser_support import running_server  # noqa: E402

from synthetic.generate import read_sources  # noqa: E402

DATA = Path(__file__).parent / "data"
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def url(tmp_path_factory):
    with running_server(tmp_path_factory.mktemp("srv") / "archive.db") as base:
        yield base


@pytest.fixture(scope="module")
def client(url):
    with httpx.Client(base_url=url, timeout=120) as c:
        yield c


def test_health_and_openapi(client):
    assert client.get("/health").json()["status"] == "ok"
    spec = client.get("/openapi.json").json()
    assert {"/compare", "/documents", "/query", "/health"} <= set(spec["paths"])
    assert "multipart/form-data" in spec["paths"]["/compare"]["post"]["requestBody"]["content"]
    assert client.get("/docs").status_code == 200


def test_compare_seeds_json(client, seeds):
    a, b = seeds
    r = client.post("/compare", json={"a": a, "b": b, "a_id": "000", "b_id": "003"})
    assert r.status_code == 200, r.text
    d = r.json()
    assert d["a"] == {"id": "000", "length": len(a)} and d["b"]["id"] == "003"
    assert d["verdict"]["label"] in {"wholly", "partially"}
    kinds = {p["kind"] for p in d["passages"]}
    assert "verbatim" in kinds
    for p in d["passages"]:  # offsets index the texts as sent
        assert 0 <= p["a"][0] < p["a"][1] <= len(a) and 0 <= p["b"][0] < p["b"][1] <= len(b)
    assert "texts" not in d


def test_compare_uploads_return_texts(client, seed_paths):
    files = {side: (p.name, p.read_bytes(), "text/plain") for side, p in zip("ab", seed_paths)}
    r = client.post("/compare?include_text=true", files=files)
    assert r.status_code == 200, r.text
    d = r.json()
    assert d["a"]["id"] == "000" and d["texts"]["b"] == seed_paths[1].read_text(encoding="utf-8")
    verbatim = [p for p in d["passages"] if p["kind"] == "verbatim"]
    s = verbatim[0]
    assert d["texts"]["a"][s["a"][0]:s["a"][1]].split()[-1] == d["texts"]["b"][s["b"][0]:s["b"][1]].split()[-1]


@pytest.mark.parametrize(
    "kwargs, status, words",
    [
        ({"content": b"", "headers": {"content-type": "application/json"}}, 400, "empty"),
        ({"content": b"{not json", "headers": {"content-type": "application/json"}}, 422, "json"),
        ({"json": {"a": 5, "b": "text"}}, 422, "a: input should be a valid string"),
        ({"json": {"a": "only one"}}, 422, "b: field required"),
        ({"json": {"a": "some words", "b": "more words", "paraphrase": 0}}, 422, "paraphrase"),
        ({"json": {"a": "some words", "b": "more", "a_meta": {"published_at": 0}}}, 422, "published_at"),
        ({"json": {"a": "   ", "b": "some words here"}}, 400, "empty"),
        ({"json": {"a": "x" * 500_001, "b": "words"}}, 413, "at most 500000"),
        ({"content": b"a=1", "headers": {"content-type": "text/plain"}}, 415, "application/json"),
        ({"files": {"a": ("a.txt", b"\x00\x01\x02binary")}}, 400, "missing"),
        ({"files": {"a": ("a.bin", b"\x00\x01\x02" * 50), "b": ("b.txt", b"fine words")}}, 400, "binary"),
    ],
)
def test_bad_compare_requests_get_a_4xx_and_a_message(client, kwargs, status, words):
    r = client.post("/compare", **kwargs)
    assert r.status_code == status, r.text
    detail = r.json()["detail"]
    assert isinstance(detail, str) and words in detail.lower()


def test_body_over_the_limit_is_refused(client):
    r = client.post("/compare", content=b"x" * 10_000_001, headers={"content-type": "application/json"})
    assert r.status_code == 413 and "too large" in r.json()["detail"]


def test_documents_add_get_and_query(client, seeds):
    a, b = seeds
    bbc = read_sources(DATA / "bbc-sample.jsonl.gz")[:40]
    docs = [{k: r[k] for k in ("id", "text", "title", "outlet")} for r in bbc]
    docs.append({"id": "seed-000", "text": a, "outlet": "Fox News", "published_at": "2023-03-24T10:00:00Z"})
    r = client.post("/documents", json={"documents": docs})
    assert r.status_code == 201, r.text
    assert r.json()["added"] == 41
    again = client.post("/documents", json={"id": "seed-000", "text": a}).json()
    assert (again["added"], again["skipped"]) == (0, 1)
    got = client.get("/documents/seed-000").json()
    assert got["text"] == a and got["outlet"] == "Fox News" and got["published_at"].startswith("2023-03-24")
    assert client.get("/health").json()["documents"] == 41

    r = client.post("/query", json={"text": b, "limit": 5})
    assert r.status_code == 200, r.text
    matches = r.json()["matches"]
    assert matches and matches[0]["id"] == "seed-000"
    assert matches[0]["text"] == a and matches[0]["comparison"]["verdict"]["label"] != "non"
    assert len(matches) <= 5


def test_clusters_list_the_archive_groups(client, seeds):
    import random

    from synthetic.generate import near_copy

    copy = near_copy(seeds[0], random.Random(2), "Metro Wire")
    client.post("/documents", json={"id": "seed-000", "text": seeds[0], "outlet": "Fox News",
                                    "published_at": "2023-03-24T10:00:00Z"})  # a no-op after the test above
    r = client.post("/documents", json={"id": "seed-000-copy", "text": copy, "outlet": "Metro Wire",
                                        "published_at": "2023-03-25T08:00:00Z"})
    assert r.status_code == 201, r.text
    got = client.get("/clusters", params={"limit": 10})
    assert got.status_code == 200, got.text
    body = got.json()
    assert body["total"] >= 1 and len(body["clusters"]) <= 10
    ours = [c for c in body["clusters"] if "seed-000-copy" in [m["id"] for m in c["members"]]]
    assert ours and ours[0]["root"] == "seed-000"  # published a day earlier
    assert {m["id"] for m in ours[0]["members"]} >= {"seed-000", "seed-000-copy"}
    assert all(set(m) >= {"id", "title", "outlet", "published_at"} for m in ours[0]["members"])
    assert client.get("/clusters", params={"limit": 0}).status_code == 422


def test_document_errors(client):
    r = client.get("/documents/no-such-article")
    assert r.status_code == 404 and "no-such-article" in r.json()["detail"]
    r = client.post("/documents", json={"documents": []})
    assert r.status_code == 422 and "documents" in r.json()["detail"]
    r = client.post("/documents", json={"text": "words", "published_at": "not a date"})
    assert r.status_code == 422 and "published_at" in r.json()["detail"]
    r = client.post("/documents", json={"text": "words", "published_at": 1700000000})  # a number: which epoch?
    assert r.status_code == 422 and "published_at" in r.json()["detail"]
    r = client.post("/query", json={"text": "words", "paraphrase": "yes"})
    assert r.status_code == 422 and "paraphrase" in r.json()["detail"]
    r = client.post("/query", json={"text": "words", "limit": 0})
    assert r.status_code == 422 and "limit" in r.json()["detail"]


def test_static_files_stay_inside_their_folder(client):
    assert client.get("/").status_code == 200 and "copytrace" in client.get("/").text
    assert client.get("/static/render.js").status_code == 200
    for path in ("/static/../app.py", "/static/%2e%2e/app.py", "/static/..%2fapp.py", "/static/%2e%2e/%2e%2e/index.py"):
        r = client.get(path)
        assert r.status_code == 404, path
        assert "create_app" not in r.text


def test_no_archive_means_503(tmp_path):
    with running_server(None) as base:
        r = httpx.post(base + "/query", json={"text": "some words"}, timeout=60)
        assert r.status_code == 503 and "--db" in r.json()["detail"]


def test_model_loads_at_start_up_once(monkeypatch, seeds):
    from copytrace import embed

    monkeypatch.setattr(embed, "_encoders", {})
    with running_server(None) as base:
        loaded = dict(embed._encoders)
        assert embed.DEFAULT_MODEL in loaded, "the sentence model is loaded before the first request"
        for _ in range(3):
            r = httpx.post(base + "/compare", json={"a": seeds[0], "b": seeds[1]}, timeout=120)
            assert r.status_code == 200
        assert embed._encoders[embed.DEFAULT_MODEL] is loaded[embed.DEFAULT_MODEL]


def test_concurrent_requests_all_succeed(client, seeds):
    """Eight clients at once, each pair different (no cache hit hides a race in the models)."""
    import random
    from concurrent.futures import ThreadPoolExecutor

    from synthetic.generate import near_copy, rewrite

    rng = random.Random(4)
    bodies = []
    for i in range(16):
        source = seeds[i % 2]
        copy = (rewrite if i % 3 else near_copy)(source, rng, "Metro Wire")
        bodies.append({"a": source, "b": copy})

    def post(body):
        r = client.post("/compare", json=body)
        return r.status_code, r.json()

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(post, bodies))
    assert [s for s, _ in results] == [200] * len(bodies), [d.get("detail") for s, d in results if s != 200]
    assert all(d["verdict"]["label"] != "non" for _, d in results)
