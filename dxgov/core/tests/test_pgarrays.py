"""Array literals read back by PostgreSQL as the values they were written from."""

from __future__ import annotations

import pytest
from django.db import connection
from hypothesis import given, settings
from hypothesis import strategies as st

from dxgov.core.pgarrays import int_array, text_array

texts = st.text(st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",)))


def test_literals_have_the_array_input_form() -> None:
    assert text_array(["a", 'b"c', "d\\e", None, "", "{x,y}"]) == (
        '{"a","b\\"c","d\\\\e",NULL,"","{x,y}"}'
    )
    assert int_array([1, -2, None]) == "{1,-2,NULL}"
    assert text_array([]) == int_array([]) == "{}"


@pytest.mark.django_db
@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.none() | texts, max_size=8),
    st.lists(st.none() | st.integers(-(2**63), 2**63 - 1), max_size=8),
)
def test_postgresql_reads_back_what_was_written(
    words: list[str | None], numbers: list[int | None]
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL arrays")
    with connection.cursor() as cursor:
        cursor.execute("SELECT %s::text[], %s::bigint[]", [text_array(words), int_array(numbers)])
        assert cursor.fetchone() == (words, numbers)
