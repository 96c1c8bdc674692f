"""Rules for data values: one set, run for the web form, the API and Excel uploads alike.

Pure: plain values in and out, no ORM. The pieces:

* ``parse_number`` / ``parse_boolean`` / ``format_number`` read and write what people type, in the
  Vietnamese convention (``1.234.567,5``) and the English one (``1,234,567.5``).
* ``check_value`` judges one value against its ``IndicatorRule``: type, decimals, bounds, a ratio's
  numerator and denominator, a cumulative series that goes down, an outlier against the history.
* ``check_form`` runs ``check_value`` for every value of a form and the ``CrossRule``s between
  indicators (``A + B <= C``, evaluated by a small safe expression parser, never ``eval``).

A finding is an error or a warning. An error blocks saving. A warning (a soft cross rule, an
outlier) blocks saving until the value carries a comment that explains it: ``check_form`` adds a
``comment_required`` error for such a value without a comment, so ``blocking(findings)`` is the
only test a caller needs.

Every value is judged on its *scalar*: the number itself for a count or money, 1 or 0 for yes or
no, and numerator ÷ denominator × factor for a ratio (100 for a percentage). Bounds, the
cumulative check, the outlier check, ``previous`` and ``history`` all use scalars.
"""

from __future__ import annotations

import math
import re
import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import (
    Decimal,
    DivisionByZero,
    InvalidOperation,
    Overflow,
    localcontext,
)
from enum import StrEnum

from django.utils.translation import gettext as _

from dxgov.core import formats

# What a DecimalField(max_digits=24, decimal_places=6) holds: 18 integer digits, 6 decimals.
MAX_INTEGER_DIGITS = 18
MAX_DECIMALS = 6
MAX_ABS = Decimal(10) ** MAX_INTEGER_DIGITS
MAX_TEXT_LENGTH = 60
MAX_EXPRESSION_LENGTH = 500
MAX_EXPRESSION_DEPTH = 40

OUTLIER_MIN_HISTORY = 6
OUTLIER_THRESHOLD = 3.5
MAD_SCALE = 0.6745  # Iglewicz & Hoaglin's modified z-score: 0.6745 (x − median) / MAD
MEAN_AD_SCALE = 1.253314  # when MAD = 0: (x − median) / (1.253314 · mean absolute deviation)


class ValueType(StrEnum):
    COUNT = "count"
    RATIO = "ratio"
    MONEY = "money"
    BOOLEAN = "boolean"


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


class FindingField(StrEnum):
    VALUE = "value"
    NUMERATOR = "numerator"
    DENOMINATOR = "denominator"
    COMMENT = "comment"


class Importance(StrEnum):
    HARD = "hard"
    SOFT = "soft"


OPERATORS = ("<=", "<", ">=", ">", "==", "!=")


@dataclass(frozen=True)
class IndicatorRule:
    """What one indicator accepts. ``factor`` scales a ratio (100 for a percentage).

    ``decimals`` is how many decimal places may be typed: in the value, or in the numerator and
    the denominator of a ratio (money is always whole VND, yes/no always 1 or 0). ``min_value`` and
    ``max_value`` bound the scalar. A ``cumulative`` series (accounts activated to date) may
    never be lower than the previous period's value.
    """

    code: str
    value_type: ValueType
    decimals: int = 0
    min_value: Decimal | None = None
    max_value: Decimal | None = None
    factor: Decimal | int = 1
    cumulative: bool = False


@dataclass(frozen=True)
class CrossRule:
    """``left op right`` over indicator codes; hard → error, soft → warning needing a comment."""

    left: str
    op: str
    right: str
    importance: str = Importance.HARD
    message: str = ""


@dataclass(frozen=True)
class Finding:
    indicator_code: str
    field: str  # FindingField
    severity: str  # Severity
    rule: str  # a stable key: "min_value", "outlier", "cross_rule", …
    message: str


Value = Decimal | tuple[Decimal | None, Decimal | None] | None


class InvalidNumber(ValueError):
    """Text that is not a number this indicator accepts; the message says what to type."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# --- reading and writing numbers -------------------------------------------------------------

_SPACES = re.compile(r"[\s\u00a0\u202f\u2009]+")
_CURRENCY = re.compile(r"(?:₫|đ|đồng|vnd|vnđ)$", re.IGNORECASE)
_GROUPED = re.compile(r"[0-9]{1,3}(?:X[0-9]{3})+")
_PLAIN = re.compile(r"[0-9]+")
_MINUS = ("-", "−", "–")


def _grouped(digits: str, separator: str) -> str | None:
    """``digits`` without its thousands separators, or None when the grouping is wrong."""
    if _GROUPED.fullmatch(digits.replace(separator, "X")) is None:
        return None
    return digits.replace(separator, "")


_SPACED = re.compile(r"([0-9]{1,3}(?: [0-9]{3})+)(?:[.,]([0-9]+))?")


def _split(text: str) -> tuple[str, str] | None:
    """The integer digits and the decimals of a sign-less number, or None when unreadable."""
    if " " in text:
        spaced = _SPACED.fullmatch(text)
        if spaced is None:
            return None
        return spaced.group(1).replace(" ", ""), spaced.group(2) or ""
    dots, commas = text.count("."), text.count(",")
    if dots and commas:
        decimal_mark = "." if text.rfind(".") > text.rfind(",") else ","
        thousands = "," if decimal_mark == "." else "."
        if text.count(decimal_mark) != 1:
            return None
        whole, fraction = text.split(decimal_mark)
        digits = _grouped(whole, thousands)
        return None if digits is None or not fraction else (digits, fraction)
    if commas > 1 or dots > 1:
        digits = _grouped(text, "," if commas else ".")
        return None if digits is None else (digits, "")
    mark = "," if commas else "."
    whole, separator, rest = text.partition(mark)
    if not separator:
        return text, ""
    if not rest:
        return None  # "12," or "12." with nothing after the mark
    if mark == "." and len(rest) == 3 and whole not in ("", "0") and len(whole) <= 3:
        return whole + rest, ""  # "1.234": the Vietnamese thousands dot
    return whole, rest


def parse_number(text: str, decimals: int) -> Decimal:
    """Read a number typed by a person, allowing at most ``decimals`` decimal places.

    Accepted: ``1234``, ``1.234.567`` and ``1 234 567`` (thousands), ``1234,5`` and ``1.234,5``
    (Vietnamese decimal comma), ``1234.5`` and ``1,234.5`` (English), a leading sign, and a trailing
    ``đ``/``₫``/``VND``. When both a dot and a comma appear, the last one is the decimal separator.

    The ambiguous forms are read the Vietnamese way, always, whatever the indicator:

    * one dot followed by exactly three digits (``1.234``, ``12.500``) is a thousands separator:
      1234 and 12500. In Viet Nam the dot groups thousands and this is how the form itself shows
      numbers (``format_number``); a person who means one point two three four types ``1,234``.
      A dot followed by any other number of digits (``1234.5``, ``0.25``) or after a 0 integer part
      (``0.125``) is a decimal point, since it cannot be a thousands separator.
    * one comma (``1,234``, ``3,5``) is the decimal comma: 1.234 and 3.5. Several commas
      (``1,234,567``) can only be English thousands.

    Reading one way consistently means a misread count is refused (it has decimals) rather than
    silently changed. Excel cells holding numbers arrive as numbers and do not come through here.
    Raises ``InvalidNumber`` with a message a user can act on.
    """
    original = text
    if not isinstance(text, str):
        raise InvalidNumber(_("Type a number."))
    text = _SPACES.sub(" ", text.strip())
    if not text:
        raise InvalidNumber(_("Type a number."))
    if len(text) > MAX_TEXT_LENGTH:
        raise InvalidNumber(_("This number is too long."))
    text = _CURRENCY.sub("", text).strip()
    sign = ""
    if text[:1] in _MINUS or text[:1] == "+":
        sign = "-" if text[0] in _MINUS else ""
        text = text[1:].strip()
    problem = InvalidNumber(
        _(
            "“%(text)s” is not a number. Write for example 1234, 1.234.567 or 1234,5 "
            "(a comma before the decimals)."
        )
        % {"text": original.strip()}
    )
    split = _split(text)
    if split is None:
        raise problem
    digits, fraction = split
    if not digits and fraction:
        digits = "0"  # ".5"
    if _PLAIN.fullmatch(digits) is None or (fraction and _PLAIN.fullmatch(fraction) is None):
        raise problem
    number = Decimal(f"{sign}{digits}.{fraction}" if fraction else f"{sign}{digits}")
    if abs(number) >= MAX_ABS:
        raise InvalidNumber(
            _("This number is too large: at most %(digits)s digits before the decimals.")
            % {"digits": MAX_INTEGER_DIGITS}
        )
    places = _decimal_places(number)
    if places > decimals:
        if decimals <= 0:
            raise InvalidNumber(
                _("“%(text)s” has decimals; this indicator takes a whole number.")
                % {"text": original.strip()}
            )
        raise InvalidNumber(
            _("“%(text)s” has %(places)s decimal places; at most %(decimals)s are allowed.")
            % {"text": original.strip(), "places": places, "decimals": decimals}
        )
    return number + 0 if number != 0 else Decimal(0)


_TRUE = {"có", "co", "yes", "y", "1", "true", "đúng", "x"}
_FALSE = {"không", "khong", "no", "n", "0", "false", "sai"}


def parse_boolean(text: str) -> bool:
    """Yes or no: có/không, yes/no, 1/0, true/false (any case, with or without diacritics)."""
    word = text.strip().lower() if isinstance(text, str) else ""
    if word in _TRUE:
        return True
    if word in _FALSE:
        return False
    raise InvalidNumber(
        _("“%(text)s” is not yes or no. Write có or không (or 1 / 0).") % {"text": text}
    )


def format_number(value: Decimal | int, decimals: int) -> str:
    """A number the way the form shows it: ``1.234.567,50``; ``parse_number`` reads it back.

    Padded to ``decimals`` places; extra significant places are kept, never rounded away
    (``core.formats.number`` with ``keep``: the one formatting layer).
    """
    return formats.number(value, decimals, keep=True)


def _decimal_places(number: Decimal) -> int:
    exponent = number.normalize().as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


# --- the expression language of cross rules -------------------------------------------------


class ExpressionError(ValueError):
    """A cross-rule expression that cannot be read; the message says where."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


InvalidExpression = ExpressionError


class UnknownCode(LookupError):
    """An expression names an indicator that has no value."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


class ExpressionDivisionByZero(ArithmeticError):
    """An expression divides by zero for these values."""


_TOKEN = re.compile(
    r"\s*(?:(?P<number>[0-9]+(?:\.[0-9]+)?)"
    r"|(?P<name>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)"
    r"|\[(?P<quoted>[^\[\]]+)\]"
    r"|(?P<op>[-+*/()]))",
    re.ASCII,
)

# An expression tree: ("num", Decimal) | ("code", str) | ("neg", node) | (op, node, node).
Node = tuple[object, ...]


@dataclass(frozen=True)
class Expression:
    """A parsed expression: indicator codes, numbers, + - * /, unary minus, parentheses.

    Codes are letters, digits and ``_`` (``CDS_01``), optionally with dotted parts
    (``CDS_01.numerator``); any other code is written in brackets (``[CĐS-01]``).
    """

    text: str
    tree: Node = field(repr=False)
    names: frozenset[str] = field(repr=False)  # as written: "A", "R.numerator"

    def codes(self) -> frozenset[str]:
        """The indicator codes named (``R`` for ``R.numerator``)."""
        return frozenset(_base_code(name) for name in self.names)

    def evaluate(self, values: Mapping[str, Decimal]) -> Decimal:
        """The value; ``UnknownCode`` for a code without a value, ``ExpressionDivisionByZero``."""
        with localcontext() as ctx:
            ctx.prec = 34
            ctx.traps[Overflow] = False
            ctx.traps[InvalidOperation] = False
            ctx.traps[DivisionByZero] = True
            return _evaluate(self.tree, values)


def _evaluate(node: Node, values: Mapping[str, Decimal]) -> Decimal:
    kind = node[0]
    if kind == "num":
        return node[1]  # type: ignore[return-value]
    if kind == "code":
        code = node[1]
        assert isinstance(code, str)
        if code not in values:
            raise UnknownCode(code)
        return values[code]
    if kind == "neg":
        return -_evaluate(node[1], values)  # type: ignore[arg-type]
    left = _evaluate(node[1], values)  # type: ignore[arg-type]
    right = _evaluate(node[2], values)  # type: ignore[arg-type]
    if kind == "+":
        return left + right
    if kind == "-":
        return left - right
    if kind == "*":
        return left * right
    if right == 0:
        raise ExpressionDivisionByZero
    return left / right


def _tokens(text: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    position = 0
    stripped = text.rstrip()
    while position < len(stripped):
        match = _TOKEN.match(stripped, position)
        if match is None:
            raise InvalidExpression(
                _("Cannot read the expression “%(text)s” at “%(rest)s”.")
                % {"text": text, "rest": stripped[position:].strip()[:20]}
            )
        kind = match.lastgroup or ""
        value = match.group(kind)
        if kind == "quoted":
            kind, value = "name", value.strip()
        tokens.append((kind, value))
        position = match.end()
    return tokens


def parse_expression(text: str) -> Expression:
    """Parse an expression over indicator codes; ``InvalidExpression`` says what is wrong."""
    if not isinstance(text, str) or not text.strip():
        raise InvalidExpression(_("The expression is empty."))
    if len(text) > MAX_EXPRESSION_LENGTH:
        raise InvalidExpression(
            _("The expression is too long (at most %(n)s characters).")
            % {"n": MAX_EXPRESSION_LENGTH}
        )
    tokens = _tokens(text)
    position = 0
    codes: set[str] = set()

    def peek() -> tuple[str, str] | None:
        return tokens[position] if position < len(tokens) else None

    def unexpected() -> InvalidExpression:
        token = peek()
        where = token[1] if token else _("the end")
        return InvalidExpression(
            _("Cannot read the expression “%(text)s”: unexpected %(where)s.")
            % {"text": text, "where": where}
        )

    def expr(depth: int) -> Node:
        nonlocal position
        node = term(depth)
        while (token := peek()) is not None and token[1] in ("+", "-") and token[0] == "op":
            position += 1
            node = (token[1], node, term(depth))
        return node

    def term(depth: int) -> Node:
        nonlocal position
        node = factor(depth)
        while (token := peek()) is not None and token[1] in ("*", "/") and token[0] == "op":
            position += 1
            node = (token[1], node, factor(depth))
        return node

    def factor(depth: int) -> Node:
        nonlocal position
        if depth > MAX_EXPRESSION_DEPTH:
            raise InvalidExpression(_("The expression is nested too deeply."))
        token = peek()
        if token is None:
            raise unexpected()
        kind, value = token
        if kind == "op" and value in ("-", "+"):
            position += 1
            inner = factor(depth + 1)
            return ("neg", inner) if value == "-" else inner
        if kind == "number":
            position += 1
            return ("num", Decimal(value))
        if kind == "name":
            position += 1
            codes.add(value)
            return ("code", value)
        if kind == "op" and value == "(":
            position += 1
            node = expr(depth + 1)
            closing = peek()
            if closing != ("op", ")"):
                raise unexpected()
            position += 1
            return node
        raise unexpected()

    tree = expr(0)
    if position != len(tokens):
        raise unexpected()
    return Expression(text=text, tree=tree, names=frozenset(codes))


def check_cross_rule(rule: CrossRule, known_codes: Iterable[str] | None = None) -> list[str]:
    """Problems with a cross rule's definition (for the configuration form); empty when fine.

    Each side must parse, the operator and importance must be known, and, when ``known_codes``
    is given, every code must be one of them (``CODE.numerator``/``CODE.denominator`` included).
    """
    problems: list[str] = []
    if rule.op not in OPERATORS:
        problems.append(
            _("Unknown comparison “%(op)s”; use one of %(ops)s.")
            % {"op": rule.op, "ops": " ".join(OPERATORS)}
        )
    if rule.importance not in (Importance.HARD, Importance.SOFT):
        problems.append(_("The importance must be hard or soft."))
    known = set(known_codes) if known_codes is not None else None
    for side in (rule.left, rule.right):
        try:
            expression = parse_expression(side)
        except InvalidExpression as exc:
            problems.append(exc.message)
            continue
        if known is None:
            continue
        for code in sorted(expression.codes()):
            if code not in known:
                problems.append(_("Unknown indicator code “%(code)s”.") % {"code": code})
    return problems


def _base_code(code: str) -> str:
    for suffix in (".numerator", ".denominator"):
        if code.endswith(suffix):
            return code[: -len(suffix)]
    return code


def _compare(left: Decimal, op: str, right: Decimal) -> bool:
    return {
        "<=": left <= right,
        "<": left < right,
        ">=": left >= right,
        ">": left > right,
        "==": left == right,
        "!=": left != right,
    }[op]


# --- the shape of what is sent ---------------------------------------------------------------


class Intent(StrEnum):
    """What an input asks for one indicator's stored value."""

    SET = "set"  # store the figure sent
    CLEAR = "clear"  # remove the stored figure: only when asked in so many words
    KEEP = "keep"  # nothing sent: the stored figure (or its absence) stays as it is


@dataclass(frozen=True)
class Sent:
    """Which parts of a value an input carries (non-blank), and whether it asks to clear it.

    ``named``: the input names this indicator on purpose (an item of an API request), so an
    item carrying nothing is a mistake; a form lists every indicator, so a blank row of a
    form says nothing and keeps what is stored.
    """

    value: bool = False
    numerator: bool = False
    denominator: bool = False
    clear: bool = False
    named: bool = False


def shape_of(rule: IndicatorRule, sent: Sent) -> tuple[Intent, list[Finding]]:
    """What an input asks, or why its shape is refused: the one rule for every path.

    A ratio is sent as its numerator and its denominator, anything else as one value; a part
    of the other shape is refused (never ignored: a ratio's "value" once passed for "nothing
    sent" and cleared the stored pair). Nothing sent keeps the stored figure; a figure is
    removed only by an explicit clear, which carries no figure. The findings name the field
    and the shape expected.
    """
    ratio = rule.value_type == ValueType.RATIO
    parts = [
        (FindingField.VALUE, sent.value),
        (FindingField.NUMERATOR, sent.numerator),
        (FindingField.DENOMINATOR, sent.denominator),
    ]
    given = [name for name, present in parts if present]
    if sent.clear and given:
        return Intent.KEEP, [
            _error(
                rule,
                given[0],
                "clear_with_value",
                _("Either clear the stored value or send a new one, not both."),
            )
        ]
    wrong = [
        name
        for name in given
        if (name == FindingField.VALUE) == ratio  # a ratio's value, or another's parts
    ]
    if wrong:
        return Intent.KEEP, [_wrong_shape(rule, name, ratio) for name in wrong]
    if ratio and len(given) == 1:
        missing = FindingField.DENOMINATOR if sent.numerator else FindingField.NUMERATOR
        return Intent.KEEP, [
            _error(
                rule,
                missing,
                "ratio_incomplete",
                _("A ratio needs both its numerator and its denominator."),
            )
        ]
    if given:
        return Intent.SET, []
    if sent.clear:
        return Intent.CLEAR, []
    if sent.named:
        return Intent.KEEP, [
            _error(
                rule,
                FindingField.NUMERATOR if ratio else FindingField.VALUE,
                "nothing_sent",
                _(
                    "Nothing to save for this indicator: send its %(shape)s, or ask to clear "
                    "the stored value."
                )
                % {"shape": _expected_shape(ratio)},
            )
        ]
    return Intent.KEEP, []


def _expected_shape(ratio: bool) -> str:
    return _("numerator and denominator") if ratio else _("value")


def _wrong_shape(rule: IndicatorRule, field_: str, ratio: bool) -> Finding:
    if ratio:
        message = _(
            "This indicator is a ratio: send its numerator and denominator, not a single value."
        )
    else:
        message = _(
            "This indicator takes a single value, not a numerator and a denominator: send it "
            "as the value."
        )
    return _error(rule, field_, "shape", message)


# --- judging values -------------------------------------------------------------------------


def _finding(
    rule: IndicatorRule | str, field_: str, severity: str, key: str, message: str
) -> Finding:
    code = rule if isinstance(rule, str) else rule.code
    return Finding(indicator_code=code, field=field_, severity=severity, rule=key, message=message)


def _error(rule: IndicatorRule, field_: str, key: str, message: str) -> Finding:
    return _finding(rule, field_, Severity.ERROR, key, message)


def _number_problem(rule: IndicatorRule, field_: str, number: object) -> Finding | None:
    """A value that is not a usable finite number of the right size and precision."""
    if not isinstance(number, Decimal | int) or isinstance(number, bool):
        return _error(rule, field_, "type", _("This is not a number."))
    number = Decimal(number)
    if not number.is_finite():
        return _error(rule, field_, "type", _("This is not a number."))
    if abs(number) >= MAX_ABS:
        return _error(
            rule,
            field_,
            "too_large",
            _("This number is too large: at most %(digits)s digits before the decimals.")
            % {"digits": MAX_INTEGER_DIGITS},
        )
    allowed = 0 if rule.value_type in (ValueType.MONEY, ValueType.BOOLEAN) else rule.decimals
    allowed = min(max(allowed, 0), MAX_DECIMALS)
    places = _decimal_places(number)
    if places > allowed:
        if rule.value_type == ValueType.MONEY:
            message = _("Amounts of money are whole đồng, without decimals.")
        elif allowed == 0:
            message = _("This indicator takes a whole number.")
        else:
            message = _("At most %(decimals)s decimal places are allowed.") % {"decimals": allowed}
        return _error(rule, field_, "decimals", message)
    return None


def scalar_of(rule: IndicatorRule, value: Value) -> Decimal | None:
    """The number a value stands for (a ratio's numerator ÷ denominator × factor), or None."""
    if value is None:
        return None
    if isinstance(value, tuple):
        numerator, denominator = value
        if not _usable(numerator) or not _usable(denominator) or denominator == 0:
            return None
        assert numerator is not None and denominator is not None
        with localcontext() as ctx:
            ctx.prec = 34
            return numerator / denominator * Decimal(rule.factor)
    return value if _usable(value) else None


def _usable(number: object) -> bool:
    return isinstance(number, Decimal) and number.is_finite() and abs(number) < MAX_ABS


def check_value(
    rule: IndicatorRule,
    value: Value,
    previous_cumulative: Decimal | None = None,
    history: Sequence[Decimal | None] = (),
) -> list[Finding]:
    """Judge one value. An empty value (None, or a ratio with both parts None) has no findings.

    ``value`` is a Decimal, or (numerator, denominator) for a ratio; a ratio may also be given as
    its scalar alone (a percentage imported as such). ``previous_cumulative`` is the previous
    period's scalar for a cumulative indicator (None at the start of a series). ``history`` holds
    earlier scalars of comparable periods, for the outlier check: a value whose modified z-score
    (0.6745·(x − median)/MAD) exceeds 3.5 in absolute value, given at least 6 history points, is a
    warning needing a comment. When MAD is 0 the mean absolute deviation stands in
    (x − median)/(1.253314·meanAD); when that is 0 too (a constant history), any different value
    is an outlier. Yes/no indicators have no outliers. Never raises.
    """
    findings: list[Finding] = []
    if value is None:
        return findings
    with localcontext() as ctx:
        ctx.prec = 34
        ctx.traps[Overflow] = False
        ctx.traps[InvalidOperation] = False
        ctx.traps[DivisionByZero] = False
        scalar = _check_shape(rule, value, findings)
        if scalar is None or findings:
            return findings
        findings.extend(_check_bounds(rule, scalar, value))
        if (
            rule.cumulative
            and previous_cumulative is not None
            and _usable(previous_cumulative)
            and scalar < previous_cumulative
        ):
            findings.append(
                _error(
                    rule,
                    FindingField.VALUE,
                    "cumulative_decreased",
                    _(
                        "This is a running total: it cannot be lower than the previous "
                        "period's %(previous)s. Correct this value or the previous period's."
                    )
                    % {"previous": _shown(previous_cumulative)},
                )
            )
        median = None if rule.value_type == ValueType.BOOLEAN else _outlier(scalar, history)
        if median is not None:
            findings.append(
                _finding(
                    rule,
                    FindingField.VALUE,
                    Severity.WARNING,
                    "outlier",
                    _(
                        "This value is far from the usual ones (median %(median)s): "
                        "check it, and explain it in a comment if it is right."
                    )
                    % {"median": _shown(median)},
                )
            )
    return findings


def _check_shape(rule: IndicatorRule, value: Value, findings: list[Finding]) -> Decimal | None:
    """Type and precision; returns the scalar, or None when there is nothing more to judge."""
    if isinstance(value, tuple):
        if rule.value_type != ValueType.RATIO or len(value) != 2:
            findings.append(
                _error(rule, FindingField.VALUE, "type", _("This indicator takes one number."))
            )
            return None
        numerator, denominator = value
        if numerator is None and denominator is None:
            return None
        if numerator is None or denominator is None:
            missing = FindingField.NUMERATOR if numerator is None else FindingField.DENOMINATOR
            findings.append(
                _error(
                    rule,
                    missing,
                    "ratio_incomplete",
                    _("A ratio needs both its numerator and its denominator."),
                )
            )
            return None
        for part, field_ in (
            (numerator, FindingField.NUMERATOR),
            (denominator, FindingField.DENOMINATOR),
        ):
            problem = _number_problem(rule, field_, part)
            if problem is not None:
                findings.append(problem)
        if findings:
            return None
        if numerator < 0:
            findings.append(
                _error(
                    rule, FindingField.NUMERATOR, "negative", _("A numerator cannot be negative.")
                )
            )
        if denominator < 0:
            findings.append(
                _error(
                    rule,
                    FindingField.DENOMINATOR,
                    "negative",
                    _("A denominator cannot be negative."),
                )
            )
        if findings:
            return None
        if denominator == 0:
            if numerator > 0:
                findings.append(
                    _error(
                        rule,
                        FindingField.DENOMINATOR,
                        "zero_denominator",
                        _("The denominator is 0 but the numerator is not: check both."),
                    )
                )
            return None  # 0 of 0: reported, nothing to compare
        if numerator > denominator:
            findings.append(
                _error(
                    rule,
                    FindingField.NUMERATOR,
                    "numerator_exceeds_denominator",
                    _("The numerator (%(n)s) cannot be larger than the denominator (%(d)s).")
                    % {
                        "n": format_number(numerator, rule.decimals),
                        "d": format_number(denominator, rule.decimals),
                    },
                )
            )
            return None
        return scalar_of(rule, value)
    problem = _number_problem(rule, FindingField.VALUE, value)
    if problem is not None:
        findings.append(problem)
        return None
    assert isinstance(value, Decimal | int)
    number = Decimal(value)
    if rule.value_type == ValueType.BOOLEAN and number not in (0, 1):
        findings.append(_error(rule, FindingField.VALUE, "type", _("Answer yes (1) or no (0).")))
        return None
    if rule.value_type == ValueType.COUNT and number < 0:
        findings.append(
            _error(rule, FindingField.VALUE, "negative", _("A count cannot be negative."))
        )
        return None
    if rule.value_type == ValueType.RATIO:
        if number < 0:
            findings.append(
                _error(rule, FindingField.VALUE, "negative", _("A ratio cannot be negative."))
            )
            return None
        if Decimal(rule.factor) == 100 and number > 100:
            findings.append(
                _error(
                    rule,
                    FindingField.VALUE,
                    "percent_over_100",
                    _("A percentage cannot be more than 100."),
                )
            )
            return None
    return number


def _check_bounds(rule: IndicatorRule, scalar: Decimal, value: Value) -> list[Finding]:
    findings: list[Finding] = []
    field_ = FindingField.NUMERATOR if isinstance(value, tuple) else FindingField.VALUE
    shown = max(rule.decimals, 2) if isinstance(value, tuple) else rule.decimals
    if _usable(rule.min_value) and scalar < rule.min_value:  # type: ignore[operator]
        findings.append(
            _error(
                rule,
                field_,
                "min_value",
                _("The value %(value)s is below the minimum %(min)s.")
                % {
                    "value": format_number(_round(scalar, shown), shown),
                    "min": format_number(rule.min_value, rule.decimals),  # type: ignore[arg-type]
                },
            )
        )
    if _usable(rule.max_value) and scalar > rule.max_value:  # type: ignore[operator]
        findings.append(
            _error(
                rule,
                field_,
                "max_value",
                _("The value %(value)s is above the maximum %(max)s.")
                % {
                    "value": format_number(_round(scalar, shown), shown),
                    "max": format_number(rule.max_value, rule.decimals),  # type: ignore[arg-type]
                },
            )
        )
    return findings


def _round(number: Decimal, places: int) -> Decimal:
    return number.quantize(Decimal(1).scaleb(-places))


def _outlier(scalar: Decimal, history: Sequence[Decimal | None]) -> Decimal | None:
    """The history's median when ``scalar`` is an outlier against it, else None."""
    points = [float(h) for h in history if h is not None and _usable(h)]
    if len(points) < OUTLIER_MIN_HISTORY:
        return None
    x = float(scalar)
    median = statistics.median(points)
    mad = statistics.median(abs(p - median) for p in points)
    if mad > 0:
        z = MAD_SCALE * (x - median) / mad
    else:
        mean_ad = statistics.fmean(abs(p - median) for p in points)
        if mean_ad > 0:
            z = (x - median) / (MEAN_AD_SCALE * mean_ad)
        else:
            z = 0.0 if x == median else math.inf
    if not abs(z) > OUTLIER_THRESHOLD:
        return None
    return Decimal(repr(median))


# --- whole forms ----------------------------------------------------------------------------


def check_form(
    rules: Iterable[IndicatorRule],
    values: Mapping[str, Value],
    cross_rules: Iterable[CrossRule] = (),
    previous: Mapping[str, Decimal | None] | None = None,
    histories: Mapping[str, Sequence[Decimal | None]] | None = None,
    comments: Mapping[str, str] | None = None,
    *,
    context: Mapping[str, Decimal] | None = None,
) -> dict[str, list[Finding]]:
    """Judge the values of a form: each value, then the cross rules. Code → findings (non-empty).

    ``values`` holds what is being saved; a code without a rule is an error. ``context`` holds
    scalars of other indicators already stored for the same agency and period, so a cross rule
    can compare a value being saved with one saved earlier (values being saved take precedence).

    A cross rule is evaluated only when every code it names has a value (a value with an error
    counts as absent) and it names at least one code being saved; its finding goes on the first
    code being saved that it names (left side first). Names may be ``CODE`` (the scalar) or
    ``CODE.numerator`` / ``CODE.denominator`` for a ratio being saved. A division by zero leaves
    the rule unevaluated with a warning saying so; a rule whose expressions cannot be parsed is
    skipped (``check_cross_rule`` refuses it when it is configured).

    A value with a warning and no comment gets a ``comment_required`` error, so a form blocks
    exactly when ``blocking`` is true for one of its codes.
    """
    previous = previous or {}
    histories = histories or {}
    comments = comments or {}
    by_code = {rule.code: rule for rule in rules}
    results: dict[str, list[Finding]] = {}
    env: dict[str, Decimal] = {
        code: number for code, number in (context or {}).items() if _usable(number)
    }
    for code, value in values.items():
        rule = by_code.get(code)
        if rule is None:
            results[code] = [
                _finding(
                    code,
                    FindingField.VALUE,
                    Severity.ERROR,
                    "unknown_indicator",
                    _("This indicator is not on the report's form."),
                )
            ]
            env.pop(code, None)
            continue
        findings = check_value(rule, value, previous.get(code), histories.get(code, ()))
        if findings:
            results[code] = findings
        scalar = scalar_of(rule, value)
        if any(f.severity == Severity.ERROR for f in findings) or scalar is None:
            env.pop(code, None)
            continue
        env[code] = scalar
        if isinstance(value, tuple):
            env[f"{code}.numerator"], env[f"{code}.denominator"] = value  # type: ignore[assignment]
    for cross in cross_rules:
        finding = _check_cross(cross, values, env)
        if finding is not None:
            results.setdefault(finding.indicator_code, []).append(finding)
    for code in values:
        findings = results.get(code, [])
        if needs_comment(findings) and not (comments.get(code) or "").strip():
            findings.append(
                _finding(
                    code,
                    FindingField.COMMENT,
                    Severity.ERROR,
                    "comment_required",
                    _("Explain this value in a comment before saving."),
                )
            )
    return results


def _check_cross(
    cross: CrossRule, values: Mapping[str, Value], env: Mapping[str, Decimal]
) -> Finding | None:
    try:
        left = parse_expression(cross.left)
        right = parse_expression(cross.right)
    except InvalidExpression:
        return None
    if cross.op not in OPERATORS:
        return None
    ordered = sorted(left.names, key=cross.left.find) + sorted(right.names, key=cross.right.find)
    saving = [code for code in ordered if _base_code(code) in values]
    if not saving or any(code not in env for code in ordered):
        return None
    target = _base_code(saving[0])
    try:
        left_value = left.evaluate(env)
        right_value = right.evaluate(env)
    except ExpressionDivisionByZero:
        return _finding(
            target,
            FindingField.VALUE,
            Severity.WARNING,
            "cross_rule_not_evaluated",
            _("The check “%(rule)s” could not be made: it divides by zero with these values.")
            % {"rule": f"{cross.left} {cross.op} {cross.right}"},
        )
    except UnknownCode:  # pragma: no cover - every code was checked to be in env
        return None
    if not (left_value.is_finite() and right_value.is_finite()):
        return None
    if _compare(left_value, cross.op, right_value):
        return None
    severity = Severity.ERROR if cross.importance == Importance.HARD else Severity.WARNING
    detail = _("%(left)s = %(lv)s, %(right)s = %(rv)s") % {
        "left": cross.left.strip(),
        "lv": _shown(left_value),
        "right": cross.right.strip(),
        "rv": _shown(right_value),
    }
    message = cross.message.strip() or _("The check %(rule)s fails.") % {
        "rule": f"{cross.left.strip()} {cross.op} {cross.right.strip()}"
    }
    return _finding(target, FindingField.VALUE, severity, "cross_rule", f"{message} ({detail})")


def _shown(number: Decimal) -> str:
    if number == number.to_integral_value():
        return format_number(number.to_integral_value(), 0)
    return format_number(_round(number, 2), 2)


def needs_comment(findings: Iterable[Finding]) -> bool:
    """Whether the findings include a warning (which a comment must explain)."""
    return any(f.severity == Severity.WARNING for f in findings)


def blocking(findings: Iterable[Finding], comment: str | None = None) -> bool:
    """Whether the findings stop the value being saved.

    Any error blocks. A warning blocks unless ``comment`` is non-blank; pass no comment for the
    output of ``check_form``, which has already turned an unexplained warning into an error.
    """
    items = list(findings)
    if any(f.severity == Severity.ERROR for f in items):
        return True
    if comment is None:
        return False
    return needs_comment(items) and not comment.strip()
