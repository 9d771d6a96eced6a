"""Strict numbers: the one definition of "a number" that training data, hyperparameters and requests share.

Python's float() is far too lenient for input that comes from files and clients: it accepts
"nan", "inf", "Infinity", "1_000", Arabic-Indic and full-width digits ("١٢", "１２") and
surrounding whitespace of any kind, and it turns "1e400" into infinity without a word. Every
comparison with NaN is false, so range checks alone let it through. Here a number is a plain ASCII
decimal, optionally with an exponent, and it must fit the float32 the model computes in.
"""

import math
import re

# [0-9], not \d: in Python, \d also matches every Unicode digit ("١", "１").
# Possessive quantifiers (++, *+, ?+): no backtracking, so a megabyte of digits costs linear time.
STRICT_DECIMAL = re.compile(r"[+-]?+(?:[0-9]++(?:\.[0-9]*+)?+|\.[0-9]++)(?:[eE][+-]?+[0-9]++)?+")
STRICT_INTEGER = re.compile(r"[+-]?+[0-9]++")
FLOAT32_MAX = 3.4028234663852886e38  # numpy.finfo(numpy.float32).max, without importing numpy
# Beyond 2**53 a float64 (JSON's number, and Python's float) no longer holds every integer exactly.
EXACT_INTEGER_LIMIT = 2**53
# A decimal longer than this is garbage whatever it says (float64 needs 17 significant digits);
# the cap also keeps int() away from Python's 4300-digit limit and its ValueError.
MAX_DECIMAL_CHARACTERS = 400


class NotANumber(ValueError):
    """The text is not a plain decimal number, or it does not fit; the message says which."""


def describe_text(text: str, limit: int = 40) -> str:
    """repr() of a cell for an error message, cut short: a 1000-digit cell must not flood the log."""
    return repr(text if len(text) <= limit else text[:limit] + "...")


def parse_decimal(text: str, limit: float = FLOAT32_MAX) -> float:
    """`text` (surrounding spaces and tabs allowed) as a float with |value| <= limit, else NotANumber."""
    cell = text.strip(" \t")
    if not cell:
        raise NotANumber("is empty; every value must be a number")
    if len(cell) > MAX_DECIMAL_CHARACTERS:
        raise NotANumber(f"{describe_text(cell)} has {len(cell)} characters: far too long for a number")
    if not STRICT_DECIMAL.fullmatch(cell):
        raise NotANumber(
            f"{describe_text(cell)} is not a plain decimal number such as 5.1 or -2e-3 "
            "(nan, inf, 1_000, 0x10 and non-ASCII digits are refused)"
        )
    value = float(cell)
    if not math.isfinite(value) or abs(value) > limit:
        raise NotANumber(f"{describe_text(cell)} is out of range: the limit is ±{limit:.7g} (float32)")
    return value


def is_strict_decimal(text: str) -> bool:
    cell = text.strip(" \t")
    return len(cell) <= MAX_DECIMAL_CHARACTERS and STRICT_DECIMAL.fullmatch(cell) is not None
