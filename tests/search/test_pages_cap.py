"""More reads than the cap match: the results page says so clearly and asks to narrow the search."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from plateward.core.settings import Settings
from tests.conftest import Backend, make_settings, native_read, sign_in
from tests.search.conftest import push
from tests.search.page_steps import submit

CAP = 50


@pytest.fixture
def settings(tmp_path: Path, backend: Backend) -> Settings:
    url = backend.engine.url.render_as_string(hide_password=False)
    return make_settings(tmp_path, url).with_overrides(search_result_cap=CAP)


def test_capped_results_ask_to_narrow_the_search(
    client: TestClient, backend: Backend, ingest_token: str
) -> None:
    reads = [native_read("SJ-FX-002", minutes_ago=10 + n, plate=f"7ABQ{n:03d}") for n in range(55)]
    push(client, ingest_token, *reads)
    sign_in(client, backend, "investigator")

    capped = submit(client, plate="7ABQ*")
    narrower = submit(client, plate="7ABQ00*")

    assert capped.status_code == 200, capped.text
    assert 'id="capped"' in capped.text
    assert f"More than {CAP} reads match" in capped.text and "Narrow" in capped.text
    assert 'id="capped"' not in narrower.text
    assert "<strong>10</strong> reads found" in narrower.text
