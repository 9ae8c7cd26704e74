"""HTTP API: every endpoint with good and bad input, uploads with the CLI's rejection reasons, the token."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from synoptic.ingest import read_paths
from synoptic.pipeline import Pipeline
from synoptic.report.json import span_errors
from synoptic.settings import Settings
from synoptic.web.app import create_app
from test_web_support import load_fixture, store_with

NO_STAGES = Pipeline(())
ARTICLE = (
    "Title: Ferry timetable changes in Veloria\nOutlet: Veloria Courier\nDate: 2026-03-06\nLanguage: en\nText:\n"
    "The ferry between the two banks of Veloria will run every ten minutes while the Harbour Bridge stays closed, "
    "the transport office said on Friday."
)


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> TestClient:
    db = store_with(tmp_path_factory.mktemp("api"), load_fixture())
    return TestClient(create_app(db, pipeline=NO_STAGES))


def ids(body: dict[str, Any]) -> list[str]:
    return [item["id"] for item in body["items"]]


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("/api/v1/stories", ["s1", "s2"]),
        ("/api/v1/stories?language=fr", ["s1", "s2"]),
        ("/api/v1/stories?language=de", ["s1"]),
        ("/api/v1/stories?outlet=Brask%20Gazette", ["s2"]),
        ("/api/v1/stories?q=BRIDGE", ["s1"]),
        ("/api/v1/stories?date_from=2026-03-01&date_to=2026-03-31", ["s1"]),
        ("/api/v1/stories?limit=1&offset=1", ["s2"]),
        ("/api/v1/stories?q=zzz", []),
        ("/api/v1/articles?language=fr", ["a4", "a6"]),
        ("/api/v1/articles?story=s2", ["a5", "a6"]),
        ("/api/v1/articles?story=unknown", []),
        ("/api/v1/articles?q=ferry&language=en", ["a1"]),
        ("/api/v1/entities?type=PERSON", ["e1", "e5"]),
        ("/api/v1/entities?q=hafenbr", ["e3"]),
        ("/api/v1/entities?article=a6", ["e4", "e5", "e6"]),
        ("/api/v1/quotes?group=g1", ["q1", "q2", "q3"]),
        ("/api/v1/quotes?speaker=e5", ["q4", "q5"]),
        ("/api/v1/quotes?story=s2", ["q4", "q5"]),
        ("/api/v1/quotes?article=a1&limit=1", ["q1"]),
        ("/api/v1/quote-groups", ["g1", "g2"]),
        ("/api/v1/quote-groups?language=fr", ["g2"]),
        ("/api/v1/quote-groups?speaker=e1", ["g1"]),
        ("/api/v1/quote-groups?speaker=nobody", []),
    ],
)
def test_web_api_lists_filter_and_page(client: TestClient, url: str, expected: list[str]) -> None:
    response = client.get(url)
    assert response.status_code == 200
    assert ids(response.json()) == expected


def test_web_api_page_reports_total(client: TestClient) -> None:
    body = client.get("/api/v1/articles?limit=2&offset=1").json()
    assert (body["total"], body["offset"], body["limit"], len(body["items"])) == (6, 1, 2, 2)


@pytest.mark.parametrize(
    ("url", "key"),
    [
        ("/api/v1/stories/s1", "stories"),
        ("/api/v1/articles/a3", "articles"),
        ("/api/v1/entities/e3", "entities"),
        ("/api/v1/quote-groups/g2", "quote_groups"),
    ],
)
def test_web_api_single_objects_are_contract_objects(client: TestClient, url: str, key: str) -> None:
    ident = url.rsplit("/", 1)[1]
    expected = next(o for o in load_fixture()[key] if o["id"] == ident)
    assert client.get(url).json() == expected


@pytest.mark.parametrize(
    "url", ["/api/v1/stories/x", "/api/v1/articles/x", "/api/v1/entities/x", "/api/v1/quote-groups/x"]
)
def test_web_api_unknown_id_is_404(client: TestClient, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 404
    assert "'x'" in response.json()["detail"]


@pytest.mark.parametrize(
    "url",
    ["/api/v1/stories?limit=0", "/api/v1/stories?limit=100000", "/api/v1/articles?offset=-1", "/api/v1/quotes?limit=x"],
)
def test_web_api_bad_paging_is_422(client: TestClient, url: str) -> None:
    assert client.get(url).status_code == 422


def test_web_api_openapi_document_lists_every_endpoint(client: TestClient) -> None:
    doc = client.get("/api/v1/openapi.json").json()
    assert set(doc["paths"]) == {
        "/api/v1/stories",
        "/api/v1/stories/{story_id}",
        "/api/v1/articles",
        "/api/v1/articles/{article_id}",
        "/api/v1/entities",
        "/api/v1/entities/{entity_id}",
        "/api/v1/quotes",
        "/api/v1/quote-groups",
        "/api/v1/quote-groups/{group_id}",
        "/api/v1/changes",
        "/api/v1/sources",
        "/api/v1/jobs/{job_id}",
    }
    assert set(doc["paths"]["/api/v1/articles"]) == {"get", "post"}
    assert "text/html" in doc["paths"]["/api/v1/articles"]["post"]["requestBody"]["content"]


# ---------------------------------------------------------------------------------------------
# Upload


def cli_reason(tmp_path: Path, name: str, data: bytes, settings: Settings) -> str:
    """The rejection reason the CLI gives for the same bytes in a file."""
    path = tmp_path / name
    path.write_bytes(data)
    return read_paths([path], settings).rejected[0].reason


SMALL = Settings(max_file_bytes=2_000)
BAD_UPLOADS = [
    ("empty", "text/plain", b"", "upload.txt", 400),
    ("white space", "text/plain", b"  \n\t ", "upload.txt", 400),
    ("binary", "application/octet-stream", bytes(range(256)) * 4, "upload", 422),
    ("malformed JSON", "application/json", b'{"maintext": "unterminated', "upload.json", 422),
    ("JSON without text", "application/json", b'{"title": "no body"}', "upload.json", 422),
    ("too short", "text/plain", b"Two words.", "upload.txt", 422),
    ("HTML without text", "text/html", b"<html><body><nav>menu</nav></body></html>", "upload.html", 422),
]


@pytest.mark.parametrize(("label", "media", "data", "name", "status"), BAD_UPLOADS, ids=[b[0] for b in BAD_UPLOADS])
def test_web_api_bad_upload_gives_cli_reason(
    tmp_path: Path, label: str, media: str, data: bytes, name: str, status: int
) -> None:
    client = TestClient(create_app(store_with(tmp_path, load_fixture()), settings=SMALL, pipeline=NO_STAGES))
    response = client.post("/api/v1/articles?wait=60", content=data, headers={"content-type": media})
    assert response.status_code == status, label
    body = response.json()
    reason = cli_reason(tmp_path, name, data, SMALL)
    assert body["rejected"][0]["reason"] == reason
    assert reason in body["detail"]


@pytest.mark.parametrize("chunked", [False, True])
def test_web_api_oversized_upload_is_413_with_cli_reason(tmp_path: Path, chunked: bool) -> None:
    client = TestClient(create_app(store_with(tmp_path, load_fixture()), settings=SMALL, pipeline=NO_STAGES))
    data = b"word " * 1_000
    content: Any = iter([data[:3000], data[3000:]]) if chunked else data
    response = client.post("/api/v1/articles?wait=60", content=content, headers={"content-type": "text/plain"})
    assert response.status_code == 413
    reason = response.json()["rejected"][0]["reason"]
    assert "over the limit of 2000 bytes" in reason
    if not chunked:
        assert reason == cli_reason(tmp_path, "upload.txt", data, SMALL)


@pytest.mark.parametrize(
    ("media", "data", "title"),
    [
        ("text/plain", ARTICLE.encode(), "Ferry timetable changes in Veloria"),
        (
            "application/json",
            json.dumps({"title": "Ferry JSON", "maintext": ARTICLE.split("Text:\n", 1)[1], "language": "en"}).encode(),
            "Ferry JSON",
        ),
        (
            "text/html",
            (
                "<html><head><title>Ferry HTML</title></head><body><article><h1>Ferry HTML</h1><p>"
                + ARTICLE.split("Text:\n", 1)[1]
                + "</p></article></body></html>"
            ).encode(),
            "Ferry HTML",
        ),
    ],
)
def test_web_api_upload_adds_article_and_reruns_analysis(tmp_path: Path, media: str, data: bytes, title: str) -> None:
    client = TestClient(create_app(store_with(tmp_path, load_fixture()), pipeline=NO_STAGES))
    response = client.post("/api/v1/articles?name=ferry&wait=60", content=data, headers={"content-type": media})
    assert response.status_code == 201, response.text
    body = response.json()
    assert [a["title"] for a in body["articles"]] == [title]
    assert body["articles"][0]["path"].startswith("api/ferry")
    new_id = body["articles"][0]["id"]
    assert client.get(f"/api/v1/articles/{new_id}").json()["title"] == title
    assert client.get("/api/v1/articles").json()["total"] == 7  # the fixture's six and the new one
    assert body["run"] == 2


def test_web_api_upload_with_default_pipeline_gives_valid_analysis(tmp_path: Path) -> None:
    client = TestClient(create_app(store_with(tmp_path, load_fixture())))
    response = client.post("/api/v1/articles?wait=60", content=ARTICLE.encode(), headers={"content-type": "text/plain"})
    assert response.status_code == 201, response.text
    article = response.json()["articles"][0]
    assert article["language"] == "en"
    page = client.get(f"/articles/{article['id']}")
    assert page.status_code == 200 and "Ferry timetable changes" in page.text
    assert span_errors(client.app.state.site.store().latest_analysis()) == []  # type: ignore[attr-defined]


def test_web_api_upload_of_jsonl_keeps_good_lines(tmp_path: Path) -> None:
    client = TestClient(create_app(store_with(tmp_path, load_fixture()), pipeline=NO_STAGES))
    good = json.dumps({"title": "Line one", "maintext": ARTICLE.split("Text:\n", 1)[1]})
    response = client.post(
        "/api/v1/articles?wait=60",
        content=f"{good}\nnot json\n".encode(),
        headers={"content-type": "application/x-ndjson"},
    )
    assert response.status_code == 201
    body = response.json()
    assert [a["title"] for a in body["articles"]] == ["Line one"]
    assert body["rejected"][0]["reason"].startswith("malformed JSON line")


# ---------------------------------------------------------------------------------------------
# Token

TOKEN = "an-example-token-of-good-length"


@pytest.fixture(scope="module")
def guarded(tmp_path_factory: pytest.TempPathFactory) -> TestClient:
    db = store_with(tmp_path_factory.mktemp("guarded"), load_fixture())
    return TestClient(create_app(db, token=TOKEN, pipeline=NO_STAGES))


ENDPOINTS = [
    ("get", "/api/v1/stories"),
    ("get", "/api/v1/stories/s1"),
    ("get", "/api/v1/articles"),
    ("get", "/api/v1/articles/a1"),
    ("get", "/api/v1/entities"),
    ("get", "/api/v1/entities/e1"),
    ("get", "/api/v1/quotes"),
    ("get", "/api/v1/quote-groups"),
    ("get", "/api/v1/quote-groups/g1"),
    ("get", "/api/v1/openapi.json"),
    ("post", "/api/v1/articles"),
]


@pytest.mark.parametrize(("method", "url"), ENDPOINTS)
@pytest.mark.parametrize("auth", [None, "Bearer wrong-token", f"Basic {TOKEN}", f"Bearer {TOKEN}x", TOKEN])
def test_web_api_missing_or_wrong_token_is_401(guarded: TestClient, method: str, url: str, auth: str | None) -> None:
    headers = {"authorization": auth} if auth else {}
    response = guarded.request(method, url, headers=headers, content=ARTICLE.encode() if method == "post" else None)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"


@pytest.mark.parametrize(("method", "url"), ENDPOINTS)
def test_web_api_right_token_is_served(guarded: TestClient, method: str, url: str) -> None:
    headers = {"authorization": f"Bearer {TOKEN}", "content-type": "text/plain"}
    response = guarded.request(method, url, headers=headers, content=ARTICLE.encode() if method == "post" else None)
    assert response.status_code in (200, 202)
