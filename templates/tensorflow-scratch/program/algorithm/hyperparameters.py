"""Hyperparameters: decode SageMaker's strings, convert, fill defaults, validate with the schema."""

import json
import math
from pathlib import Path

import jsonschema

from .numbers import EXACT_INTEGER_LIMIT, STRICT_INTEGER, is_strict_decimal
from .sagemaker import UserError

_PROGRAM = Path(__file__).resolve().parent.parent
# In the image the schema sits beside the program (/opt/program); in the repository, one folder up.
SCHEMA_PATH = next(
    (p for p in (_PROGRAM / "hyperparameters.schema.json", _PROGRAM.parent / "hyperparameters.schema.json") if p.is_file()),
    _PROGRAM / "hyperparameters.schema.json",
)

FIX = "Fix the value in HyperParameters."
MAX_TEXT = 10_000  # longer values are garbage: no need to parse them


def load_schema(path: Path = SCHEMA_PATH) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def decode(raw: dict, schema: dict) -> dict:
    """hyperparameters.json -> typed values, defaults filled in, validated against `schema`.

    SageMaker delivers every value as a string; the SageMaker Python SDK JSON-encodes some first,
    so "0.1", "\\"0.1\\"" and "true" must all work (T8, T10). Each value is JSON-decoded once
    (the raw string is kept when it is not JSON), then converted to the type the schema declares.
    Numbers must be finite before the schema sees them (every comparison with NaN is false, so
    "minimum"/"maximum" alone would let NaN through), and integers exact, |n| <= 2^53 (R5).
    """
    properties = schema.get("properties", {})
    values = {}
    for key, value in raw.items():
        if key.startswith("sagemaker_") or key.startswith("_"):
            continue  # added by the SDK and by tuning jobs, not ours
        declared = properties.get(key, {}).get("type")
        values[key] = _convert(_json_decode(value), declared)
        if _non_finite(values[key]):
            raise UserError(f'Hyperparameter "{key}" must be a finite number, got {_given(value)}. {FIX}')
    for key, spec in properties.items():
        if key not in values and "default" in spec:
            values[key] = spec["default"]
    errors = sorted(
        jsonschema.Draft7Validator(schema).iter_errors(values),
        key=lambda e: (list(e.path), e.validator),
    )
    if errors:
        raise UserError(describe(errors[0], raw))
    for key, value in values.items():  # a schema without "maximum" must not let 10^23 through
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) > EXACT_INTEGER_LIMIT:
            raise UserError(
                f'Hyperparameter "{key}" must be at most 2^53 ({EXACT_INTEGER_LIMIT}) in magnitude, '
                f"got {_given(raw.get(key, value))}. {FIX}"
            )
    return values


def _refuse_constant(name):
    raise ValueError(f"{name} is not JSON")


# Python's json accepts NaN, Infinity and -Infinity, which are not JSON: refuse them here, so that
# "NaN" stays a string and fails the type check, naming the hyperparameter.
_STRICT_JSON = json.JSONDecoder(parse_constant=_refuse_constant)


def _json_decode(value):
    if not isinstance(value, str) or len(value) > MAX_TEXT:
        return value
    try:
        return _STRICT_JSON.decode(value)
    except (ValueError, RecursionError):  # not JSON (or absurdly nested): the raw string it is
        return value


def _convert(value, declared):
    """A string that still holds a number or boolean (`"\\"5\\""` decodes to "5") becomes one.

    Only plain ASCII decimals count as numbers: float() would also take "nan", "inf", "1_000" and
    non-ASCII digits. Anything else stays as it is, so the schema's type check names the field."""
    if not isinstance(value, str):
        if declared == "integer" and isinstance(value, float) and value.is_integer():
            return int(value)
        return value
    text = value.strip()
    if declared in ("integer", "number") and is_strict_decimal(text):
        if declared == "integer" and STRICT_INTEGER.fullmatch(text):
            return int(text)  # exact: float() would round 9007199254740993
        number = float(text)  # may be inf ("1e400"): _non_finite refuses it
        if declared == "integer" and number.is_integer():
            return int(number)
        return number
    if declared == "boolean" and text.lower() in ("true", "false"):
        return text.lower() == "true"
    return value


def _non_finite(value) -> bool:
    """NaN and ±infinity (from "1e400", or a bare NaN in hyperparameters.json): every comparison
    with NaN is false, so the schema's minimum and maximum would accept it."""
    return isinstance(value, float) and not math.isfinite(value)


def _given(value) -> str:
    """The value as given, JSON-quoted and cut short (a 400-digit value must not hide the name)."""
    text = json.dumps(value)
    return text if len(text) <= 60 else text[:57] + '..."'


def describe(error: jsonschema.ValidationError, raw: dict) -> str:
    """One line: which hyperparameter, what is wrong with it, what was given, the fix."""
    if error.validator == "additionalProperties":
        known = ", ".join(sorted(error.schema.get("properties", {})))
        extra = sorted(set(error.instance) - set(error.schema.get("properties", {})))
        names = ", ".join(f'"{k}"' for k in extra)
        return (
            f"Unknown hyperparameter {names}. Known: {known}. "
            "Remove it from HyperParameters or fix its spelling."
        )
    name = error.path[0] if error.path else "?"
    given = _given(raw.get(name, error.instance))
    spec = error.schema
    rule = {
        "type": f"must be {'an' if spec.get('type') == 'integer' else 'a'} {spec.get('type')}",
        "minimum": f"must be >= {spec.get('minimum')}",
        "maximum": f"must be <= {spec.get('maximum')}",
        "exclusiveMinimum": f"must be > {spec.get('exclusiveMinimum')}",
        "exclusiveMaximum": f"must be < {spec.get('exclusiveMaximum')}",
        "enum": f"must be one of {spec.get('enum')}",
    }.get(error.validator, error.message)
    return f'Hyperparameter "{name}" {rule}, got {given}. {FIX}'
