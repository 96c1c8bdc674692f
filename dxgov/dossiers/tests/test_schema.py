"""The record validator: every rule, precise paths, personal data, and garbage never raises."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dxgov.dossiers import ingest, personal, schema
from dxgov.dossiers.tests.conftest import make_record


def errors_of(raw: Any) -> list[str]:
    record, errors = schema.validate(raw, "records[12]")
    assert (record is None) == bool(errors)
    return errors


def test_a_full_record_is_typed() -> None:
    record, errors = schema.validate(make_record("H1"))
    assert errors == [] and record is not None
    assert record.received_at == datetime(2025, 7, 1, 1, 30, tzinfo=UTC)
    assert record.status_history[1][0] == "supplement_requested"
    assert record.fees[0].amount == 50000 and record.documents[0].digitised is True
    assert record.processing_value == 7.0 and record.processing_unit == "working_day"
    assert record.missing == ()


def test_a_minimal_record_is_valid_and_says_what_is_missing() -> None:
    raw = {
        "code": "H1",
        "procedure_code": "1.1",
        "agency_code": "SO-25-KHCN",
        "received_at": "2025-07-01T08:30:00+07:00",
        "updated_at": "2025-07-01T08:30:00Z",
    }
    record, errors = schema.validate(raw)
    assert errors == [] and record is not None
    assert record.channel == 1 and record.paid_online == 0 and record.rating is None
    assert set(record.missing) == set(schema.EXPECTED)


@pytest.mark.parametrize("field", schema.REQUIRED)
def test_each_required_field(field: str) -> None:
    raw = make_record("H1")
    raw[field] = None
    assert errors_of(raw) == [f"records[12].{field}: is required"]
    del raw[field]
    assert errors_of(raw) == [f"records[12].{field}: is required"]


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"code": ""}, "records[12].code: must not be empty"),
        ({"code": "x" * 65}, "records[12].code: must be at most 64 characters"),
        ({"code": 12}, "records[12].code: must be a string"),
        ({"procedure_code": "p" * 33}, "records[12].procedure_code: must be at most 32 characters"),
        ({"agency_code": ["SO"]}, "records[12].agency_code: must be a string"),
        ({"received_at": "2025-07-01T08:30:00"}, "records[12].received_at: must have a UTC offset"),
        ({"received_at": "1 July"}, "records[12].received_at: must be an ISO 8601 date"),
        ({"due_at": 1751331000}, "records[12].due_at: must be an ISO 8601 date"),
        ({"finished_at": "1800-01-01T00:00:00+07:00"}, "records[12].finished_at: year must be"),
        ({"channel": 4}, "records[12].channel: must be one of 1, 2, 3"),
        ({"channel": True}, "records[12].channel: must be one of 1, 2, 3"),
        ({"paid_online": 3}, "records[12].paid_online: must be one of 0, 1, 2"),
        ({"rating": 0}, "records[12].rating: must be one of 1, 2, 3, 4, 5"),
        ({"rating": 4.5}, "records[12].rating: must be one of"),
        ({"filed_on_dvcqg": "yes"}, "records[12].filed_on_dvcqg: must be true or false"),
        ({"synced_to_dvcqg": 1}, "records[12].synced_to_dvcqg: must be true or false"),
        ({"fees": [{"name": "Lệ phí", "amount": -1}]}, "records[12].fees[0].amount: must be ≥ 0"),
        ({"fees": [{"amount": 1.5}]}, "records[12].fees[0].amount: must be a whole number"),
        ({"fees": [{"amount": 10**16}]}, "records[12].fees[0].amount: must be ≤"),
        ({"fees": "free"}, "records[12].fees: must be a list"),
        ({"fees": [3]}, "records[12].fees[0]: must be an object"),
        ({"documents": [{"name": 5}]}, "records[12].documents[0].name: must be a string"),
        (
            {"documents": [{}, {"digitised": "x"}]},
            "records[12].documents[1].digitised: must be true or false",
        ),
        (
            {"status_history": [{"status": "lost", "at": "2025-07-01T08:30:00+07:00"}]},
            "records[12].status_history[0].status: must be one of",
        ),
        (
            {"status_history": [{"status": "received", "at": "soon"}]},
            "records[12].status_history[0].at: must be an ISO 8601",
        ),
        ({"status_history": [{}] * 201}, "records[12].status_history: must have at most 200"),
        (
            {"processing_time": {"value": -1, "unit": "day"}},
            "records[12].processing_time.value: must be between 0",
        ),
        (
            {"processing_time": {"value": float("nan"), "unit": "day"}},
            "records[12].processing_time.value: must be between 0",
        ),
        (
            {"processing_time": {"value": 5, "unit": "week"}},
            "records[12].processing_time.unit: must be one of",
        ),
        ({"processing_time": 5}, "records[12].processing_time: must be an object"),
        (
            {"petitions": [{"received_at": None, "disliked": False}]},
            "records[12].petitions[0].received_at: must be an ISO 8601",
        ),
        ({"result_code": "\x00"}, "records[12].result_code: must not contain NUL"),
        ({"result_file_url": "\ud800"}, "records[12].result_file_url: must not contain NUL"),
    ],
)
def test_each_rule_names_its_path(changes: dict[str, Any], error: str) -> None:
    errors = errors_of(make_record("H1", **changes))
    assert len(errors) == 1, errors
    assert errors[0].startswith(error), errors


def test_every_error_is_reported_not_only_the_first() -> None:
    errors = errors_of(make_record("H1", channel=9, fees=[{"amount": -5}], rating=9))
    assert [e.split(":")[0] for e in errors] == [
        "records[12].channel",
        "records[12].rating",
        "records[12].fees[0].amount",
    ]


def test_not_an_object() -> None:
    assert errors_of([1, 2]) == ["records[12]: must be an object"]
    assert errors_of(None) == ["records[12]: must be an object"]


@pytest.mark.parametrize(
    ("changes", "path"),
    [
        ({"citizen_id": "001099012345"}, "records[12].citizen_id"),
        ({"CCCD": "001099012345"}, "records[12].CCCD"),
        ({"hoTen": "Nguyễn Văn A"}, "records[12].hoTen"),
        ({"applicant": {"full_name": "Nguyễn Văn A"}}, "records[12].applicant.full_name"),
        ({"extra": [{"x": {"so-dien-thoai": "0912"}}]}, "records[12].extra[0].x.so-dien-thoai"),
        (
            {"documents": [{"name": "Đơn", "email": "a@example.vn"}]},
            "records[12].documents[0].email",
        ),
        (
            {"petitions": [{"received_at": "2025-07-02T00:00:00Z", "phone": "1"}]},
            "records[12].petitions[0].phone",
        ),
        (
            {"processing_time": {"value": 1, "unit": "day", "address": "x"}},
            "records[12].processing_time.address",
        ),
    ],
)
def test_personal_data_is_refused_at_any_depth(changes: dict[str, Any], path: str) -> None:
    errors = errors_of(make_record("H1", **changes))
    assert errors == [f"{path}: personal data is not accepted (Decree 13/2023)"]


def test_unknown_keys_are_refused_not_dropped() -> None:
    # Issue 17, §2: a key silently dropped could carry personal data no one looks at.
    record, errors = schema.validate(make_record("H1", extra={"note": "x"}, version=2))
    assert record is None
    assert errors == [
        "record.extra: is not a field of dxgov.dossier/1",
        "record.version: is not a field of dxgov.dossier/1",
    ]
    nested = make_record("H1", fees=[{"name": "Lệ phí", "amount": 1, "note": "x"}])
    assert errors_of(nested) == ["records[12].fees[0].note: is not a field of dxgov.dossier/1"]


def test_redact_removes_personal_values_at_any_depth_and_keeps_the_rest() -> None:
    raw = make_record("H1", applicant={"ho_ten": "Nguyễn Văn A", "ward": "Việt Trì"})
    raw["documents"][0]["so_cccd"] = "001099012345"
    kept = schema.redact(raw)
    assert kept["applicant"] == {"ho_ten": "[removed]", "ward": "Việt Trì"}
    assert kept["documents"][0]["so_cccd"] == "[removed]"
    assert "Nguyễn Văn A" not in str(kept) and "001099012345" not in str(kept)
    assert kept["code"] == "H1"
    assert schema.redact({"a\x00": "b\ud800"}) == {"a\ufffd": "b\ufffd"}


def test_csv_row_becomes_the_json_record() -> None:
    row = {
        "code": "H1",
        "procedure_code": "1.1",
        "agency_code": "SO-25-KHCN",
        "received_at": "2025-07-01T08:30:00+07:00",
        "updated_at": "2025-07-01T08:30:00+07:00",
        "channel": "2",
        "rating": "",
        "filed_on_dvcqg": "true",
        "fees": '[{"name": "Lệ phí", "amount": 1000}]',
        "documents": "not json",
        None: ["extra cell", ""],
    }
    raw = schema.from_csv_row(row)
    assert raw["channel"] == 2 and raw["filed_on_dvcqg"] is True and "rating" not in raw
    assert raw["fees"] == [{"name": "Lệ phí", "amount": 1000}]
    errors = errors_of(raw)
    # Cells beyond the header are refused, not dropped (issue 17; they were ignored before).
    assert errors == [
        "records[12].(cells beyond the header): is not a field of dxgov.dossier/1",
        "records[12].documents: must be a list",
    ]
    assert schema.CSV_BEYOND_HEADER not in schema.from_csv_row({"code": "H1", None: ["", ""]})
    assert schema.from_csv_row({"channel": "²"})["channel"] == "²"


def test_error_field() -> None:
    assert schema.error_field("records[3].fees[0].amount: must be ≥ 0") == "fees"
    assert schema.error_field("line 4.code: is required") == "code"
    assert schema.error_field("line 4: not valid JSON") == ""


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=5)
    ),
    max_leaves=30,
)
field_names = st.sampled_from(sorted(schema.FIELDS | {"citizen_id", "x"}))


@settings(max_examples=400, deadline=None)
@given(st.dictionaries(field_names, json_values, max_size=12))
def test_garbage_records_never_raise(raw: dict[str, Any]) -> None:
    record, errors = schema.validate(raw, "records[0]")
    assert (record is None) == bool(errors)
    assert all(e.startswith("records[0]") for e in errors)
    schema.redact(raw)


@settings(max_examples=300, deadline=None)
@given(json_values)
def test_any_json_value_never_raises(raw: Any) -> None:
    record, errors = schema.validate(raw)
    assert record is None or not errors


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.sampled_from(sorted(schema.FIELDS)), st.text(max_size=20)))
def test_any_csv_row_never_raises(row: dict[str, str]) -> None:
    schema.validate(schema.from_csv_row(row))


# --- identity numbers in any string (issue 17, §2) ----------------------------------------------

CCCD = "079203001234"
CCCD_MESSAGE = "looks like a citizen identity number; personal data is not accepted"


def _with_string(path: str, value: str) -> dict[str, Any]:
    """A valid record whose string at `path` ("documents[0].name") is `value`."""
    raw = make_record("H1", population_db_code="CSDLQG-1")
    target: Any = raw
    parts = path.replace("[", ".").replace("]", "").split(".")
    for part in parts[:-1]:
        target = target[int(part)] if part.isdigit() else target[part]
    target[parts[-1]] = value
    return raw


# Every string of the format, and what else is refused there besides the number.
STRING_FIELDS = {
    "code": [],
    "procedure_code": [],
    "agency_code": [],
    "result_code": [],
    "result_file_url": [],
    "population_db_code": [],
    "documents[0].name": [],
    "fees[0].name": [],
    "submitted_at": ["is not an RFC 3339 date-time with a UTC offset"],
    "status_history[1].status": ["is not one of"],
    "status_history[1].at": ["is not an RFC 3339 date-time with a UTC offset"],
    "processing_time.unit": ["is not one of"],
}


@pytest.mark.parametrize("path", STRING_FIELDS)
@pytest.mark.parametrize(
    "written",
    [
        CCCD,
        f"CCCD {CCCD}",
        "079 203 001 234",
        "079\u200b203001234",
        "０７９２０３００１２３４",
    ],
)
def test_an_identity_number_in_any_string_is_refused_with_its_path(path: str, written: str) -> None:
    raw = _with_string(path, written)
    errors = errors_of(raw)
    assert f"records[12].{path}: {CCCD_MESSAGE}" in errors
    others = [e for e in errors if e != f"records[12].{path}: {CCCD_MESSAGE}"]
    assert len(others) == len(STRING_FIELDS[path])
    # Neither fast path accepts it: the dict one nor the JSON text one.
    assert schema.fast_check(raw) is None
    assert schema.decode_fast(json.dumps(raw, ensure_ascii=False).encode()) is None


@pytest.mark.parametrize(
    ("path", "written", "message"),
    [
        ("documents[0].name", "Hộ chiếu B1234567", "looks like a passport number"),
        ("fees[0].name", "ĐT 0912.345.678", "looks like a phone number"),
        ("result_code", "KQ-012345678", "looks like an identity card number"),
        ("result_file_url", "https://kq.example.vn/?sdt=+84912345678", "looks like a phone"),
    ],
)
def test_each_kind_is_named(path: str, written: str, message: str) -> None:
    errors = errors_of(_with_string(path, written))
    assert len(errors) == 1 and errors[0].startswith(f"records[12].{path}: {message}")


@pytest.mark.parametrize(
    ("path", "value"),
    [
        ("code", "UBND-X25001-2507-0000123"),
        ("code", "000.00.07.H25-250701-0001"),
        ("code", "I96123456-UBND-X79001-2607-0000123"),
        ("code", "F0000001"),
        ("result_code", "KQ-0000123"),
        ("population_db_code", "000000001234"),
        ("procedure_code", "1.001234"),
        ("fees[0].name", "Lệ phí 150000000 đồng"),
        ("fees[0].name", "Phí 100.000.000 đồng"),
        ("documents[0].name", "Quyết định 766/QĐ-TTg ngày 23/6/2022"),
        ("result_file_url", "https://ketqua.example.gov.vn/UBND-X79001/1234567.pdf"),
    ],
)
def test_legitimate_codes_amounts_and_dates_are_accepted(path: str, value: str) -> None:
    raw = _with_string(path, value)
    assert errors_of(raw) == []
    assert schema.decode_fast(json.dumps(raw, ensure_ascii=False).encode()) is not None


def test_a_key_holding_an_identity_number_is_refused_and_named_masked() -> None:
    raw = make_record("H1", **{CCCD: "x"})
    raw["fees"][0][f"sdt {CCCD}"] = 1
    errors = errors_of(raw)
    assert f"records[12].[removed]: {CCCD_MESSAGE}" in errors
    assert "records[12].[removed]: is not a field of dxgov.dossier/1" in errors
    assert "records[12].fees[0].sdt [removed]: is not a field of dxgov.dossier/1" in errors
    assert not any(CCCD in error for error in errors)


def test_a_number_under_an_unknown_key_is_refused_as_such_and_as_a_key() -> None:
    errors = errors_of(make_record("H1", so_dinh_danh=CCCD, ghi_chu=f"CCCD {CCCD}"))
    assert errors == [
        "records[12].ghi_chu: is not a field of dxgov.dossier/1",
        "records[12].so_dinh_danh: personal data is not accepted (Decree 13/2023)",
        f"records[12].ghi_chu: {CCCD_MESSAGE}",
    ]


@pytest.mark.parametrize(
    ("changes", "path"),
    [
        ({"note": "x"}, "records[12].note"),
        (
            {"status_history": [{"status": "received", "at": "2025-07-01T08:30:00Z", "by": "x"}]},
            "records[12].status_history[0].by",
        ),
        ({"documents": [{"name": "Đơn", "pages": 2}]}, "records[12].documents[0].pages"),
        ({"fees": [{"name": "Lệ phí", "amount": 1, "note": "x"}]}, "records[12].fees[0].note"),
        (
            {"petitions": [{"received_at": "2025-07-02T00:00:00Z", "topic": "x"}]},
            "records[12].petitions[0].topic",
        ),
        (
            {"processing_time": {"value": 1, "unit": "day", "basis": "x"}},
            "records[12].processing_time.basis",
        ),
    ],
)
def test_unknown_keys_are_refused_at_every_level(changes: dict[str, Any], path: str) -> None:
    raw = make_record("H1", **changes)
    assert errors_of(raw) == [f"{path}: is not a field of dxgov.dossier/1"]
    assert schema.decode_fast(json.dumps(raw).encode()) is None


def test_the_quarantine_copy_holds_no_identity_number_anywhere() -> None:
    raw = make_record(
        f"H-{CCCD}",
        result_code="KQ 0912 345 678",
        so_dinh_danh=CCCD,
        ghi_chu={"ban_sao": [f"CCCD {CCCD}", "hộ chiếu B1234567", 79203001234]},
        rating=79203001234,
        **{CCCD: "khoá là số định danh", f"{CCCD}x": 1},
    )
    raw["documents"].append({"name": "CMND 012345678", "so_cccd": CCCD})
    raw["fees"][0]["amount"] = 150_000_000
    kept = ingest.quarantine_copy(raw)
    text = json.dumps(kept, ensure_ascii=False)
    assert personal.paths(kept, "kept") == []
    for number in (CCCD, "79203001234", "0912 345 678", "B1234567", "012345678"):
        assert number not in text
    assert kept["code"] == "H-[removed]"
    assert kept["documents"][1] == {"name": "CMND [removed]", "so_cccd": "[removed]"}
    assert kept["ghi_chu"] == {"ban_sao": ["CCCD [removed]", "hộ chiếu [removed]", "[removed]"]}
    assert kept["rating"] == "[removed]"
    assert kept["fees"][0]["amount"] == 150_000_000  # an amount is kept as sent
    assert kept["[removed]"] == "khoá là số định danh" and kept["[removed]x"] == 1
    assert kept["agency_code"] == "SO-25-KHCN" and kept["procedure_code"] == "1.001234"
