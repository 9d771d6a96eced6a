"""Request records -> arrays, every record checked, every refusal naming the record (R3).

A record is one instance: a CSV line, a JSON Lines line, an element of "instances" (or of a
columnar "inputs" tensor). numpy alone is too forgiving for client input: np.asarray(["5.1",
True, "١٢"], dtype=np.float32) quietly gives [5.1, 1.0, 12.0], and 1e39 becomes infinity with a
warning. So the leaves are type-checked first (numbers only, never booleans or strings), then
converted once, then range-checked against the model's dtype. All of it runs in C on the common
path (a few hundred milliseconds for the 600,000 records of a 6 MB body); the slow per-record
walk runs only to say which record is wrong and why.
"""

from itertools import chain

import numpy as np

from .numbers import describe_text

MAX_DEPTH = 32  # deeper than any tensor a model takes; also bounds every walk below


class RecordError(Exception):
    """The request does not fit the model (400). `record` is the index of the culprit, when one is."""

    def __init__(self, message: str, record: int = None):
        super().__init__(message)
        self.message = message
        self.record = record


def to_array(values, dtype: np.dtype, input_name: str) -> np.ndarray:
    """The records of one input as an array of `dtype` (numeric or bool); RecordError otherwise."""
    dtype = np.dtype(dtype)
    if isinstance(values, np.ndarray):  # from the CSV decoder: already checked, float32
        return _cast_checked(values.astype(np.float64), dtype, input_name)
    if not isinstance(values, list):
        raise RecordError(f'input "{input_name}" must be a list with one entry per instance, got {_kind(values)}')
    if not values:
        raise RecordError("there are no instances to predict")
    # Which Python leaves a record may hold, and the wide dtype they are read into before the
    # range check (float64 for floats, so 1e39 is still 1e39 there, not float32's inf).
    leaves, wide = {"b": ((bool,), np.bool_), "f": ((int, float), np.float64)}.get(dtype.kind, ((int,), np.int64))
    array = None
    if _leaves_are(values, leaves):
        try:
            array = np.array(values, dtype=wide)
        except (ValueError, OverflowError):  # ragged, or an integer too large for the dtype
            array = None
    if array is None:
        _raise_first_problem(values, leaves)
        raise RecordError(f'input "{input_name}" cannot be read as {dtype.name} values')
    return array if dtype.kind == "b" else _cast_checked(array, dtype, input_name)


def _leaves_are(values: list, leaves: tuple) -> bool:
    """True when every leaf is exactly one of `leaves` (bool is not int here), level by level in C."""
    level = values
    for _ in range(MAX_DEPTH):
        kinds = set(map(type, level))
        if kinds <= set(leaves):
            return True
        if kinds != {list}:
            return False
        level = list(chain.from_iterable(level))
    return False


def _cast_checked(array: np.ndarray, dtype: np.dtype, input_name: str) -> np.ndarray:
    """float64/int64 -> dtype, refusing what does not fit: NaN, ±inf, |x| beyond float32, ..."""
    if dtype.kind == "f":
        limit = float(np.finfo(dtype).max)
        bad = ~(np.abs(array) <= limit)  # NaN compares false, so it is caught here too
    else:
        info = np.iinfo(dtype)
        bad = (array < info.min) | (array > info.max) | (array != np.floor(array))
        limit = info.max
    if bad.any():
        index = int(np.flatnonzero(bad.reshape(len(array), -1).any(axis=1))[0]) if array.ndim else None
        value = array[index][bad[index]].flat[0] if array.ndim > 1 else array[index] if array.ndim else array
        raise RecordError(
            f"holds {float(value):g}, which is out of range for {dtype.name} (limit ±{float(limit):.8g}); "
            "send finite values the model's input type can hold",
            index,
        )
    return array.astype(dtype)


def _raise_first_problem(values: list, leaves: tuple) -> None:
    """The slow path, only on bad input: the first record with a bad leaf, or a shape unlike the first's."""
    reference = None
    for index, record in enumerate(values):
        problem = _leaf_problem(record, leaves)
        if problem:
            raise RecordError(problem, index)
        shape = _shape(record)
        if shape is None:
            raise RecordError("is ragged: its lists have different lengths", index)
        if reference is None:
            reference = shape
        elif shape != reference:
            raise RecordError(f"has {_describe_shape(shape)} where the first instance has {_describe_shape(reference)}", index)


def _leaf_problem(record, leaves: tuple):
    """What is wrong with one record's leaves (iteratively, at most MAX_DEPTH deep), or None."""
    stack = [(record, 0)]
    while stack:
        item, depth = stack.pop()
        if type(item) is list:
            if depth >= MAX_DEPTH:
                return f"is nested deeper than {MAX_DEPTH} levels"
            stack.extend((child, depth + 1) for child in reversed(item))
        elif type(item) not in leaves:
            wanted = "true or false" if leaves == (bool,) else "an integer" if leaves == (int,) else "a number"
            hint = "; send numbers unquoted" if isinstance(item, str) else ""
            return f"holds {_kind(item)} where {wanted} belongs{hint}"
        elif type(item) is int and abs(item) > 2**1023:
            return f"holds an integer of {len(str(abs(item)))} digits, out of range"
    return None


def _shape(record):
    """The nested list lengths of a regular record ([] for a bare number), None when ragged."""
    try:
        return list(np.shape(np.array(record, dtype=object if not isinstance(record, list) else np.float64)))
    except (ValueError, OverflowError, TypeError):
        return None


def _describe_shape(shape: list) -> str:
    if len(shape) == 1:
        return f"{shape[0]} value{'s' if shape[0] != 1 else ''}"
    return f"shape {shape}" if shape else "a single value"


def _kind(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f"the string {describe_text(value, 20)}"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    return type(value).__name__


def check_finite_outputs(outputs: dict) -> None:
    """A prediction that is NaN or infinite is not an answer (R2): the input was beyond what the
    model can compute with (3.4e38 in every feature overflows the standardization)."""
    for name, array in outputs.items():
        if array.dtype.kind != "f" or np.isfinite(array).all():
            continue
        index = int(np.flatnonzero(~np.isfinite(array.reshape(len(array), -1)).all(axis=1))[0]) if array.ndim else None
        raise RecordError(
            f'gives a non-finite "{name}" (NaN or infinity): its values are out of the range the model can '
            "compute with (far beyond the training data); send values of the training data's magnitude",
            index,
        )
