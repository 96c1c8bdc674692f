"""Writes to the indicator catalogue, validation rules and targets: checked and audited.

Central coordinators and administrators maintain the catalogue and set and approve targets.
An approved target is a baseline: changing it needs a reason, and the value first approved
stays on record (Target.baseline_value, TargetRevision).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dxgov.audit.models import EventType
from dxgov.audit.record import changes, record
from dxgov.core.roles import CENTRAL_ROLES, Role
from dxgov.indicators import targets as target_rules
from dxgov.indicators.models import (
    Disaggregation,
    Indicator,
    Milestone,
    Periodicity,
    Source,
    Target,
    TargetBasis,
    TargetRevision,
    TargetScope,
    TargetState,
    ValidationRule,
    ValueType,
)
from dxgov.indicators.validation import CrossRule, check_cross_rule
from dxgov.orgunits.models import Agency, AgencyKind, Level

MAX_DECIMALS = 6


class TargetLocked(ValidationError):
    """An approved target changed without a reason."""


def require_catalogue_role(user: Any) -> None:
    if user is None or Role(user.role) not in CENTRAL_ROLES:
        raise PermissionDenied(
            _("Only central coordinators and administrators maintain indicators and targets.")
        )


@dataclass
class IndicatorInput:
    code: str
    name: str
    value_type: str
    owner: Agency
    name_en: str = ""
    short_name: str = ""  # as charts write it; blank: from the name by rule (Indicator.label)
    definition: str = ""
    unit: str = ""
    factor: int = 1
    decimals: int = 0
    direction: str = "higher"
    periodicity: str = Periodicity.MONTH
    source: str = Source.REPORTED
    disaggregation: str = Disaggregation.NONE
    min_value: Decimal | None = None
    max_value: Decimal | None = None
    cumulative: bool = False
    active: bool = True


def _check_indicator(data: IndicatorInput) -> None:
    errors: dict[str, str] = {}
    code = data.code.strip()
    if not code or len(code) > 32 or not all(c.isalnum() or c in "._-" for c in code):
        errors["code"] = _("A code is 1–32 letters, digits, dots, hyphens or underscores.")
    if not data.name.strip():
        errors["name"] = _("An indicator needs a name.")
    if data.value_type not in ValueType.values:
        errors["value_type"] = _("Unknown value type.")
    if data.value_type == ValueType.RATIO and data.factor < 1:
        errors["factor"] = _("A ratio's factor is at least 1 (100 for a percentage).")
    if not 0 <= data.decimals <= MAX_DECIMALS:
        errors["decimals"] = _("Between 0 and 6 decimal places.")
    if data.value_type in (ValueType.MONEY, ValueType.BOOLEAN) and data.decimals:
        errors["decimals"] = _("Money (whole đồng) and yes/no values have no decimals.")
    if (
        data.min_value is not None
        and data.max_value is not None
        and data.min_value > data.max_value
    ):
        errors["max_value"] = _("The maximum is below the minimum.")
    if data.periodicity not in Periodicity.values:
        errors["periodicity"] = _("Unknown periodicity.")
    if errors:
        raise ValidationError(errors)


def _indicator_fields(data: IndicatorInput) -> dict[str, Any]:
    return {
        "code": data.code.strip(),
        "name": data.name.strip(),
        "name_en": data.name_en.strip(),
        "short_name": data.short_name.strip(),
        "definition": data.definition.strip(),
        "unit": data.unit.strip(),
        "value_type": data.value_type,
        "factor": data.factor if data.value_type == ValueType.RATIO else 1,
        "decimals": data.decimals,
        "direction": data.direction,
        "periodicity": data.periodicity,
        "source": data.source,
        "disaggregation": data.disaggregation,
        "min_value": data.min_value,
        "max_value": data.max_value,
        "cumulative": data.cumulative,
        "active": data.active,
    }


@transaction.atomic
def create_indicator(*, acting_user: Any, data: IndicatorInput) -> Indicator:
    require_catalogue_role(acting_user)
    _check_indicator(data)
    fields = _indicator_fields(data)
    if Indicator.objects.filter(code=fields["code"]).exists():
        raise ValidationError({"code": _("An indicator with this code exists.")})
    indicator = Indicator.objects.create(owner=data.owner, **fields)
    record(
        event_type=EventType.INDICATOR_CREATED,
        acting_user=acting_user,
        target=indicator,
        agency_id=data.owner.pk,
        data={**fields, "owner": data.owner.code},
    )
    return indicator


@transaction.atomic
def update_indicator(*, acting_user: Any, indicator: Indicator, data: IndicatorInput) -> Indicator:
    require_catalogue_role(acting_user)
    _check_indicator(data)
    indicator = Indicator.objects.select_for_update().get(pk=indicator.pk)
    fields = _indicator_fields(data)
    if fields["code"] != indicator.code:
        raise ValidationError({"code": _("An indicator's code cannot change once created.")})
    if indicator.values.exists() and fields["value_type"] != indicator.value_type:
        raise ValidationError(
            {"value_type": _("This indicator has values; its type can no longer change.")}
        )
    old = {name: getattr(indicator, name) for name in fields}
    for name, value in fields.items():
        setattr(indicator, name, value)
    indicator.owner = data.owner
    indicator.save()
    diff = changes(old, fields)
    if diff:
        record(
            event_type=EventType.INDICATOR_UPDATED,
            acting_user=acting_user,
            target=indicator,
            agency_id=indicator.owner_id,
            data={"changes": diff},
        )
    return indicator


@transaction.atomic
def save_validation_rule(
    *,
    acting_user: Any,
    name: str,
    left: str,
    operator: str,
    right: str,
    importance: str,
    message: str,
    rule: ValidationRule | None = None,
) -> ValidationRule:
    """Create or change a cross-indicator rule; both sides must parse and name known codes."""
    require_catalogue_role(acting_user)
    known = set(Indicator.objects.values_list("code", flat=True))
    problems = check_cross_rule(
        CrossRule(left=left, op=operator, right=right, importance=importance, message=message),
        known,
    )
    errors: dict[str, str] = {}
    if problems:
        errors["rule"] = " ".join(problems)
    if not name.strip() or not message.strip():
        errors["message"] = _("A rule needs a name and a message for the person entering data.")
    if errors:
        raise ValidationError(errors)
    fields = {
        "name": name.strip(),
        "left": left.strip(),
        "operator": operator,
        "right": right.strip(),
        "importance": importance,
        "message": message.strip(),
    }
    if rule is None:
        rule = ValidationRule.objects.create(**fields)
        diff: dict[str, Any] = fields
    else:
        rule = ValidationRule.objects.select_for_update().get(pk=rule.pk)
        diff = changes({k: getattr(rule, k) for k in fields}, fields)
        for key, value in fields.items():
            setattr(rule, key, value)
        rule.save()
    record(
        event_type=EventType.VALIDATION_RULE_SAVED,
        acting_user=acting_user,
        target=rule,
        data=diff,
    )
    return rule


def _decimal(value: Any, field: str) -> Decimal:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise ValidationError({field: _("Not a number.")}) from exc
    if not number.is_finite():
        raise ValidationError({field: _("Not a number.")})
    return number


def _check_milestones(milestones: dict[int, Decimal]) -> dict[int, Decimal]:
    checked: dict[int, Decimal] = {}
    for quarter, value in milestones.items():
        if quarter not in (1, 2, 3, 4):
            raise ValidationError({"milestones": _("Milestones are for quarters 1 to 4.")})
        checked[quarter] = _decimal(value, "milestones")
    return checked


def _check_scope_and_basis(
    indicator: Indicator,
    agency: Agency | None,
    agency_kind: str,
    agency_level: str,
    scope: str | None,
    aggregation: str | None,
) -> tuple[str, str]:
    """The target's scope and basis, stated or derived, checked against each other."""
    if agency is not None and agency_kind:
        raise ValidationError({"agency_kind": _("Either one agency or a kind of agency.")})
    if agency_kind and agency_kind not in AgencyKind.values:
        raise ValidationError({"agency_kind": _("Unknown kind of agency.")})
    if agency_level and agency_level not in Level.values:
        raise ValidationError({"agency_level": _("Unknown administrative level.")})
    if agency_level and not agency_kind:
        raise ValidationError(
            {"agency_level": _("A level narrows a kind of agency: choose the kind too.")}
        )
    if scope is None:
        scope = (
            TargetScope.AGENCY
            if agency is not None
            else TargetScope.EACH
            if agency_kind
            else TargetScope.NATIONAL
        )
    if scope not in TargetScope.values:
        raise ValidationError({"scope": _("Unknown scope.")})
    if (scope == TargetScope.AGENCY) != (agency is not None) or (
        (scope == TargetScope.EACH) != bool(agency_kind)
    ):
        raise ValidationError(
            {
                "scope": _(
                    "The scope does not match: one agency needs the agency, each agency of a "
                    "kind needs the kind, the nation needs neither."
                )
            }
        )
    if aggregation is None or aggregation == "":
        aggregation = target_rules.unstated_basis(cumulative=indicator.cumulative).value
    if aggregation not in TargetBasis.values:
        raise ValidationError({"aggregation": _("Unknown basis.")})
    if aggregation == TargetBasis.CUMULATIVE and not indicator.cumulative:
        raise ValidationError(
            {"aggregation": _("Only a cumulative indicator has a cumulative-to-date target.")}
        )
    if aggregation == TargetBasis.RATIO_OF_SUMS and indicator.value_type != ValueType.RATIO:
        raise ValidationError(
            {"aggregation": _("Σ numerators ÷ Σ denominators is the basis of a ratio only.")}
        )
    if indicator.value_type == ValueType.RATIO and aggregation in (
        TargetBasis.SUM,
        TargetBasis.AVERAGE,
    ):
        raise ValidationError(
            {
                "aggregation": _(
                    "A ratio's values are neither added up nor averaged: its year is "
                    "Σ numerators ÷ Σ denominators."
                )
            }
        )
    return str(scope), str(aggregation)


@transaction.atomic
def set_target(
    *,
    acting_user: Any,
    indicator: Indicator,
    year: int,
    value: Decimal,
    agency: Agency | None = None,
    agency_kind: str = "",
    milestones: dict[int, Decimal] | None = None,
    basis: str = "",
    aggregation: str | None = None,
    agency_level: str = "",
    scope: str | None = None,
) -> Target:
    """Create or change a draft target (an approved one goes through revise_target).

    `basis` names the document the target comes from; `aggregation` is how the year's figure
    compared with it is made (TargetBasis; unstated: the value at the end of the year, or to
    date for a cumulative indicator); `scope` is whom it is judged for (TargetScope; unstated:
    the agency given, else each agency of the kind given — of `agency_level` when set — else
    the nation).
    """
    require_catalogue_role(acting_user)
    if not 2000 <= year <= 2100:
        raise ValidationError({"year": _("A target year between 2000 and 2100.")})
    scope, aggregation = _check_scope_and_basis(
        indicator, agency, agency_kind, agency_level, scope, aggregation
    )
    value = _decimal(value, "value")
    checked = _check_milestones(milestones or {})
    existing = (
        Target.objects.select_for_update()
        .filter(
            indicator=indicator,
            agency=agency,
            agency_kind=agency_kind,
            agency_level=agency_level,
            year=year,
        )
        .first()
    )
    if existing is not None and existing.state == TargetState.APPROVED:
        raise TargetLocked(
            _(
                "This target is approved; change it with a reason (revise), "
                "which keeps the baseline."
            )
        )
    if existing is None:
        target = Target.objects.create(
            indicator=indicator,
            agency=agency,
            agency_kind=agency_kind,
            agency_level=agency_level,
            scope=scope,
            year=year,
            value=value,
            aggregation=aggregation,
            basis=basis.strip(),
        )
        old: dict[str, Any] = {}
    else:
        target = existing
        old = {"value": target.value, "basis": target.basis, "aggregation": target.aggregation}
        target.value = value
        target.basis = basis.strip()
        target.aggregation = aggregation
        target.scope = scope
        target.save(update_fields=["value", "basis", "aggregation", "scope"])
    target.milestones.all().delete()
    Milestone.objects.bulk_create(
        [Milestone(target=target, quarter=q, value=v) for q, v in sorted(checked.items())]
    )
    record(
        event_type=EventType.TARGET_SET,
        acting_user=acting_user,
        target=target,
        agency_id=agency.pk if agency else None,
        data={
            "indicator": indicator.code,
            "year": year,
            "agency": agency.code if agency else agency_kind or "national",
            "level": agency_level,
            "scope": scope,
            "changes": changes(
                old, {"value": value, "basis": target.basis, "aggregation": aggregation}
            ),
            "milestones": {str(q): str(v) for q, v in sorted(checked.items())},
        },
    )
    return target


@transaction.atomic
def approve_target(*, acting_user: Any, target: Target) -> Target:
    require_catalogue_role(acting_user)
    target = Target.objects.select_for_update().get(pk=target.pk)
    if target.state == TargetState.APPROVED:
        raise TargetLocked(_("This target is already approved."))
    target.state = TargetState.APPROVED
    target.baseline_value = target.value
    target.approved_by = acting_user
    target.approved_at = timezone.now()
    target.save(update_fields=["state", "baseline_value", "approved_by", "approved_at"])
    record(
        event_type=EventType.TARGET_APPROVED,
        acting_user=acting_user,
        target=target,
        agency_id=target.agency_id,
        data={"indicator": target.indicator.code, "year": target.year, "value": target.value},
    )
    return target


@transaction.atomic
def revise_target(
    *,
    acting_user: Any,
    target: Target,
    value: Decimal,
    reason: str,
    milestones: dict[int, Decimal] | None = None,
) -> Target:
    """Change an approved target: needs a reason; the baseline stays as first approved."""
    require_catalogue_role(acting_user)
    target = Target.objects.select_for_update().get(pk=target.pk)
    if target.state != TargetState.APPROVED:
        raise ValidationError({"value": _("Only an approved target is revised; edit the draft.")})
    if not reason.strip():
        raise TargetLocked(_("Changing an approved target needs a reason."))
    value = _decimal(value, "value")
    old_value = target.value
    TargetRevision.objects.create(
        target=target,
        old_value=old_value,
        new_value=value,
        reason=reason.strip(),
        changed_by=acting_user,
    )
    target.value = value
    target.save(update_fields=["value"])
    if milestones is not None:
        checked = _check_milestones(milestones)
        target.milestones.all().delete()
        Milestone.objects.bulk_create(
            [Milestone(target=target, quarter=q, value=v) for q, v in sorted(checked.items())]
        )
    record(
        event_type=EventType.TARGET_REVISED,
        acting_user=acting_user,
        target=target,
        agency_id=target.agency_id,
        data={
            "indicator": target.indicator.code,
            "year": target.year,
            "value": {"old": old_value, "new": value},
            "baseline": target.baseline_value,
        },
        reason=reason.strip(),
    )
    return target
