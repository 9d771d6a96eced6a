"""Channel data: CSV files, label in the first column, numeric features after it."""

import csv
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .sagemaker import UserError


@dataclass
class Table:
    labels: list
    features: np.ndarray  # float32, rows x columns
    feature_names: list = field(default_factory=list)


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


def _number(text: str):
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def read_channel(directory: Path, channel: str) -> Table:
    """Reads a channel. A first line whose feature cells are not all numbers is a header."""
    labels, rows, names = [], [], []
    width = None
    for path in channel_files(directory, channel):
        with path.open(newline="", encoding="utf-8") as handle:
            for line_number, cells in enumerate(csv.reader(handle), start=1):
                if not cells or all(c.strip() == "" for c in cells):
                    continue
                cells = [c.strip() for c in cells]
                if line_number == 1 and any(_number(c) is None for c in cells[1:]):
                    names = names or cells[1:]
                    continue
                if len(cells) < 2:
                    raise UserError(
                        f"{path}, line {line_number}: expected a label and at least one feature, "
                        f"got {len(cells)} column. Write rows as label,feature1,feature2,..."
                    )
                if width is None:
                    width = len(cells)
                elif len(cells) != width:
                    raise UserError(
                        f"{path}, line {line_number}: {len(cells)} columns, expected {width} "
                        "like the rows before. Give every row the same columns."
                    )
                values = []
                for column, cell in enumerate(cells[1:], start=2):
                    value = _number(cell)
                    if value is None:
                        raise UserError(
                            f"{path}, line {line_number}, column {column}: {cell!r} is not a finite number. "
                            "Features must be numeric; encode categories and fill gaps before training."
                        )
                    values.append(value)
                labels.append(cells[0])
                rows.append(values)
    if not rows:
        raise UserError(f'Channel "{channel}" ({directory}) has no data rows. Add at least one.')
    if names and len(names) != width - 1:
        names = []
    return Table(labels=labels, features=np.asarray(rows, dtype=np.float32), feature_names=names)


def class_names(labels: list) -> list:
    """Sorted class names; numeric labels sort as numbers (so "10" comes after "9")."""
    unique = set(labels)
    if all(_number(label) is not None for label in unique):
        return sorted(unique, key=float)
    return sorted(unique)


def encode_labels(labels: list, classes: list, channel: str) -> np.ndarray:
    index = {name: i for i, name in enumerate(classes)}
    unknown = sorted(set(labels) - set(index))
    if unknown:
        raise UserError(
            f'Channel "{channel}" has labels the train channel does not: {unknown[:5]}. '
            "Every validation label must occur in the training data."
        )
    return np.asarray([index[label] for label in labels], dtype=np.int64)
