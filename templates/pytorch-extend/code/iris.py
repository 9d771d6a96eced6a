"""Iris species from four measurements: a small PyTorch network in SageMaker script mode.

One file, both jobs, as SageMaker's framework containers expect:
- Training: the toolkit's `train` runs `python iris.py --epochs 30 --learning_rate 0.05 ...`
  (hyperparameters as `--key value`) with SageMaker's places in `SM_*` variables.
- Serving: the inference toolkit imports this module and calls `model_fn`, `input_fn`,
  `predict_fn` and `output_fn`.

Garbage in is refused, never guessed at (README "Robustness"): training writes the cause to
/opt/ml/output/failure and exits non-zero; serving answers 4xx with a one-line message.

Replace the marked parts (THE MODEL, the data reading and the codecs) with your algorithm.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import logging
import math
import os
import re
import sys
import time
import traceback
from array import array
from dataclasses import dataclass
from decimal import Decimal

# torch takes about a second to import. Training checks its hyperparameters and data files first
# and imports it afterwards, so a job given garbage fails at once; serving imports it right away.
torch = nn = None


def import_torch() -> None:
    global torch, nn
    import torch as torch_module
    from torch import nn as nn_module

    torch, nn = torch_module, nn_module


if __name__ != "__main__":
    import_torch()

try:  # Only under the inference toolkit: its errors choose the HTTP status.
    from sagemaker_inference.errors import BaseInferenceToolkitError
except ImportError:  # training, tests

    class BaseInferenceToolkitError(Exception):
        def __init__(self, status_code, message, phrase):
            super().__init__(status_code, message, phrase)
            self.status_code, self.message, self.phrase = status_code, message, phrase


FEATURES = ["sepal_length", "sepal_width", "petal_length", "petal_width"]
MODEL_FILE = "model.pth"
JSON, CSV, JSONLINES = "application/json", "text/csv", "application/jsonlines"

# ---- Strict numbers, shared by training and serving ---------------------------------------------
# Python's float() also reads "nan", "inf", " 5", "1_000", full-width and Arabic-Indic digits; the
# model is float32, so 1e39 would become inf. Only plain ASCII decimals within float32 get through.

# Unambiguous on purpose: "[0-9]+\.?[0-9]*" backtracks quadratically on a long run of digits.
NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
FLOAT32_MAX = 3.4028234663852886e38  # float(torch.finfo(torch.float32).max)
NUMBER_RULE = "a plain ASCII decimal such as 5.1 or -2e-3 (no spaces, nan, inf, hex or _)"


def show(value, limit: int = 40) -> str:
    """A value as error messages quote it: ASCII only (odd characters escaped), and short."""
    text = ascii(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def strict_float(text: str) -> float:
    """The value of a strict decimal that fits float32; ValueError (saying why) otherwise."""
    if not NUMBER.fullmatch(text):
        raise ValueError(f"is not a number: write {NUMBER_RULE}")
    value = float(text)
    if not abs(value) <= FLOAT32_MAX:
        raise ValueError("is beyond float32's range (magnitude up to 3.4e38)")
    return value


# ---- THE MODEL ---------------------------------------------------------------------------------


def build(hidden_units: int, classes: int) -> nn.Module:
    return nn.Sequential(
        nn.Linear(len(FEATURES), hidden_units), nn.ReLU(), nn.Linear(hidden_units, classes)
    )


# ---- Training: hyperparameters -----------------------------------------------------------------


class InputError(Exception):
    """Training input the script cannot use; the message is the job's FailureReason."""


class HyperparameterError(InputError):
    pass


@dataclass(frozen=True)
class Hyperparameter:
    """One hyperparameter; hyperparameters.schema.json says the same (a unit test compares)."""

    kind: type  # int or float
    default: float
    minimum: float
    maximum: float
    description: str
    exclusive_minimum: bool = False

    def rule(self) -> str:
        low = f"greater than {self.minimum}" if self.exclusive_minimum else f"from {self.minimum}"
        what = "an integer" if self.kind is int else "a number"
        return f"{what} {low} {'and at most' if self.exclusive_minimum else 'to'} {self.maximum}"


# Integers stay below 2^53, the largest whole numbers JSON tools carry exactly.
HYPERPARAMETERS = {
    "epochs": Hyperparameter(int, 30, 1, 1_000_000, "Passes over the training data."),
    "learning_rate": Hyperparameter(
        float, 0.05, 0, 10, "Step size of the Adam optimizer.", exclusive_minimum=True
    ),
    "batch_size": Hyperparameter(
        int, 16, 1, 1_000_000, "Rows per gradient step; more than the data means full batch."
    ),
    "hidden_units": Hyperparameter(int, 16, 1, 1024, "Width of the network's hidden layer."),
    "seed": Hyperparameter(
        int, 7, 0, 2**32 - 1, "Seed of the weights and the shuffling: same seed, same model."
    ),
}
# Not hyperparameters: SageMaker's folders (from SM_* variables), as options for local runs.
FOLDER_OPTIONS = {
    "model-dir": ("SM_MODEL_DIR", "/opt/ml/model"),
    "train": ("SM_CHANNEL_TRAIN", "/opt/ml/input/data/train"),
    "validation": ("SM_CHANNEL_VALIDATION", None),
    "num-gpus": ("SM_NUM_GPUS", "0"),
}
# Keys that SageMaker itself adds (tuning jobs add _tuning_objective_metric, the SDK sagemaker_*).
IGNORED_PREFIXES = ("sagemaker_", "_")


def parse_hyperparameter(name: str, text: str):
    """One `--name value` as its type, or HyperparameterError naming it and the accepted range."""
    spec = HYPERPARAMETERS[name]
    fix = f"give {spec.rule()}, e.g. {spec.default}."
    if not NUMBER.fullmatch(text):
        raise HyperparameterError(
            f"hyperparameter {name}={show(text)} is not a number (nan, inf, hex, _ and spaces "
            f"are refused): {fix}"
        )
    # Decimal compares exactly, also for 10^23 or 9007199254740993, before anything is rounded.
    try:
        exact = Decimal(text)
    except ArithmeticError:  # an exponent beyond what Decimal holds: far out of range anyway
        raise HyperparameterError(f"hyperparameter {name}={show(text)} is out of range: {fix}")
    too_low = exact <= spec.minimum if spec.exclusive_minimum else exact < spec.minimum
    if too_low or exact > spec.maximum:
        raise HyperparameterError(f"hyperparameter {name}={show(text)} is out of range: {fix}")
    if spec.kind is int:
        if exact != exact.to_integral_value():
            raise HyperparameterError(f"hyperparameter {name}={show(text)} is not whole: {fix}")
        return int(exact)
    value = float(text)
    if spec.exclusive_minimum and value <= spec.minimum:  # 1e-400 is > 0, but becomes 0.0
        raise HyperparameterError(f"hyperparameter {name}={show(text)} rounds to {value}: {fix}")
    return value


def split_options(argv: list[str]) -> dict[str, str]:
    """`--key value` (and `--key=value`) pairs, as the training toolkit passes hyperparameters.

    Not argparse: it reads `-inf` as an option, and it exits without the failure file."""
    options, tokens = {}, list(argv)
    while tokens:
        token = tokens.pop(0)
        if not token.startswith("-") or token.strip("-") == "":
            raise HyperparameterError(
                f"unexpected argument {show(token)}: hyperparameters arrive as --name value."
            )
        key, has_value, value = token.lstrip("-").partition("=")
        if not has_value:
            if not tokens:
                raise HyperparameterError(f"hyperparameter {key} has no value: give --{key} VALUE.")
            value = tokens.pop(0)
        if key in options:
            raise HyperparameterError(f"hyperparameter {key} is given twice: give it once.")
        options[key] = value
    return options


def parse_args(argv=None) -> argparse.Namespace:
    """Hyperparameters arrive as `--key value` strings; SageMaker's folders as SM_* variables.

    Every problem is collected, so one failed job lists them all; the first line names the first."""
    given = split_options(sys.argv[1:] if argv is None else argv)
    known = set(HYPERPARAMETERS) | set(FOLDER_OPTIONS)
    problems = [
        f"hyperparameter {key} is unknown: this script reads {', '.join(HYPERPARAMETERS)}. "
        "Remove it or fix its spelling."
        for key in sorted(given)
        if key not in known and not key.startswith(IGNORED_PREFIXES)
    ]
    values = {}
    for name, spec in HYPERPARAMETERS.items():
        try:
            text = given.get(name)
            values[name] = spec.default if text is None else parse_hyperparameter(name, text)
        except HyperparameterError as error:
            problems.append(str(error))
    if problems:
        raise HyperparameterError("\n".join(problems))
    for option, (variable, default) in FOLDER_OPTIONS.items():
        values[option.replace("-", "_")] = given.get(option, os.environ.get(variable, default))
    try:
        values["num_gpus"] = int(values["num_gpus"] or 0)
    except ValueError:
        raise HyperparameterError(f"num-gpus {show(values['num_gpus'])} is not a whole number.")
    return argparse.Namespace(**values)


# ---- Training: data ----------------------------------------------------------------------------


@dataclass
class Channel:
    """A channel's rows: species, measurements, and where each row came from (for messages)."""

    labels: list
    features: list  # one list of floats per record
    origins: list  # (file, line) of each row
    files: list


def data_files(folder: str) -> list[str]:
    """Every file of a channel (S3 keys need no .csv suffix), sorted, hidden ones left out."""
    found = []
    for parent, folders, names in os.walk(folder):
        folders[:] = sorted(f for f in folders if not f.startswith("."))
        found += [
            os.path.relpath(os.path.join(parent, n), folder)
            for n in sorted(names)
            if not n.startswith(".")
        ]
    return found


def decode_line(raw: bytes, where: str) -> str:
    try:
        return raw.decode("utf-8").rstrip("\n").rstrip("\r")
    except UnicodeDecodeError as error:
        raise InputError(
            f"{where}: byte {raw[error.start]:#04x} at column {error.start + 1} is not UTF-8. "
            "Save the file as UTF-8 text."
        ) from None


def read_row(cells: list[str], where: str) -> tuple[str, list[float]]:
    """One data line: species, then the four measurements, each a strict float32 number."""
    if len(cells) != 1 + len(FEATURES):
        raise InputError(
            f"{where}: expected {1 + len(FEATURES)} comma-separated columns (species, "
            f"{', '.join(FEATURES)}), got {len(cells)}."
        )
    label = cells[0]
    if not label or label != label.strip() or not label.isprintable():
        raise InputError(
            f"{where}: species {show(label)} must be non-empty printable text without surrounding "
            "spaces."
        )
    values = []
    for column, cell in zip(FEATURES, cells[1:]):
        try:
            values.append(strict_float(cell))
        except ValueError as error:
            raise InputError(f"{where}: {column} {show(cell)} {error}.") from None
    return label, values


def is_header(cells: list[str]) -> bool:
    """Line 1 may name the columns: five cells, and no number where the measurements go."""
    return len(cells) == 1 + len(FEATURES) and not any(NUMBER.fullmatch(c) for c in cells[1:])


def read_file(path: str, shown: str, channel: Channel) -> None:
    """Appends a CSV file's rows to the channel; the errors name the file and its 1-based line."""
    rows = header = 0
    with open(path, "rb") as handle:
        for number, raw in enumerate(handle, start=1):
            where = f"{shown} line {number}"
            line = decode_line(raw, where)
            if line == "":
                continue
            try:
                cells = next(csv.reader([line], strict=True))
            except csv.Error as error:
                raise InputError(f"{where}: not a CSV line ({error}).") from None
            if number == 1 and is_header(cells):
                header = 1
                continue
            label, values = read_row(cells, where)
            channel.labels.append(label)
            channel.features.append(values)
            channel.origins.append((shown, number))
            rows += 1
    if rows == 0:
        what = "holds only a header line" if header else "is empty"
        raise InputError(
            f"{shown} {what}: it needs data rows (species, {', '.join(FEATURES)}). Fill the file "
            "or remove it from the channel."
        )


def read_channel(folder: str, name: str = "train") -> Channel:
    """Every file of a channel: an optional header line, then the species and the measurements."""
    if not folder or not os.path.isdir(folder):
        raise InputError(
            f"the {name} channel folder {folder} does not exist. Give the training job a '{name}' "
            "channel of CSV files (species first, then the four measurements)."
        )
    files = data_files(folder)
    if not files:
        raise InputError(f"the {name} channel ({folder}) holds no files. Add CSV files to it.")
    channel = Channel([], [], [], files)
    for shown in files:
        read_file(os.path.join(folder, shown), shown, channel)
    return channel


def label_indices(channel: Channel, classes: list[str]) -> list[int]:
    """The class index of every row; a species the training data lacks names its file and line."""
    index = {label: i for i, label in enumerate(classes)}
    for label, (shown, number) in zip(channel.labels, channel.origins):
        if label not in index:
            raise InputError(
                f"{shown} line {number}: species {show(label)} is not in the training data "
                f"({', '.join(classes)}). Remove the row or add the species to the train channel."
            )
    return [index[label] for label in channel.labels]


# ---- Training: the loop ------------------------------------------------------------------------


def pick_device(num_gpus: int) -> torch.device:
    """CUDA when the toolkit counted GPUs (SM_NUM_GPUS, from nvidia-smi) and torch can reach one."""
    usable = num_gpus > 0 and torch.cuda.is_available()
    print(
        f"sm_num_gpus={num_gpus} cuda_available={torch.cuda.is_available()} "
        f"device={'cuda' if usable else 'cpu'}",
        flush=True,
    )
    return torch.device("cuda" if usable else "cpu")


def evaluate(model, x, y) -> tuple[float, float]:
    with torch.no_grad():
        logits = model(x)
        loss = nn.functional.cross_entropy(logits, y).item()
        accuracy = (logits.argmax(dim=1) == y).float().mean().item()
    return loss, accuracy


@dataclass
class TrainingData:
    """The channels' rows once every check passed; no torch needed yet."""

    train: Channel
    classes: list  # the species, sorted: the model's output order
    labels: list  # the class index of every train row
    validation: Channel | None = None  # None without a validation channel
    validation_labels: list | None = None


@dataclass
class Tensors:
    """The data on the training device, standardized with the train channel's statistics."""

    device: torch.device
    x: torch.Tensor
    y: torch.Tensor
    validation: tuple | None  # (x, y), or None without a validation channel
    mean: torch.Tensor  # float64, per feature: saved with the model, serving standardizes the same
    std: torch.Tensor


def read_training_data(args: argparse.Namespace) -> TrainingData:
    """Reads and checks the train and (when given) validation channels: at least two species in
    train, and no validation species that train lacks."""
    data = read_channel(args.train, "train")
    classes = sorted(set(data.labels))
    if len(classes) < 2:
        raise InputError(
            f"the train channel ({', '.join(data.files)}) holds one species only "
            f"({show(classes[0])}): a classifier needs at least 2. Add rows of the other species."
        )
    checked = TrainingData(data, classes, label_indices(data, classes))
    if args.validation and os.path.isdir(args.validation):
        checked.validation = read_channel(args.validation, "validation")
        checked.validation_labels = label_indices(checked.validation, classes)
    return checked


def to_tensors(data: TrainingData, device: torch.device) -> Tensors:
    """Standardizes both channels with the train channel's mean and standard deviation."""
    features = torch.tensor(data.train.features, dtype=torch.float64)
    y = torch.tensor(data.labels).to(device)
    # Statistics in float64: float32 sums of values near 3e38 would overflow to inf.
    mean, std = features.mean(dim=0), features.std(dim=0).clamp(min=1e-6)
    x = ((features - mean) / std).float().to(device)
    validation = None
    if data.validation is not None:
        v_features = torch.tensor(data.validation.features, dtype=torch.float64)
        validation = (
            ((v_features - mean) / std).float().to(device),
            torch.tensor(data.validation_labels).to(device),
        )
    return Tensors(device, x, y, validation, mean, std)


def train_epoch(model, optimizer, tensors: Tensors, batch_size: int) -> None:
    """One pass over the train rows in a fresh random order, a gradient step per batch."""
    x, y = tensors.x, tensors.y
    order = torch.randperm(len(x), device=tensors.device)
    for start in range(0, len(x), batch_size):
        batch = order[start : start + batch_size]
        optimizer.zero_grad()
        nn.functional.cross_entropy(model(x[batch]), y[batch]).backward()
        optimizer.step()


def epoch_metrics(model, tensors: Tensors, epoch: int, learning_rate: float) -> str:
    """The epoch's log line (the metric definitions' regexes read it); InputError once the loss
    is not finite, because a NaN model must not be saved as a success."""
    loss, accuracy = evaluate(model, tensors.x, tensors.y)
    if not math.isfinite(loss):
        raise InputError(
            f"training diverged at epoch {epoch}: train_loss is {loss}. Lower learning_rate "
            f"(now {learning_rate})."
        )
    line = f"epoch={epoch} train_loss={loss:.4f} train_accuracy={accuracy:.4f}"
    if tensors.validation:
        v_loss, v_accuracy = evaluate(model, *tensors.validation)
        line += f" validation_loss={v_loss:.4f} validation_accuracy={v_accuracy:.4f}"
    return line


def fit(model, tensors: Tensors, args: argparse.Namespace) -> None:
    """Adam over args.epochs epochs, a metrics line after each."""
    optimizer = torch.optim.Adam(model.parameters(), lr=args.learning_rate)
    for epoch in range(1, args.epochs + 1):
        train_epoch(model, optimizer, tensors, args.batch_size)
        print(epoch_metrics(model, tensors, epoch, args.learning_rate), flush=True)


def save_model(model, data: TrainingData, tensors: Tensors, args: argparse.Namespace) -> None:
    """model.pth: the weights (on the CPU, so any host loads them) and what serving needs besides."""
    os.makedirs(args.model_dir, exist_ok=True)
    torch.save(
        {
            "state_dict": {k: v.cpu() for k, v in model.state_dict().items()},
            "classes": data.classes,
            "hidden_units": args.hidden_units,
            "mean": tensors.mean.tolist(),
            "std": tensors.std.tolist(),
        },
        os.path.join(args.model_dir, MODEL_FILE),
    )


def train(args: argparse.Namespace) -> None:
    """Checks all input, then imports torch, trains and writes model.pth into args.model_dir."""
    started = time.time()
    data = read_training_data(args)
    import_torch()  # every input is checked: only now pay for the import
    torch.manual_seed(args.seed)  # before build(): same seed, same weights and batch order
    tensors = to_tensors(data, pick_device(args.num_gpus))
    model = build(args.hidden_units, len(data.classes)).to(tensors.device)
    fit(model, tensors, args)
    save_model(model, data, tensors, args)
    print(f"saved {MODEL_FILE} to {args.model_dir} after {time.time() - started:.2f} s", flush=True)


def write_failure(message: str) -> None:
    """The cause, first line first, into the failure file SageMaker turns into FailureReason (its
    first 1024 characters). The training toolkit keeps a failure file the script wrote; without
    one it writes its own, which holds only the last stderr lines that name an exception class."""
    folder = os.environ.get("SM_OUTPUT_DIR", "/opt/ml/output")
    try:
        os.makedirs(folder, exist_ok=True)
        with open(os.path.join(folder, "failure"), "w", encoding="utf-8") as handle:
            handle.write(message.rstrip("\n") + "\n")
    except OSError as error:  # still say the cause on stderr below
        print(f"could not write {folder}/failure: {error}", file=sys.stderr)
    print(message, file=sys.stderr, flush=True)


def main(argv=None) -> int:
    """Trains, or writes the failure file and returns non-zero: 2 for hyperparameters, 1 else."""
    try:
        train(parse_args(argv))
    except HyperparameterError as error:
        write_failure(str(error))
        return 2
    except InputError as error:
        write_failure(str(error))
        return 1
    except Exception as error:  # a bug or the machine: the cause first, then the traceback
        write_failure(f"{type(error).__name__}: {error}\n{traceback.format_exc()}")
        return 1
    return 0


# ---- Serving: the inference toolkit's four functions -------------------------------------------


class Predictor:
    def __init__(self, saved: dict, device: torch.device):
        self.classes = saved["classes"]
        self.mean = torch.tensor(saved["mean"], dtype=torch.float64)
        self.std = torch.tensor(saved["std"], dtype=torch.float64)
        self.device = device
        self.network = build(saved["hidden_units"], len(self.classes))
        self.network.load_state_dict(saved["state_dict"])
        self.network.to(device).eval()


def model_fn(model_dir: str) -> Predictor:
    """Loads the model once per worker; a missing model fails the worker, so /ping stays unhealthy."""
    path = os.path.join(model_dir, MODEL_FILE)
    if not os.path.isfile(path):
        raise FileNotFoundError(f"{path} is missing: serve the model.tar.gz of a training job")
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    return Predictor(torch.load(path, map_location=device), device)


PHRASES = {400: "Bad Request", 406: "Not Acceptable", 415: "Unsupported Media Type"}
EXAMPLE = '{"instances": [[5.1, 3.5, 1.4, 0.2]]}'


def bad_request(message: str, status: int = 400) -> BaseInferenceToolkitError:
    return BaseInferenceToolkitError(status, message, PHRASES[status])


@dataclass
class Batch:
    """What input_fn read: one float64 row per record, and how messages name record i."""

    features: torch.Tensor
    unit: str = "instance"  # "line" for CSV and JSON Lines

    def name(self, index: int) -> str:
        return f"{self.unit} {index + 1}"


def decode_body(body) -> str:
    """The body as text; the toolkit hands over bytes (see adapt_inference_toolkit)."""
    if isinstance(body, str):
        return body
    if not isinstance(body, (bytes, bytearray)):
        raise bad_request("the body could not be read: send UTF-8 text.")
    try:
        return bytes(body).decode("utf-8")
    except UnicodeDecodeError as error:
        line = body.count(b"\n", 0, error.start) + 1
        raise bad_request(
            f"line {line}: byte {body[error.start]:#04x} is not UTF-8. Send UTF-8 text."
        ) from None


def split_lines(text: str) -> list[str]:
    """Lines of a line-based body: one record each, "\\r\\n" or "\\n", the last one may end it."""
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    return [line[:-1] if line.endswith("\r") else line for line in lines]


def check_range(batch: Batch) -> Batch:
    """A number beyond float32 (1e39, or 1e400 read as inf) cannot reach the model: 400."""
    beyond = ~(batch.features.abs() <= FLOAT32_MAX)
    if beyond.any():
        row, column = (int(i) for i in beyond.nonzero()[0])
        raise bad_request(
            f"{batch.name(row)}: {FEATURES[column]} is beyond float32's range (magnitude up to 3.4e38)."
        )
    return batch


CSV_ROW = re.compile(",".join([f"({NUMBER.pattern})"] * len(FEATURES)))


def csv_line_problem(line: str, number: int) -> str:
    """Why a CSV line is not 4 strict numbers; the message names the line and the cell."""
    if line == "":
        return f"line {number} is empty: send one record of {len(FEATURES)} numbers per line."
    cells = line.split(",")
    if len(cells) != len(FEATURES):
        return (
            f"line {number}: expected {len(FEATURES)} comma-separated numbers "
            f"({', '.join(FEATURES)}), got {len(cells)} cell{'s' if len(cells) > 1 else ''}."
        )
    column, cell = next((c, v) for c, v in zip(FEATURES, cells) if not NUMBER.fullmatch(v))
    header = " (no header line: send records only)" if number == 1 else ""
    return f"line {number}: {column} {show(cell)} is not a number: write {NUMBER_RULE}{header}."


def read_csv(text: str) -> Batch:
    """One record per line, exactly four strict numbers; no header, no blank lines, no quoting."""
    values = array("d")  # 8 bytes a number: a 6 MB body stays a few tens of MB
    for index, line in enumerate(split_lines(text)):
        match = CSV_ROW.fullmatch(line)
        if match is None:
            raise bad_request(csv_line_problem(line, index + 1))
        values.extend(map(float, match.groups()))
    features = torch.frombuffer(values, dtype=torch.float64).reshape(-1, len(FEATURES))
    return check_range(Batch(features.clone(), "line"))


class JsonConstant(str):
    """NaN, Infinity or -Infinity in a JSON body: Python reads them, JSON has no such numbers."""


def load_json(text: str, where: str):
    """Strict JSON; every number becomes a float (no int overflow), NaN/Infinity a JsonConstant."""
    try:
        return json.loads(text, parse_int=float, parse_constant=JsonConstant)
    except RecursionError:
        raise bad_request(f"{where} is nested too deeply: send {EXAMPLE}.") from None
    except ValueError as error:  # JSONDecodeError, and whatever else the decoder refuses
        detail = (
            f"{error.msg} at line {error.lineno} column {error.colno}"
            if isinstance(error, json.JSONDecodeError)
            else type(error).__name__
        )
        raise bad_request(f"{where} is not valid JSON ({detail}): send {EXAMPLE}.") from None


def describe(value) -> str:
    """A JSON value's kind, for messages."""
    if isinstance(value, JsonConstant):
        return f"{value} (NaN and Infinity are not JSON numbers)"
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    if isinstance(value, str):
        return f"the string {show(value)}"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return f"a list of {len(value)}"
    return show(value)


def json_record(value, where: str) -> list:
    """[5.1, 3.5, 1.4, 0.2] or {"features": [...]}: exactly four numbers, no strings or booleans."""
    if isinstance(value, dict) and set(value) == {"features"}:
        value = value["features"]
    if not isinstance(value, list) or len(value) != len(FEATURES):
        raise bad_request(
            f"{where} must be a list of {len(FEATURES)} numbers ({', '.join(FEATURES)}), got "
            f"{describe(value)}."
        )
    for column, number in zip(FEATURES, value):
        if type(number) is not float:  # not bool, str (JsonConstant included), list, None
            raise bad_request(f"{where}: {column} is {describe(number)}, not a number.")
    return value


def read_json(text: str) -> Batch:
    """{"instances": [[...], ...]} or [[...], ...]."""
    data = load_json(text, "the body")
    if isinstance(data, dict):
        if set(data) != {"instances"}:
            keys = ", ".join(show(k) for k in list(data)[:5]) or "none"
            raise bad_request(
                f'a JSON object body needs exactly one key, "instances" (got {keys}): '
                f"send {EXAMPLE}."
            )
        data = data["instances"]
    if not isinstance(data, list) or not data:
        raise bad_request(
            f"expected a non-empty list of instances, got {describe(data)}: send {EXAMPLE}."
        )
    rows = [json_record(value, f"instance {i + 1}") for i, value in enumerate(data)]
    return check_range(Batch(torch.tensor(rows, dtype=torch.float64), "instance"))


def read_jsonlines(text: str) -> Batch:
    """One JSON record per line: [5.1, 3.5, 1.4, 0.2] or {"features": [...]}."""
    rows = []
    for index, line in enumerate(split_lines(text)):
        where = f"line {index + 1}"
        if not line.strip():
            raise bad_request(f"{where} is empty: send one JSON record per line.")
        rows.append(json_record(load_json(line, where), where))
    return check_range(Batch(torch.tensor(rows, dtype=torch.float64), "line"))


READERS = {
    JSON: read_json,
    CSV: read_csv,
    JSONLINES: read_jsonlines,
    "application/jsonl": read_jsonlines,
    "application/x-jsonlines": read_jsonlines,
}
CHARSETS = {"utf-8", "utf8", "us-ascii"}


def input_fn(body, content_type: str) -> Batch:
    """JSON ({"instances": [[...]]} or [[...]]), JSON Lines or CSV rows of four numbers.

    Every record in is one record out, so a damaged one is refused (400 naming it), not skipped."""
    media, *parameters = (content_type or "").split(";")
    kind = media.strip().lower()
    charsets = [
        p.split("=", 1)[1].strip().strip('"').lower()
        for p in parameters
        if p.strip().lower().startswith("charset=")
    ]
    if kind not in READERS or any(charset not in CHARSETS for charset in charsets):
        raise bad_request(
            f"Content-Type {show(content_type or '(none)')} is not supported: send {JSON}, {CSV} "
            f"or {JSONLINES}, in UTF-8.",
            415,
        )
    text = decode_body(body)
    if not text or text.isspace():
        raise bad_request(f"the body is empty: send at least one record, e.g. {EXAMPLE}.")
    return READERS[kind](text)


@dataclass
class Predictions:
    """Class probabilities per record; output_fn writes them without a Python object per value."""

    classes: list
    probabilities: torch.Tensor  # float64, finite, one row per record


def predict_fn(data, model: Predictor) -> Predictions:
    batch = data if isinstance(data, Batch) else Batch(torch.as_tensor(data, dtype=torch.float64))
    with torch.no_grad():
        x = ((batch.features - model.mean) / model.std).float().to(model.device)
        probabilities = torch.softmax(model.network(x), dim=1).cpu().double()
    finite = torch.isfinite(probabilities).all(dim=1)
    if not finite.all():  # values so far from the training data that float32 overflows
        row = int((~finite).nonzero()[0])
        raise bad_request(
            f"{batch.name(row)}: the model gives no finite prediction for "
            f"{show(batch.features[row].tolist(), 120)}: the values are far outside the data it "
            "was trained on."
        )
    return Predictions(model.classes, probabilities)


def json_records(predictions: Predictions, chunk: int = 8192):
    """One JSON object per record. repr() of a finite float is a valid JSON number, and
    predict_fn let only finite ones through (what json.dumps(allow_nan=False) would check).
    Python floats are made a chunk at a time: 786,000 records would need ~120 MB of them."""
    labels = [json.dumps(label) for label in predictions.classes]
    rounded = torch.round(predictions.probabilities * 1e6).div(1e6)
    for start in range(0, len(rounded), chunk):
        part = rounded[start : start + chunk]
        for index, row in zip(part.argmax(dim=1).tolist(), part.tolist()):
            yield f'{{"label":{labels[index]},"probabilities":[{",".join(map(repr, row))}]}}'


def write_json(predictions: Predictions) -> str:
    return '{"predictions":[' + ",".join(json_records(predictions)) + "]}"


def write_jsonlines(predictions: Predictions) -> str:
    return "".join(record + "\n" for record in json_records(predictions))


def write_csv(predictions: Predictions) -> str:
    labels = []
    for label in predictions.classes:  # quoted as CSV needs it, once per class
        cell = io.StringIO()
        csv.writer(cell, lineterminator="\n").writerow([label])
        labels.append(cell.getvalue())
    return "".join(labels[i] for i in predictions.probabilities.argmax(dim=1).tolist())


WRITERS = {
    JSON: write_json,
    CSV: write_csv,
    JSONLINES: write_jsonlines,
    "application/jsonl": write_jsonlines,
    "application/x-jsonlines": write_jsonlines,
}
Q_VALUE = re.compile(r"q=(0(\.[0-9]{0,3})?|1(\.0{0,3})?)", re.IGNORECASE)


def negotiate(accept: str) -> str:
    """The first type of WRITERS that the Accept header allows, by its q-values then its order."""
    ranges = []
    for position, part in enumerate((accept or "").split(",")):
        media, *parameters = [p.strip() for p in part.split(";")]
        quality = 1.0
        for parameter in parameters:
            if parameter.lower().startswith("q="):
                match = Q_VALUE.fullmatch(parameter)
                quality = float(parameter[2:]) if match else 0.0  # an odd q is not a yes
        if media and quality > 0:
            ranges.append((-quality, position, media.lower()))
    for _, _, media in sorted(ranges):
        for offer in WRITERS:
            if media in (offer, "*/*", offer.split("/")[0] + "/*"):
                return offer
    raise bad_request(
        f"Accept {show(accept or '(none)')} is not supported: use {JSON}, {CSV} or {JSONLINES}.",
        406,
    )


def output_fn(predictions: Predictions, accept: str):
    kind = negotiate(accept if accept and accept.strip() else "*/*")
    return WRITERS[kind](predictions), kind


# ---- Serving: two corrections to AWS's inference toolkit ---------------------------------------

logger = logging.getLogger(__name__)


def short_error_answer(context, error, trace):
    """Transformer.handle_error without the traceback in the answer. A client error gets its
    message and one log line; a server error a generic answer, and its traceback in the log."""
    phrase = re.sub(r"[\r\n]", " ", str(error.phrase))  # Netty refuses CR/LF in a status line
    context.set_response_status(code=error.status_code, phrase=phrase)
    if error.status_code < 500:
        logger.info("answered %s: %s", error.status_code, error.message)
        return [f"{error.message}\n"]
    logger.error("the request failed: %s", trace)
    return ["the model server failed on this request; the endpoint's log has the details.\n"]


def adapt_inference_toolkit() -> None:
    """AWS's sagemaker_inference (the same in its PyTorch images) answers two kinds of garbage
    badly, before or after this script's functions run:
    - it decodes application/json and text/csv bodies as UTF-8 before input_fn, so one bad byte
      is an UnicodeDecodeError and a 500: with no type in UTF8_TYPES, input_fn gets the bytes
      and answers 400 naming the line;
    - its error answer is the message followed by the Python traceback (file paths included)."""
    try:
        from sagemaker_inference import content_types, transformer
    except ImportError:  # the training image: nothing to correct
        return
    content_types.UTF8_TYPES = []  # transform() reads the module attribute on every request
    transformer.Transformer.handle_error = staticmethod(short_error_answer)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
else:
    adapt_inference_toolkit()
