"""Issue 16 §3: with static files never collected, every page answered a bare English
"Internal Server Error". `serve` now refuses to start and names the command to run
(core/tests/test_commands.py runs it); here, the check itself and the error page's own
fallback."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.contrib.staticfiles import finders
from django.test import Client, override_settings

from dxgov.core.management.commands.serve import static_files_problem

MANIFEST = {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"}


def _collected(root: Path, paths: set[str]) -> None:
    root.mkdir(parents=True, exist_ok=True)
    manifest = {"version": "1.1", "paths": {p: p for p in paths}, "hash": "x"}
    (root / "staticfiles.json").write_text(json.dumps(manifest), encoding="utf-8")


def _every_path() -> set[str]:
    found = set()
    for finder in finders.get_finders():
        for path, where in finder.list(["CVS", ".*", "*~"]):
            prefix = getattr(where, "prefix", None)
            found.add(f"{prefix}/{path}" if prefix else path)
    return found


def _settings(root: Path, storages: Any) -> Any:
    return override_settings(
        STATIC_ROOT=str(root),
        STORAGES={**storages, "staticfiles": MANIFEST},
        WHITENOISE_USE_FINDERS=False,
    )


def test_never_collected_then_stale_then_ready(tmp_path: Path, settings: Any) -> None:
    root = tmp_path / "static"
    with _settings(root, settings.STORAGES):
        problem = static_files_problem()
        assert problem is not None and "have not been collected" in problem
        assert "dxgov collectstatic --noinput" in problem
        everything = _every_path()
        assert "dxgov/app.css" in everything and "vendor/htmx/htmx.min.js" in everything
        _collected(root, everything - {"dxgov/app.js"})
        problem = static_files_problem()
        assert problem is not None and "older than the code" in problem
        assert "dxgov/app.js" in problem
        _collected(root, everything)
        assert static_files_problem() is None
    # Served from the source folders (development, tests): nothing to collect.
    assert static_files_problem() is None


@pytest.mark.django_db
def test_the_error_page_itself_never_falls_back_to_a_bare_english_line(
    tmp_path: Path, settings: Any
) -> None:
    with _settings(tmp_path / "static", settings.STORAGES):
        response = Client(raise_request_exception=False).get("/accounts/login/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "<h1>Lỗi hệ thống</h1>" in html and "Internal Server Error" not in html
