"""Response bodies: JSON (TF Serving's shapes), JSON Lines and CSV, one record out per record in.

Written for size: a 6 MB request can hold 800,000 records, and the answer (60 MB of JSON) must be
ready well inside the 60 s invocation limit on a busy CPU (R4). So nothing here loops over values
in Python on the common path: float32 values get their shortest decimal form with a few numpy
passes (numpy's own float32 -> str takes seconds for a million values), each output column is
turned into one text per record by the C JSON encoder, and the records are joined once.
Every number written is finite (the server refuses NaN/inf predictions before this) and
json.dumps runs with allow_nan=False as a last guard: a 2xx answer is always strict JSON (R2).
"""

import json

import numpy as np

_EXACT_POWERS = 22  # 10.0**k is exact in float64 up to k = 22
_POW10 = 10.0 ** np.arange(_EXACT_POWERS + 1)


def shortest_float32(array: np.ndarray) -> np.ndarray:
    """float64 values whose repr() is the shortest decimal that reads back as the same float32
    (0.97, not 0.9700000286102295), as numpy's str() of a float32 but about ten times faster.

    For each value: the fewest significant digits (1..9) whose correctly rounded decimal converts
    back to the same float32. More digits never hurt, so a per-value binary search needs four
    rounds. k / 10**n with exact k and 10**n is the double nearest to the decimal, whose repr() is
    those digits."""
    x32 = np.asarray(array, dtype=np.float32)
    result = x32.astype(np.float64)
    flat = result.reshape(-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        exponent = np.floor(np.log10(np.abs(flat)))
    # Rounding is exact only while every power of ten used is (|x| from 1e-14 to 1e22). Outside,
    # values take numpy's own (slower) shortest form; 0, NaN and inf stay as they are.
    fast = np.isfinite(exponent) & (exponent >= 8 - _EXACT_POWERS) & (exponent <= _EXACT_POWERS)
    values, exps = flat[fast], exponent[fast].astype(np.int64)
    target = values.astype(np.float32)
    low, high = np.ones(len(values), dtype=np.int64), np.full(len(values), 9, dtype=np.int64)
    while True:
        open_ = low < high
        if not open_.any():
            break
        middle = (low + high) // 2
        fits = _round_digits(values, exps, middle).astype(np.float32) == target
        high = np.where(open_ & fits, middle, high)
        low = np.where(open_ & ~fits, middle + 1, low)
    final = _round_digits(values, exps, low)
    # 9 digits always identify a float32, but log10 may misjudge an exponent by one: keep the
    # exact value (17 digits, still the same float32) wherever the rounded one does not read back.
    flat[fast] = np.where(final.astype(np.float32) == target, final, values)
    slow = np.flatnonzero(~fast & np.isfinite(flat) & (flat != 0))
    if len(slow):  # numpy's float32 -> str is the shortest form too; its str -> float64 the nearest double
        flat[slow] = flat[slow].astype(np.float32).astype(str).astype(np.float64)
    return result


def _round_digits(values: np.ndarray, exps: np.ndarray, digits: np.ndarray) -> np.ndarray:
    """Each value rounded to its number of significant digits, as the double nearest that decimal."""
    shift = digits - 1 - exps  # decimal places kept; negative: tens, hundreds, ... rounded away
    up, down = _POW10[np.maximum(shift, 0)], _POW10[np.maximum(-shift, 0)]
    return np.round(values * up / down) / up * down


def plain(array: np.ndarray):
    """Python values for json.dumps: floats in their shortest form, strings decoded."""
    if array.dtype == np.float32 or array.dtype == np.float16:
        return shortest_float32(array).tolist()
    return array.tolist()


def dumps(value) -> str:
    return json.dumps(value, allow_nan=False)


def json_texts(array: np.ndarray) -> list:
    """One JSON text per record (first axis), e.g. ["[0.97, 0.03]", ...] or ['"setosa"', ...]."""
    if array.dtype.kind in "fiub" and array.ndim == 1:
        return _split(dumps(plain(array)), 1, ", ")
    if array.dtype.kind in "fiu" and array.ndim == 2 and array.shape[1] > 0:
        return ["[" + text + "]" for text in _split(dumps(plain(array)), 2, "], [")]
    if array.dtype.kind in "OU" and array.ndim == 1:
        values = array.tolist()
        if all(type(v) is str for v in values):
            cache = {v: dumps(v) for v in set(values)}  # few distinct labels: encode each once
            return [cache[v] for v in values]
    return [dumps(plain(row) if isinstance(row, np.ndarray) else _python(row)) for row in array]


def csv_texts(array: np.ndarray) -> list:
    """One CSV fragment per record: every value of the record, flattened, comma-separated."""
    if array.dtype.kind in "fiu" and array.ndim == 1:
        return _split(dumps(plain(array)), 1, ", ")
    if array.dtype.kind in "fiu" and array.ndim == 2 and array.shape[1] > 0:
        return _split(json.dumps(plain(array), allow_nan=False, separators=(",", ":")), 2, "],[")
    if array.dtype.kind in "OU" and array.ndim == 1:
        values = array.tolist()
        cache = {v: csv_cell(v) for v in set(values)} if all(type(v) is str for v in values) else None
        if cache is not None:
            return [cache[v] for v in values]
    flat = array.reshape(array.shape[0], -1)
    return [",".join(csv_cell(_python(v)) for v in (plain(row) if row.dtype.kind == "f" else row.tolist())) for row in flat]


def _split(text: str, depth: int, separator: str) -> list:
    """'[a, b, c]' -> ['a', 'b', 'c'] (depth 1); '[[a, b], [c]]' -> ['a, b', 'c'] (depth 2).
    Safe because numbers never contain the separators."""
    inner = text[depth:-depth]
    return inner.split(separator) if inner else []


def _python(value):
    return value.item() if isinstance(value, np.generic) else value


def csv_cell(value) -> str:
    text = str(value)
    return '"' + text.replace('"', '""') + '"' if any(c in text for c in ',"\n\r') else text


def records(columns: dict) -> list:
    """Row-format predictions, one JSON text per record: the bare value for one output, else an
    object of every output in name order (as TensorFlow Serving answers)."""
    names = sorted(columns)
    if len(names) == 1:
        return columns[names[0]]
    keys = {name: dumps(name) + ": " for name in names}
    keyed = [[keys[name] + text for text in columns[name]] for name in names]
    return ["{" + ", ".join(parts) + "}" for parts in zip(*keyed)]


# How a row-format JSON answer wraps its predictions: streamed answers write the same frame.
JSON_PREDICTIONS = ('{"predictions": [', ", ", "]}")


def json_predictions(outputs: dict) -> str:
    """The predictions of a row-format JSON answer, comma-separated, without the frame."""
    names = sorted(outputs)
    return JSON_PREDICTIONS[1].join(records({name: json_texts(outputs[name]) for name in names}))


def encode_rows(outputs: dict, media: str, json_lines: bool) -> bytes:
    """Row-format answers; `outputs` all have the records on their first axis."""
    names = sorted(outputs)
    if media == "text/csv":
        columns = [csv_texts(outputs[name]) for name in names]
        lines = columns[0] if len(columns) == 1 else [",".join(parts) for parts in zip(*columns)]
        return ("\n".join(lines) + "\n").encode()
    if not json_lines:
        prefix, _, suffix = JSON_PREDICTIONS
        return (prefix + json_predictions(outputs) + suffix).encode()
    texts = records({name: json_texts(outputs[name]) for name in names})
    return ("\n".join(texts) + "\n").encode()


def encode_columnar(outputs: dict, json_lines: bool) -> bytes:
    names = sorted(outputs)
    value = plain(outputs[names[0]]) if len(names) == 1 else {n: plain(outputs[n]) for n in names}
    if json_lines:
        return (dumps(value) + "\n").encode()
    return dumps({"outputs": value}).encode()
