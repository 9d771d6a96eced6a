"""Channel data: CSV files, label in the first column, numeric features after it.

Every file is checked as it is read, and a problem fails the job with a message whose first words
name the file and the 1-based physical line (`train.csv line 17: ...`; the header, when there is
one, is line 1): a value that is not a plain decimal or does not fit float32 (nan, inf, 1e39,
1_000, non-ASCII digits), bytes that are not UTF-8, a wrong column count, an empty label, an empty
or header-only file (R6). A model trained on such data would be useless and still billed.
"""

import csv
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .numbers import NotANumber, describe_text, is_strict_decimal, parse_decimal
from .sagemaker import UserError

FEATURES_FIX = "Features must be plain decimal numbers; encode categories and fill gaps before training."


@dataclass
class Table:
    labels: list
    features: np.ndarray  # float32, rows x columns, every value finite
    feature_names: list = field(default_factory=list)
    # Where each label first occurs ("train.csv line 3"), so later checks can point at a line.
    first_seen: dict = field(default_factory=dict)
    files: list = field(default_factory=list)  # file names, as errors write them
    positions: list = field(default_factory=list)  # per row: (index in files, line number)

    def where(self, row: int) -> str:
        """"train.csv line 17": where row `row` (0-based) came from."""
        file, line = self.positions[row]
        return f"{self.files[file]} line {line}"


def channel_files(directory: Path, channel: str) -> list:
    """Every *.csv under the channel folder, sub-folders included, in a stable order (never written to)."""
    if not directory.is_dir():
        raise UserError(
            f'Channel "{channel}" has no folder {directory}. '
            f'Add a "{channel}" channel (InputDataConfig) with CSV files.'
        )
    files = sorted(p for p in directory.rglob("*") if p.is_file() and p.suffix.lower() == ".csv")
    if not files:
        raise UserError(
            f'Channel "{channel}" ({directory}) holds no *.csv file. '
            "Point the channel at CSV files: label first, then numeric features."
        )
    return files


def read_channel(directory: Path, channel: str) -> Table:
    """Reads and checks every CSV file of a channel. Line 1 of a file may be a header (names only)."""
    table = Table(labels=[], features=np.zeros((0, 0), dtype=np.float32))
    rows = []
    width = None  # columns of the first data row; every row of the channel must match it
    for path in channel_files(directory, channel):
        name = path.relative_to(directory).as_posix()  # the base name, with sub-folders if any
        table.files.append(name)
        header, count = None, 0
        for line_number, cells in _records(path, name):
            if line_number == 1 and _is_header(cells):
                header = cells
                continue
            where = f"{name} line {line_number}"
            width = width or len(cells)
            _check_columns(cells, width, where)
            rows.append(_features(cells, where, header[1:] if header else table.feature_names))
            table.labels.append(cells[0])
            table.first_seen.setdefault(cells[0], where)
            table.positions.append((len(table.files) - 1, line_number))
            count += 1
        if count == 0:
            what = "holds only a header" if header else "is empty"
            raise UserError(
                f"{name} {what}: no data rows (channel \"{channel}\"). "
                "Remove the file or fill it with rows: label, then the features."
            )
        if header and not table.feature_names and len(header) == width:
            table.feature_names = header[1:]
    table.features = np.asarray(rows, dtype=np.float32)
    return table


def _records(path: Path, name: str):
    """(physical line number, stripped cells) of every non-blank line. Bytes that are not UTF-8 and
    CSV syntax errors (a NUL byte, an unterminated quote) fail with the line."""
    reader = csv.reader(_text_lines(path, name), strict=True)
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise UserError(f"{name} line {reader.line_num}: {error}. Fix the CSV syntax of that line.") from None
        if any(c.strip() for c in cells):
            yield reader.line_num, [c.strip() for c in cells]


def _text_lines(path: Path, name: str):
    """The file's lines, each decoded strictly: a byte that is not UTF-8 is an error, never a new
    label (errors="replace" would turn "set\\xffosa" into a class of its own)."""
    with path.open("rb") as handle:
        for line_number, raw in enumerate(handle, start=1):
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as error:
                raise UserError(
                    f"{name} line {line_number}: byte 0x{raw[error.start]:02x} at position {error.start + 1} "
                    "is not UTF-8. Save the file as UTF-8."
                ) from None
            yield text.lstrip("\ufeff") if line_number == 1 else text  # a byte-order mark is no label


def _is_header(cells: list) -> bool:
    """A header names every feature: no feature cell may look like a number. A first row with a
    damaged value ("setosa,nan,2.7,1.4") is data, and fails as such, not a header silently dropped."""
    return len(cells) > 1 and all(_is_name(c) for c in cells[1:])


def _is_name(cell: str) -> bool:
    if not cell or is_strict_decimal(cell):
        return False
    try:
        float(cell)  # nan, inf, 1_000, "١٢": numbers to float(), so damaged data rather than names
        return False
    except ValueError:
        return True


def _check_columns(cells: list, width: int, where: str) -> None:
    if len(cells) < 2:
        raise UserError(
            f"{where}: expected a label and at least one feature, got {len(cells)} column. "
            "Write rows as label,feature1,feature2,..."
        )
    if len(cells) != width:
        raise UserError(
            f"{where}: {len(cells)} columns, expected {width} like the rows before. Give every row the same columns."
        )
    if not cells[0]:
        raise UserError(f"{where}: the label (column 1) is empty. Give every row a label.")


def _features(cells: list, where: str, names: list) -> list:
    values = []
    for column, cell in enumerate(cells[1:], start=2):
        try:
            values.append(parse_decimal(cell))
        except NotANumber as error:
            named = f" ({names[column - 2]})" if column - 2 < len(names) else ""
            raise UserError(f"{where}, column {column}{named}: {error}. {FEATURES_FIX}") from None
    return values


def class_names(labels: list, first_seen: dict = None) -> list:
    """Sorted class names; numeric labels sort as numbers (so "10" comes after "9").

    Numeric labels that are the same number written differently ("1" and "1.0") would silently
    become two classes: that fails, naming both."""
    unique = set(labels)
    if not all(is_strict_decimal(label) for label in unique):
        return sorted(unique)
    by_value = {}
    for label in sorted(unique):
        other = by_value.setdefault(float(label), label)
        if other != label:
            places = first_seen or {}
            raise UserError(
                f"{places.get(label, 'a row')}: label {describe_text(label)} is the number of label "
                f"{describe_text(other)} ({places.get(other, 'another row')}) written differently; "
                "they would become two classes. Write each class the same way."
            )
    return sorted(unique, key=float)


def encode_labels(labels: list, classes: list, channel: str, first_seen: dict = None) -> np.ndarray:
    index = {name: i for i, name in enumerate(classes)}
    unknown = sorted(set(labels) - set(index))
    if unknown:
        places = first_seen or {}
        first = min(unknown, key=lambda label: _position(places.get(label, "")))
        where = places.get(first, f'Channel "{channel}"')
        listed = ", ".join(describe_text(u) for u in unknown[:5])
        raise UserError(
            f"{where}: label {describe_text(first)} does not occur in the train channel; every {channel} "
            f"label must occur in the training data ({len(unknown)} unknown: {listed})."
        )
    return np.asarray([index[label] for label in labels], dtype=np.int64)


def _position(where: str):
    """Sort key of "a/b.csv line 12": file, then line as a number."""
    name, _, line = where.rpartition(" line ")
    return (name, int(line) if line.isdigit() else 0)
