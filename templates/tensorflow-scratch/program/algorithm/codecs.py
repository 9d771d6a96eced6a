"""Request decoding and response encoding for /invocations, TensorFlow Serving's REST format first.

JSON in:  {"instances": [...]} (row format), {"inputs": ...} (columnar), optional "signature_name",
          or a bare list of instances.
JSON out: {"predictions": [...]} for row format, {"outputs": ...} for columnar, as TF Serving answers.
Also text/csv (one instance per line, out: one line per instance) and JSON Lines (one instance per line).
"""

import json
import re
from dataclasses import dataclass
from itertools import repeat

import numpy as np

from . import encoding
from .numbers import FLOAT32_MAX, NotANumber, is_strict_decimal, parse_decimal
from .records import MAX_DEPTH, RecordError

JSON = "application/json"
CSV = "text/csv"
JSON_LINES = (
    "application/jsonlines", "application/jsonl", "application/x-jsonlines", "application/json-lines", "application/jsons",
)
REQUEST_TYPES = (JSON, CSV, *JSON_LINES)
LINE_TYPES = (CSV, *JSON_LINES)  # one record per line: a large body of these is streamed (streaming.py)
RESPONSE_TYPES = (JSON, CSV, *JSON_LINES)
CHARSETS = ("utf-8", "utf8", "us-ascii", "ascii")


class HttpError(Exception):
    def __init__(self, status: int, code: str, message: str):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


def bad_request(message: str) -> HttpError:
    return HttpError(400, "bad_request", message)


def parse_media_type(header: str):
    """'Text/CSV; charset=UTF-8' -> ('text/csv', {'charset': 'utf-8'})"""
    parts = header.split(";")
    params = {}
    for part in parts[1:]:
        if "=" in part:
            key, value = part.split("=", 1)
            params[key.strip().lower()] = value.strip().strip('"').lower()
    return parts[0].strip().lower(), params


def request_type(header) -> str:
    """The media type to decode, from Content-Type (415 when it is not one this server reads)."""
    if not header or not header.strip():
        return JSON  # as the SageMaker containers do when the client sends none
    media, params = parse_media_type(header)
    if media not in REQUEST_TYPES:
        raise HttpError(
            415,
            "unsupported_media_type",
            f"Content-Type {header[:200]!r} is not supported; send one of {', '.join(REQUEST_TYPES)}",
        )
    charset = params.get("charset")
    if charset and charset not in CHARSETS:
        raise HttpError(415, "unsupported_media_type", f"charset {charset[:40]!r} is not supported; send UTF-8")
    return media


def response_type(header, default: str = JSON) -> str:
    """Picks the response encoding from Accept (q-values and wildcards honoured), else 406."""
    if not header or not header.strip():
        return default
    choices, named = [], False
    for position, part in enumerate(header.split(",")):
        media, params = parse_media_type(part)
        if not media:
            continue
        named = True
        q = _quality(params.get("q"))
        if q > 0:
            choices.append((-q, position, media))
    if not named:  # "Accept: ;" names no type at all: as if there were no Accept
        return default
    for _, _, media in sorted(choices):
        if media in RESPONSE_TYPES:
            return media
        if media in ("*/*", "application/*"):
            return default if media == "*/*" or default.startswith("application/") else JSON
        if media == "text/*":
            return CSV
    raise HttpError(
        406,
        "not_acceptable",
        f"Accept {header[:200]!r} asks for nothing this server produces; accept one of {', '.join(RESPONSE_TYPES)}",
    )


def _quality(text) -> float:
    """An Accept q-value; one that is not a number from 0 to 1 ("abc", "nan", "inf") counts as 1."""
    if text is None or not is_strict_decimal(text):
        return 1.0
    value = float(text)
    return value if 0 <= value <= 1 else 1.0


@dataclass
class Request:
    instances: object = None  # row format: a list of records, or a float32 array (CSV)
    inputs: object = None  # columnar format
    signature_name: str = None
    lines: list = None  # CSV and JSON Lines: the body line of each record, for error messages
    kind: str = "json"  # json, csv or jsonlines

    @property
    def columnar(self) -> bool:
        return self.instances is None

    def record_name(self, index: int) -> str:
        """How an error names record `index` (0-based) so the client can find it."""
        if self.kind == "csv":
            return f"CSV line {self.lines[index]}"
        if self.kind == "jsonlines":
            return f"line {self.lines[index]}"
        return f'"inputs" entry {index + 1}' if self.columnar else f"instance {index + 1}"

    def describe(self, error) -> str:
        """A RecordError's message, starting with the record it is about."""
        if error.record is None:
            return error.message
        return f"{self.record_name(error.record)} {error.message}"


def decode(body: bytes, media: str) -> Request:
    text = _utf8(body, media)
    if media == CSV:
        return decode_csv(text)
    if media in JSON_LINES:
        return decode_json_lines(text)
    return decode_json(text)


def decode_lines(body: bytes, media: str, first_line: int, reference: tuple = None):
    """One batch of whole lines of a streamed CSV or JSON Lines body: as decode(), with lines
    numbered from `first_line` so errors name the line of the whole body, and CSV records held to
    the width of the body's first record (`reference`: its line and width). None when the batch
    holds only blank lines."""
    text = _utf8(body, media, first_line)
    if media == CSV:
        return decode_csv(text, first_line, reference, allow_empty=True)
    return decode_json_lines(text, first_line, allow_empty=True)


def no_records(media: str) -> HttpError:
    if media == CSV:
        return bad_request("the CSV body has no records; send one instance per line, features only")
    return bad_request("the JSON Lines body has no records; send one instance per line")


def _utf8(body: bytes, media: str, first_line: int = 1) -> str:
    """The body as text; bytes that are not UTF-8 are refused, naming the line of a CSV or JSON
    Lines record (each line is a record there)."""
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as error:
        byte = f"byte 0x{body[error.start]:02x}"
        if media == JSON:
            where = f"the body is not UTF-8: {byte} at offset {error.start}"
        else:
            line = body.count(b"\n", 0, error.start) + first_line
            where = f"{'CSV ' if media == CSV else ''}line {line}: {byte} is not UTF-8"
        raise bad_request(f"{where}; send UTF-8 text") from None


class _NotJson(ValueError):
    """NaN, Infinity, -Infinity: Python's json reads them, JSON has no such values."""


def _refuse_constant(name):
    raise _NotJson(f"{name} is not JSON; send finite numbers")


# Strict JSON: NaN and ±Infinity refused. Floats like 1e400 still parse (to inf) and are refused,
# naming the record, when converted to the model's dtype.
_DECODER = json.JSONDecoder(parse_constant=_refuse_constant)


def _json(text: str, where: str = "the body"):
    """One JSON value spanning all of `text` (leading and trailing whitespace allowed)."""
    try:
        return _DECODER.decode(text)
    except json.JSONDecodeError as error:
        raise bad_request(f"{where} is not valid JSON: {error.msg} at line {error.lineno} column {error.colno}") from None
    except _NotJson as error:
        raise bad_request(f"{where}: {error}") from None
    except RecursionError:
        raise bad_request(f"{where} is nested too deeply to be a request; send at most {MAX_DEPTH} levels") from None
    except ValueError:  # int() refuses numbers of more than 4300 digits
        raise bad_request(f"{where} holds a number with far too many digits") from None


def decode_json(text: str) -> Request:
    value = _json(text)
    if isinstance(value, list):
        return Request(instances=value)
    if not isinstance(value, dict):
        raise bad_request('expected {"instances": [...]} or {"inputs": ...}, got ' + _kind(value))
    signature = value.get("signature_name")
    if signature is not None and not isinstance(signature, str):
        raise bad_request('"signature_name" must be a string')
    if ("instances" in value) == ("inputs" in value):
        raise bad_request('expected exactly one of "instances" (row format) or "inputs" (columnar format)')
    if "instances" in value:
        if not isinstance(value["instances"], list):
            raise bad_request('"instances" must be a list, got ' + _kind(value["instances"]))
        return Request(instances=value["instances"], signature_name=signature)
    return Request(inputs=value["inputs"], signature_name=signature)


def decode_json_lines(text: str, first_line: int = 1, allow_empty: bool = False) -> Request:
    """One record per non-blank line, in order: batch transform joins answers to lines by position."""
    instances, lines = [], []
    scan = _DECODER.scan_once  # the C scanner: one call per line, no per-call setup
    for number, line in enumerate(text.split("\n"), start=first_line):
        line = line.strip(" \t\r")
        if not line:
            continue
        try:
            value, end = scan(line, 0)
        except StopIteration:
            raise bad_request(f"line {number} is not valid JSON; send one JSON value per line") from None
        except (ValueError, RecursionError):
            _json(line, f"line {number}")  # the same error, worded like the others
            raise
        if end != len(line):
            raise bad_request(f"line {number} holds more than one JSON value; send one instance per line")
        if isinstance(value, dict) and "instances" in value:
            raise bad_request(
                f'line {number}: a JSON Lines line is one instance; send {{"instances": [...]}} as application/json'
            )
        instances.append(value)
        lines.append(number)
    if not instances:
        if allow_empty:
            return None
        raise no_records(JSON_LINES[0])
    return Request(instances=instances, lines=lines, kind="jsonlines")


# What a CSV body of plain decimals can contain. Anything else (letters other than e/E, "_",
# non-ASCII digits, quotes, a stray carriage return) sends the body down the slow path, which
# names the line and column.
_CSV_OTHER = re.compile(r"[^0-9eE.+\-,\n \t]")


def decode_csv(text: str, first_line: int = 1, reference: tuple = None, allow_empty: bool = False) -> Request:
    """Every non-blank line is a record: no header is guessed, since a damaged first line taken for
    a header would silently lose a record (R3). Returns float32 [records, columns]. Every record
    must have as many values as the first one, or, given `reference` (line, width), as that one.

    The common case runs in C (str.split, map, numpy): a 6 MB body holds up to 800,000 lines."""
    if "\r" in text:
        text = text.replace("\r\n", "\n")
    rows = text.split("\n")
    if rows[-1] == "":
        rows.pop()  # the final newline ends the last line, it does not start a record
    if "" in rows or any(map(str.isspace, rows)):  # blank lines: skipped, but lines keep their numbers
        numbers = [n for n, row in enumerate(rows, start=first_line) if row and not row.isspace()]
        rows = [rows[n - first_line] for n in numbers]
    else:
        numbers = range(first_line, first_line + len(rows))
    if not rows:
        if allow_empty:
            return None
        raise no_records(CSV)
    reference_line, width = reference or (numbers[0], rows[0].count(",") + 1)
    if _CSV_OTHER.search(text) is None and set(map(str.count, rows, repeat(","))) == {width - 1}:
        cells = ",".join(rows).split(",")
        try:
            values = np.fromiter(map(float, cells), dtype=np.float64, count=len(cells))
        except ValueError:  # "1e", ".", "+-1", an empty cell: the slow path says which
            values = None
        if values is not None and (np.abs(values) <= FLOAT32_MAX).all():
            return Request(instances=values.astype(np.float32).reshape(len(rows), width), lines=numbers, kind="csv")
    _raise_csv_problem(rows, numbers, width, reference_line)
    raise bad_request("the CSV body cannot be read as numbers")


def _raise_csv_problem(rows: list, numbers: list, width: int, reference_line: int) -> None:
    """The first record that is wrong, and why, naming its line and column."""
    for line, row in zip(numbers, rows):
        cells = row.split(",")
        if len(cells) != width:
            raise bad_request(
                f"CSV line {line} has {len(cells)} values, line {reference_line} has {width}; "
                "send the same features on every line"
            )
        for column, cell in enumerate(cells, start=1):
            try:
                parse_decimal(cell)
            except NotANumber as error:
                raise bad_request(f"CSV line {line}, column {column}: {error}") from None


def _kind(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    return "an object" if isinstance(value, dict) else "a list"


def instances_to_tensors(instances, input_names: list) -> dict:
    """Row format -> one list of records per input (TF Serving: a bare value when the model has one
    input, otherwise an object per instance naming every input)."""
    if isinstance(instances, np.ndarray):
        if len(input_names) != 1:
            raise bad_request(f"the model has inputs {input_names}; send JSON objects that name them")
        return {input_names[0]: instances}
    if len(instances) == 0:
        raise bad_request("no instances to predict")
    if len(input_names) == 1:
        name = input_names[0]
        values = [i[name] if isinstance(i, dict) and set(i) == {name} else i for i in instances]
        return {name: values}
    tensors = {name: [] for name in input_names}
    for number, instance in enumerate(instances):
        if not isinstance(instance, dict) or set(instance) != set(input_names):
            raise RecordError(f"must be an object with exactly the inputs {input_names}", number)
        for name in input_names:
            tensors[name].append(instance[name])
    return tensors


def columnar_to_tensors(inputs, input_names: list) -> dict:
    if isinstance(inputs, dict) and set(inputs) == set(input_names):
        return dict(inputs)
    if len(input_names) == 1:
        return {input_names[0]: inputs}
    raise bad_request(f'"inputs" must be an object with exactly the inputs {input_names}')


def encode(outputs: dict, request: Request, media: str) -> bytes:
    """The answer in `media`: one record out per record in, in order (see encoding.py)."""
    json_lines = media in JSON_LINES
    if request.columnar:
        if media == CSV:
            return encoding.encode_rows(_records_first(outputs, media), CSV, False)
        return encoding.encode_columnar(outputs, json_lines)
    return encoding.encode_rows(_records_first(outputs, media), media, json_lines)


def encode_part(outputs: dict, request: Request, media: str) -> bytes:
    """One batch's share of a streamed answer (row format, one record out per record in): its
    lines for CSV and JSON Lines, its comma-separated predictions for JSON. With stream_frame()
    around the parts, the bytes are those encode() gives for all the records at once."""
    outputs = _records_first(outputs, media)
    if media == JSON:
        return encoding.json_predictions(outputs).encode()
    return encoding.encode_rows(outputs, media, media in JSON_LINES)


def stream_frame(media: str) -> tuple:
    """(prefix, separator, suffix) around and between the encode_part() answers of a stream."""
    if media == JSON:
        return tuple(part.encode() for part in encoding.JSON_PREDICTIONS)
    return b"", b"", b""


def _records_first(outputs: dict, media: str) -> dict:
    """Row format needs every output to have the records on its first axis."""
    counts = {name: (len(array) if array.ndim else None) for name, array in outputs.items()}
    scalars = sorted(name for name, count in counts.items() if count is None)
    if scalars:
        raise HttpError(
            406 if media == CSV else 400,
            "not_acceptable" if media == CSV else "bad_request",
            f"output {scalars[0]!r} is a scalar, not one value per instance; "
            + ("ask for application/json" if media == CSV else 'send "inputs" (columnar format) to get it'),
        )
    if len(set(counts.values())) > 1:
        raise HttpError(
            400, "bad_request",
            f"the model's outputs have different numbers of rows {counts}; send \"inputs\" (columnar format)",
        )
    return outputs
