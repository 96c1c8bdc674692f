"""The identity-number detector (`personal`, pure): each kind found however it is written, each
near miss of legitimate dossier data not found, masking, and a whole value's paths."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dxgov.dossiers import personal
from dxgov.dossiers.personal import CITIZEN_ID, ID_CARD, PASSPORT, PHONE

FOUND = [
    # citizen identity numbers (12 digits, province 001–096)
    ("079203001234", CITIZEN_ID),
    ("001099000001", CITIZEN_ID),
    ("096300123456", CITIZEN_ID),
    ("CCCD079203001234", CITIZEN_ID),
    ("Bản sao CCCD 079203001234 công chứng", CITIZEN_ID),
    ("CCCD số: 079203001234.", CITIZEN_ID),
    ("079 203 001 234", CITIZEN_ID),
    ("079.203.001.234", CITIZEN_ID),
    ("079-203-001-234", CITIZEN_ID),
    ("KQ/079203001234", CITIZEN_ID),
    ("079203001234 đ", CITIZEN_ID),  # a leading 0 is never an amount
    # old identity card numbers (9 digits, 01–38)
    ("012345678", ID_CARD),
    ("CMND 381234567", ID_CARD),
    ("CMND:012345678", ID_CARD),
    # passport numbers (a capital and 7–8 digits, standing alone)
    ("B1234567", PASSPORT),
    ("C12345678", PASSPORT),
    ("hộ chiếu B1234567.", PASSPORT),
    ("Hộ chiếu số N1234567 cấp ngày 01/01/2020", PASSPORT),
    # phone numbers: mobiles, landlines, +84 / 84
    ("0912345678", PHONE),
    ("0312345678", PHONE),
    ("0512345678", PHONE),
    ("0712345678", PHONE),
    ("0812345678", PHONE),
    ("0912.345.678", PHONE),
    ("0912 345 678", PHONE),
    ("091-234-5678", PHONE),
    ("0912-345-678", PHONE),
    ("+84912345678", PHONE),
    ("+84 912 345 678", PHONE),
    ("(+84) 912 345 678", PHONE),
    ("02438123456", PHONE),
    ("024 3812 3456", PHONE),
    ("(024) 3812 3456", PHONE),
    ("ĐT: 0912345678", PHONE),
    ("+84912345678 đ", PHONE),
]


@pytest.mark.parametrize(("text", "kind"), FOUND)
def test_each_kind_is_found_however_written(text: str, kind: str) -> None:
    assert personal.find(text) == kind


@pytest.mark.parametrize(("text", "kind"), [(t, k) for t, k in FOUND if k != PASSPORT])
def test_in_a_code_every_kind_but_the_passport_is_found(text: str, kind: str) -> None:
    assert personal.find(text, code=True) == kind


NEAR_MISSES = [
    # the demo generator's and the bench's codes (dxgov.demo.dossiers, dxgov.bench.scoring)
    "UBND-X25001-2507-0000123",
    "SO-25-KHCN-2607-0001234",
    "BCA-2607-0012345",
    "I96123456-UBND-X79001-2607-0000123",
    "MCDT-25",
    "HTTT-BCA",
    "KQ-0000123",
    "1.001234",
    "2.000123",
    "https://ketqua.example.gov.vn/UBND-X79001/1234567.pdf",
    # national codes: the DVCQG dossier code, zero-padded serials, dates with serials
    "000.00.07.H25-250701-0001",
    "000000001234",
    "250701000123",
    "MCDT-25-2025-0000001234",
    "G22.47-250701-000123",
    # amounts and dates
    "100.000.000.000 đồng",
    "1.234.567.890",
    "Lệ phí 150000000 đồng",
    "150000000đ",
    "150000000 VND",
    "150000000 VNĐ",
    "50000",
    "01.07.2025",
    "01/07/2025",
    "2025-07-01T08:30:00+07:00",
    "2025-07-01 08:30:00",
    "Nghị định 13/2023/NĐ-CP",
    "Quyết định 766/QĐ-TTg",
    "Thông tư 59/2021/TT-BCA",
    # one digit too many or too few, or a wrong prefix
    "0792030012345",  # 13 digits
    "97203001234",  # 11 digits, no province
    "097203001234",  # province 097 does not exist
    "000203001234",  # nor does 000
    "390123456",  # card prefix 39
    "001234567",  # card prefix 00
    "01234567",  # 8 digits
    "0112345678",  # 01x is no mobile prefix
    "0412345678",
    "0612345678",
    "09123456",  # mobile two digits short (one short is a card number: 09 is a card prefix)
    "0212345678",  # landline one digit short
    "+8491234567",
    "+1 202 555 0123",
    "84 912 345 678",  # 84 without "+" starts no grouped number
    "84912345678",  # nor a phone: an amount as often (84526000000 đồng)
    "84526000000",
    "0,912345678",
    # passport near misses
    "b1234567",
    "AB1234567",
    "B123456",
    "B1234567890123",
    "Mẫu B1234567X",
    "1B1234567",
    "",
    "Đơn đề nghị cấp giấy phép",
]


@pytest.mark.parametrize("text", NEAR_MISSES)
def test_near_misses_are_not_identity_numbers(text: str) -> None:
    assert personal.find(text) is None or text.startswith("I96")
    assert personal.find(text, code=True) is None
    assert personal.mask(text, code=True) == text


def test_in_a_code_a_grouped_number_after_a_hyphen_is_not_found() -> None:
    # The price of not reading a code's segments as one number (the module says why).
    assert personal.find("ABC-01-2025-000123", code=True) is None
    assert personal.find("H-079.203.001.234", code=True) is None
    assert personal.find("H-079203001234", code=True) == CITIZEN_ID


def test_a_code_with_spaces_is_words() -> None:
    assert personal.find("KQ B1234567", code=True) == PASSPORT
    assert personal.find("KQ-B1234567", code=True) is None


def test_a_tagged_code_is_a_serial_not_a_passport_number() -> None:
    # The bench tags its codes "I<8 digits>": a passport number in free text, a serial in a code.
    assert personal.find("I96123456-0") == PASSPORT
    assert personal.find("I96123456-0", code=True) is None
    assert personal.find("F0000001", code=True) is None


@pytest.mark.parametrize(
    "text",
    [
        "٠٧٩٢٠٣٠٠١٢٣٤",  # Arabic-Indic digits
        "０７９２０３００１２３４",  # fullwidth
        "০৭৯২০৩০০১২৩৪",  # Bengali
        "079\u200b203001234",  # zero-width space
        "079\u00ad203001234",  # soft hyphen
        "079203\u2060001234",  # word joiner
        "\ufeff079203001234",  # byte-order mark
        "0\u200c7\u200d9203001234",  # zero-width (non-)joiners
        "079\u202e203001234",  # right-to-left override
        "CCCD: 0\u200b7\u200b9\u200b2\u200b0\u200b3\u200b0\u200b0\u200b1\u200b2\u200b3\u200b4",
    ],
)
def test_unicode_digits_and_invisible_characters_do_not_hide_a_number(text: str) -> None:
    assert personal.find(text) == CITIZEN_ID
    masked = personal.mask(text)
    assert personal.find(masked) is None and personal.MASK in masked


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("079203001234", "[removed]"),
        ("Bản sao CCCD 079203001234 công chứng", "Bản sao CCCD [removed] công chứng"),
        ("CCCD079203001234", "CCCD[removed]"),
        ("ĐT 0912.345.678, CMND 012345678", "ĐT [removed], CMND [removed]"),
        ("hộ chiếu B1234567.", "hộ chiếu [removed]."),
        ("(024) 3812 3456", "([removed]"),
        ("079\u200b203001234 và 0912345678", "[removed] và [removed]"),
        ("Đơn đề nghị", "Đơn đề nghị"),
    ],
)
def test_mask_replaces_each_number_and_keeps_the_rest(text: str, masked: str) -> None:
    assert personal.mask(text) == masked


def test_mask_in_a_code_keeps_its_serials() -> None:
    assert personal.mask("F0000001-079203001234", code=True) == "F0000001-[removed]"
    assert personal.mask("F0000001-079203001234") == "[removed]-[removed]"


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        (79203001234, CITIZEN_ID),  # the leading zero a JSON number loses
        (912345678, PHONE),
        (12345678, ID_CARD),
        (-79203001234, CITIZEN_ID),
        (500000000, PHONE),  # 0500000000: why amounts are kept as sent (schema.redact)
        (1000000000, None),
        (50000, None),
        (2025, None),
    ],
)
def test_whole_numbers(value: int, kind: str | None) -> None:
    assert personal.find_number(value) == kind


def test_paths_name_every_string_at_any_depth_keys_too() -> None:
    value: dict[str, Any] = {
        "code": "F0000001",
        "note": "B1234567",
        "documents": [{"name": "Đơn"}, {"name": "CCCD 079203001234"}],
        "079203001234": "x",
        "deep": {"a": [[{"b": "0912345678"}]]},
        "ho_ten": "0912345678",
    }
    found = personal.paths(
        value, "records[3]", skip=lambda key: key == "ho_ten", codes=frozenset({"code"})
    )
    assert found == [
        ("records[3].[removed]", CITIZEN_ID),  # a key: named when its object is reached
        ("records[3].note", PASSPORT),
        ("records[3].documents[1].name", CITIZEN_ID),
        ("records[3].deep.a[0][0].b", PHONE),
    ]


def test_paths_of_a_value_nested_far_beyond_the_recursion_limit() -> None:
    value: Any = "079203001234"
    for _ in range(100_000):
        value = [value]
    found = personal.paths(value, "r")
    assert len(found) == 1 and found[0][1] == CITIZEN_ID


@pytest.mark.parametrize(("text", "kind"), FOUND)
def test_message_names_the_kind(text: str, kind: str) -> None:
    assert personal.message(kind) == (
        f"looks like {personal.DESCRIPTIONS[kind]}; personal data is not accepted"
    )


@given(st.text())
def test_any_text_never_raises_and_its_mask_holds_no_number(text: str) -> None:
    personal.find(text)
    masked = personal.mask(text)
    assert personal.find(masked) is None


@given(st.from_regex(r"\A0(3|5|7|8|9)\d{8}\Z"), st.sampled_from(["", " ", "x", "Đơn "]))
def test_any_mobile_is_found_wherever_it_stands(number: str, before: str) -> None:
    assert personal.find(before + number) == PHONE
    assert personal.mask(before + number) == before + personal.MASK


NUMBERISH = st.text(
    alphabet=st.sampled_from(
        list("0123456789") + list(" .-+()/:_\x00\x1fABFKQxđ") + ["\u200b", "\u00ad", "０", "٣"]
    ),
    max_size=40,
)


@given(NUMBERISH, st.booleans())
def test_the_fast_guards_change_no_answer(text: str, code: bool) -> None:
    # `find` skips the full expression when a cheaper one shows no candidate can be there.
    slow = next((kind for _match, kind in personal._identities(text, code)), None)
    assert personal.find(text, code=code) == slow
