"""DRF's field validation, with DRF's messages, driven by the OpenAPI-derived field specs.

All errors of a body are collected and raised together, as DRF does; nothing is written unless
the whole body is valid.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from . import timeconv
from .errors import ValidationFailed
from .openapi import FieldSpec

REQUIRED = "This field is required."
NOT_NULL = "This field may not be null."
NOT_BLANK = "This field may not be blank."
_TRUE = {"t", "T", "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON", "1", 1}
_FALSE = {"f", "F", "n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF", "0", 0}
_TRAILING_ZEROS = re.compile(r"\.0*\s*$")
DATETIME_FORMAT_HINT = "YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z]"

ExistsFn = Callable[[str, int], bool]


class _Invalid(Exception):
    def __init__(self, message: str) -> None:
        self.message = message


def _to_int(value: Any) -> int:
    if isinstance(value, (bool, dict, list)):
        raise _Invalid("A valid integer is required.")
    text = str(value)
    if len(text) > 1000:
        raise _Invalid("String value too large.")
    try:
        return int(_TRAILING_ZEROS.sub("", text))
    except (ValueError, TypeError):
        raise _Invalid("A valid integer is required.") from None


def _convert(spec: FieldSpec, value: Any, exists: ExistsFn) -> Any:
    kind = spec.kind
    if kind == "int":
        number = _to_int(value)
        if spec.maximum is not None and number > spec.maximum:
            raise _Invalid(f"Ensure this value is less than or equal to {spec.maximum}.")
        if spec.minimum is not None and number < spec.minimum:
            raise _Invalid(f"Ensure this value is greater than or equal to {spec.minimum}.")
        return number
    if kind == "choice":
        for choice in spec.choices:
            if str(choice) == str(value) and not isinstance(value, (dict, list)):
                return choice
        raise _Invalid(f'"{value}" is not a valid choice.')
    if kind == "bool":
        if isinstance(value, (str, int, float, bool)) and value in _TRUE:
            return True
        if isinstance(value, (str, int, float, bool)) and value in _FALSE:
            return False
        raise _Invalid("Must be a valid boolean.")
    if kind == "str":
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise _Invalid("Not a valid string.")
        text = str(value)
        if "\x00" in text:
            raise _Invalid("Null characters are not allowed.")
        if spec.max_length is not None and len(text) > spec.max_length:
            raise _Invalid(f"Ensure this field has no more than {spec.max_length} characters.")
        return text
    if kind == "datetime":
        parsed = timeconv.parse_datetime(value) if isinstance(value, str) else None
        if parsed is None:
            raise _Invalid(f"Datetime has wrong format. Use one of these formats instead: {DATETIME_FORMAT_HINT}.")
        return parsed
    if kind == "time":
        parsed_time = timeconv.parse_time(value) if isinstance(value, str) else None
        if parsed_time is None:
            raise _Invalid("Time has wrong format. Use one of these formats instead: hh:mm[:ss[.uuuuuu]].")
        return parsed_time
    if kind == "duration":
        parsed_delta = None if isinstance(value, (bool, dict, list)) else timeconv.parse_duration(str(value))
        if parsed_delta is None:
            raise _Invalid("Duration has wrong format. Use one of these formats instead: [DD] [HH:[MM:]]ss[.uuuuuu].")
        return parsed_delta
    if kind == "decimal":
        return _decimal(spec, value)
    if kind == "float":
        if isinstance(value, bool):
            raise _Invalid("A valid number is required.")
        try:
            return float(value)
        except (TypeError, ValueError):
            raise _Invalid("A valid number is required.") from None
    if kind == "fk":
        if isinstance(value, (bool, dict, list, float)):
            raise _Invalid(f"Incorrect type. Expected pk value, received {type(value).__name__}.")
        try:
            pk = int(str(value))
        except ValueError:
            raise _Invalid(f"Incorrect type. Expected pk value, received {type(value).__name__}.") from None
        if spec.fk_table is None or not exists(spec.fk_table, pk):
            raise _Invalid(f'Invalid pk "{value}" - object does not exist.')
        return pk
    raise AssertionError(f"unknown field kind {kind}")


def _decimal(spec: FieldSpec, value: Any) -> str:
    if isinstance(value, (bool, dict, list)):
        raise _Invalid("A valid number is required.")
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise _Invalid("A valid number is required.") from None
    if not number.is_finite():
        raise _Invalid("A valid number is required.")
    places = spec.decimal_places if spec.decimal_places is not None else 2
    _, digits, exponent = number.as_tuple()
    assert isinstance(exponent, int)
    decimals = max(0, -exponent)
    whole = max(0, len(digits) + exponent)
    if spec.max_whole_digits is not None and whole > spec.max_whole_digits:
        total = spec.max_whole_digits + places
        raise _Invalid(f"Ensure that there are no more than {total} digits in total.")
    if decimals > places:
        raise _Invalid(f"Ensure that there are no more than {places} decimal places.")
    # DRF renders decimals as strings quantized to decimal_places ("-3.50").
    return str(number.quantize(Decimal(1).scaleb(-places)))


def validate(
    data: Any,
    specs: Mapping[str, FieldSpec],
    *,
    partial: bool,
    exists: ExistsFn,
    form: bool = False,
) -> dict[str, Any]:
    """Validate a request body; returns python values for the writable fields present."""
    if not isinstance(data, Mapping):
        raise ValidationFailed(
            {"non_field_errors": [f"Invalid data. Expected a dictionary, but got {type(data).__name__}."]}
        )
    errors: dict[str, list[str]] = {}
    clean: dict[str, Any] = {}
    for name, spec in specs.items():
        if spec.read_only:
            continue
        if name not in data:
            if form and spec.kind == "bool" and not partial:
                # DRF: an omitted HTML checkbox means False, or null where the field allows it.
                clean[name] = None if spec.nullable else False
            elif spec.required and not partial:
                errors[name] = [REQUIRED]
            continue
        value = data[name]
        if form and value == "" and spec.nullable and spec.kind != "str":
            value = None  # DRF: an empty HTML input of a nullable field is null
        if value is None:
            if spec.nullable:
                clean[name] = None
            else:
                errors[name] = [NOT_NULL]
            continue
        if spec.kind == "str" and value == "" and not spec.nullable:
            errors[name] = [NOT_BLANK]
            continue
        try:
            clean[name] = _convert(spec, value, exists)
        except _Invalid as exc:
            errors[name] = [exc.message]
    if errors:
        raise ValidationFailed(errors)
    return clean


def python_value(spec: FieldSpec, value: Any) -> Any:
    """Coerce a trusted value (seed fixtures, generator) to the stored python type."""
    if value is None:
        return None
    if spec.kind == "datetime" and not isinstance(value, datetime):
        return timeconv.parse_datetime(str(value))
    if spec.kind == "duration" and not isinstance(value, timedelta):
        return timeconv.parse_duration(str(value))
    if spec.kind == "time" and not isinstance(value, time):
        return timeconv.parse_time(str(value))
    return value
