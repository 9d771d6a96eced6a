"""Hyperparameters: decode SageMaker's strings, convert, fill defaults, validate with the schema."""

import json
from pathlib import Path

import jsonschema

from .sagemaker import UserError

_PROGRAM = Path(__file__).resolve().parent.parent
# In the image the schema sits beside the program (/opt/program); in the repository, one folder up.
SCHEMA_PATH = next(
    (p for p in (_PROGRAM / "hyperparameters.schema.json", _PROGRAM.parent / "hyperparameters.schema.json") if p.is_file()),
    _PROGRAM / "hyperparameters.schema.json",
)

FIX = "Fix the value in HyperParameters."


def load_schema(path: Path = SCHEMA_PATH) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def decode(raw: dict, schema: dict) -> dict:
    """hyperparameters.json -> typed values, defaults filled in, validated against `schema`.

    SageMaker delivers every value as a string; the SageMaker Python SDK JSON-encodes some first,
    so "0.1", "\\"0.1\\"" and "true" must all work (T8, T10). Each value is JSON-decoded once
    (the raw string is kept when it is not JSON), then converted to the type the schema declares.
    """
    properties = schema.get("properties", {})
    values = {}
    for key, value in raw.items():
        if key.startswith("sagemaker_") or key.startswith("_"):
            continue  # added by the SDK and by tuning jobs, not ours
        values[key] = _convert(_json_decode(value), properties.get(key, {}).get("type"))
    for key, spec in properties.items():
        if key not in values and "default" in spec:
            values[key] = spec["default"]
    errors = sorted(
        jsonschema.Draft7Validator(schema).iter_errors(values),
        key=lambda e: (list(e.path), e.validator),
    )
    if errors:
        raise UserError(describe(errors[0], raw))
    return values


def _json_decode(value):
    if not isinstance(value, str):
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


def _convert(value, declared):
    """A string that still holds a number or boolean (`"\\"5\\""` decodes to "5") becomes one."""
    if not isinstance(value, str):
        if declared == "integer" and isinstance(value, float) and value.is_integer():
            return int(value)
        return value
    text = value.strip()
    try:
        if declared == "integer":
            number = float(text)
            return int(number) if number.is_integer() else number
        if declared == "number":
            return float(text)
    except ValueError:
        return value
    if declared == "boolean" and text.lower() in ("true", "false"):
        return text.lower() == "true"
    return value


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
    given = json.dumps(raw.get(name, error.instance))
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
