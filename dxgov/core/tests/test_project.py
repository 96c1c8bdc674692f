"""Project-wide invariants: migrations complete, Vietnamese catalogue complete and compiled."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from pathlib import Path

import polib
import pytest
from django.core.management import call_command

LOCALE = Path(__file__).resolve().parents[2] / "locale" / "vi" / "LC_MESSAGES"


@pytest.mark.django_db
def test_models_and_migrations_agree() -> None:
    out = io.StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


def test_vietnamese_catalogue_is_complete() -> None:
    po = polib.pofile(str(LOCALE / "django.po"))
    assert len(po) > 50
    assert [e.msgid for e in po.untranslated_entries()] == []
    assert [e.msgid for e in po.fuzzy_entries()] == []


def test_compiled_catalogue_matches_the_source() -> None:
    po = polib.pofile(str(LOCALE / "django.po"))
    mo = polib.mofile(str(LOCALE / "django.mo"))
    compiled = {(e.msgctxt, e.msgid): (e.msgstr, e.msgstr_plural) for e in mo}
    for entry in po.translated_entries():
        assert (entry.msgctxt, entry.msgid) in compiled, f"recompile: {entry.msgid!r}"


def test_every_marked_string_is_in_the_catalogue(tmp_path: Path) -> None:
    """Extract msgids from code and templates as makemessages does, and compare."""
    if shutil.which("xgettext") is None and os.environ.get("CI") != "true":
        pytest.skip("GNU gettext (xgettext) is not installed; CI installs it")
    from django.utils.translation import templatize

    root = Path(__file__).resolve().parents[2]
    sources = [str(p) for p in root.rglob("*.py") if "tests" not in p.parts]
    for number, template in enumerate(root.rglob("*.html")):
        converted = tmp_path / f"t{number}.py"
        converted.write_text(templatize(template.read_text(encoding="utf-8"), origin=str(template)))
        sources.append(str(converted))
    out = tmp_path / "all.pot"
    keywords = [
        "_",
        "gettext",
        "gettext_lazy",
        "ngettext:1,2",
        "ngettext_lazy:1,2",
        "pgettext:1c,2",
        "npgettext:1c,2,3",
        "pgettext_lazy:1c,2",
    ]
    subprocess.run(
        [
            "xgettext",
            "-L",
            "Python",
            "--from-code=UTF-8",
            "-o",
            str(out),
            *(f"--keyword={k}" for k in keywords),
            *sources,
        ],
        check=True,
    )
    known = {e.msgid for e in polib.pofile(str(LOCALE / "django.po"))}
    extracted = {e.msgid for e in polib.pofile(str(out))} - {""}
    assert len(extracted) > 100  # the extraction itself worked
    missing = extracted - known
    assert missing == set(), f"run makemessages -l vi and translate: {sorted(missing)}"
