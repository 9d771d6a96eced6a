"""Request decoding and response encoding for /invocations, TensorFlow Serving's REST format first.

JSON in:  {"instances": [...]} (row format), {"inputs": ...} (columnar), optional "signature_name",
          or a bare list of instances.
JSON out: {"predictions": [...]} for row format, {"outputs": ...} for columnar, as TF Serving answers.
Also text/csv (one instance per line, out: one line per instance) and JSON Lines (one instance per line).
"""

import json
from dataclasses import dataclass

import numpy as np

JSON = "application/json"
CSV = "text/csv"
JSON_LINES = ("application/jsonlines", "application/jsonl", "application/x-jsonlines", "application/jsons")
REQUEST_TYPES = (JSON, CSV, *JSON_LINES)
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
            f"Content-Type {header!r} is not supported; send one of {', '.join(REQUEST_TYPES)}",
        )
    charset = params.get("charset")
    if charset and charset not in CHARSETS:
        raise HttpError(415, "unsupported_media_type", f"charset {charset!r} is not supported; send UTF-8")
    return media


def response_type(header, default: str = JSON) -> str:
    """Picks the response encoding from Accept (q-values and wildcards honoured), else 406."""
    if not header or not header.strip():
        return default
    choices = []
    for position, part in enumerate(header.split(",")):
        media, params = parse_media_type(part)
        if not media:
            continue
        try:
            q = float(params.get("q", "1"))
        except ValueError:
            q = 1.0
        if q > 0:
            choices.append((-q, position, media))
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
        f"Accept {header!r} asks for nothing this server produces; accept one of {', '.join(RESPONSE_TYPES)}",
    )


@dataclass
class Request:
    instances: list = None  # row format
    inputs: object = None  # columnar format
    signature_name: str = None

    @property
    def columnar(self) -> bool:
        return self.instances is None


def decode(body: bytes, media: str) -> Request:
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise bad_request(f"the body is not valid UTF-8 (byte {error.start})") from None
    if media == CSV:
        return Request(instances=decode_csv(text))
    if media in JSON_LINES:
        return Request(instances=decode_json_lines(text))
    return decode_json(text)


def _json(text: str, where: str = "the body"):
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise bad_request(f"{where} is not valid JSON: {error.msg} at line {error.lineno} column {error.colno}") from None


def decode_json(text: str) -> Request:
    value = _json(text)
    if isinstance(value, list):
        return Request(instances=value)
    if not isinstance(value, dict):
        raise bad_request('expected {"instances": [...]} or {"inputs": ...}')
    signature = value.get("signature_name")
    if signature is not None and not isinstance(signature, str):
        raise bad_request('"signature_name" must be a string')
    if ("instances" in value) == ("inputs" in value):
        raise bad_request('expected exactly one of "instances" (row format) or "inputs" (columnar format)')
    if "instances" in value:
        if not isinstance(value["instances"], list):
            raise bad_request('"instances" must be a list')
        return Request(instances=value["instances"], signature_name=signature)
    return Request(inputs=value["inputs"], signature_name=signature)


def decode_json_lines(text: str) -> list:
    instances = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        value = _json(line, f"line {number}")
        if isinstance(value, dict) and "instances" in value and isinstance(value["instances"], list):
            instances.extend(value["instances"])
        else:
            instances.append(value)
    return instances


def decode_csv(text: str) -> np.ndarray:
    """Rows of numbers, one instance per line; a header line is skipped. Returns float32 [rows, columns]."""
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        raise bad_request("the CSV body has no rows")
    first = lines[0].split(",")
    if any(not _is_number(cell) for cell in first):
        lines = lines[1:]  # a header
        if not lines:
            raise bad_request("the CSV body has a header but no rows")
    width = lines[0].count(",") + 1
    for number, line in enumerate(lines, start=1):
        if line.count(",") + 1 != width:
            raise bad_request(f"CSV row {number} has {line.count(',') + 1} values, row 1 has {width}")
    cells = ",".join(lines).split(",")
    try:
        return np.array(cells, dtype=np.float32).reshape(len(lines), width)
    except ValueError:
        for index, cell in enumerate(cells):
            if not _is_number(cell):
                raise bad_request(
                    f"CSV row {index // width + 1}, column {index % width + 1}: {cell.strip()!r} is not a number"
                ) from None
        raise


def _is_number(cell: str) -> bool:
    try:
        float(cell)
        return True
    except ValueError:
        return False


def instances_to_tensors(instances, input_names: list) -> dict:
    """Row format -> one array per input (TF Serving: a bare value when the model has one input,
    otherwise an object per instance naming every input)."""
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
    for number, instance in enumerate(instances, start=1):
        if not isinstance(instance, dict) or set(instance) != set(input_names):
            raise bad_request(f"instance {number} must be an object with exactly the inputs {input_names}")
        for name in input_names:
            tensors[name].append(instance[name])
    return tensors


def columnar_to_tensors(inputs, input_names: list) -> dict:
    if isinstance(inputs, dict) and set(inputs) == set(input_names):
        return dict(inputs)
    if len(input_names) == 1:
        return {input_names[0]: inputs}
    raise bad_request(f'"inputs" must be an object with exactly the inputs {input_names}')


def _plain(array: np.ndarray):
    """Lists of Python values; float32 keeps its shortest form (0.97, not 0.9700000286102295)."""
    if array.dtype == np.float32 or array.dtype == np.float16:
        return array.astype(str).astype(np.float64).tolist()
    return array.tolist()


def encode(outputs: dict, request: Request, media: str) -> bytes:
    names = sorted(outputs)
    if media == CSV:
        return encode_csv(outputs, names)
    if request.columnar:
        value = _plain(outputs[names[0]]) if len(names) == 1 else {n: _plain(outputs[n]) for n in names}
        payload = {"outputs": value}
        if media in JSON_LINES:
            return (json.dumps(value) + "\n").encode()
        return json.dumps(payload).encode()
    predictions = rows(outputs, names)
    if media in JSON_LINES:
        return "".join(json.dumps(p) + "\n" for p in predictions).encode()
    return json.dumps({"predictions": predictions}).encode()


def rows(outputs: dict, names: list) -> list:
    if len(names) == 1:
        return _plain(outputs[names[0]])
    columns = [_plain(outputs[n]) for n in names]
    return [dict(zip(names, values)) for values in zip(*columns)]


def encode_csv(outputs: dict, names: list) -> bytes:
    """One line per instance: every output of that instance, flattened, outputs in name order."""
    columns = []
    for name in names:
        array = outputs[name]
        if array.ndim == 0:
            raise HttpError(406, "not_acceptable", f'output "{name}" is a scalar; ask for application/json')
        flat = array.reshape(array.shape[0], -1)
        if flat.dtype.kind == "O":
            flat = np.vectorize(_csv_cell, otypes=[object])(flat)
        columns.append(flat.astype(str))
    table = np.concatenate(columns, axis=1)
    return ("\n".join(",".join(row) for row in table.tolist()) + "\n").encode()


def _csv_cell(value) -> str:
    text = str(value)
    return '"' + text.replace('"', '""') + '"' if any(c in text for c in ',"\n\r') else text
