"""The strict number grammar shared by training data, hyperparameters and requests (R3, R5, R6)."""

import random
import unittest

from algorithm.numbers import FLOAT32_MAX, NotANumber, is_strict_decimal, parse_decimal


class ParseDecimalTest(unittest.TestCase):
    def test_plain_decimals(self):
        for text, value in [("5.1", 5.1), ("-2e-3", -0.002), (".5", 0.5), ("5.", 5.0), ("+1E+5", 1e5),
                            (" 7\t", 7.0), ("3.4e38", 3.4e38), ("0." + "0" * 300 + "1", 1e-301)]:
            self.assertEqual(parse_decimal(text), value, text)

    def test_what_float_accepts_but_is_not_a_number_here(self):
        # Every one of these is a number to Python's float() (or becomes infinity there).
        for text in ["nan", "NaN", " nan", "inf", "-inf", "Infinity", "1_000", "0x10", "١٢", "１２", "\u00a05",
                     "", " ", "1e", ".", "+-1", "1..2", "e5", "5\n"]:
            with self.assertRaises(NotANumber, msg=repr(text)):
                parse_decimal(text)

    def test_float32_range(self):
        for text in ["1e39", "-3.5e38", "1e400", "1" + "0" * 39]:
            with self.assertRaisesRegex(NotANumber, "out of range", msg=text):
                parse_decimal(text)
        self.assertEqual(parse_decimal(repr(FLOAT32_MAX)), FLOAT32_MAX)

    def test_hundreds_of_digits(self):
        with self.assertRaisesRegex(NotANumber, "401 characters"):
            parse_decimal("1" + "0" * 400)

    def test_linear_time_on_a_megabyte_of_digits(self):
        # The grammar has no backtracking: this returns at once rather than in hours.
        self.assertFalse(is_strict_decimal("1" * 1_000_000 + "x"))

    def test_agrees_with_float_on_its_own_alphabet(self):
        """On the characters of plain decimals, float() and the strict grammar agree; the server's
        fast CSV path relies on it (it checks the alphabet, then calls float())."""
        rng = random.Random(7)
        for _ in range(20_000):
            text = "".join(rng.choice("0123456789eE.+- ") for _ in range(rng.randint(1, 6)))
            try:
                float(text)
                by_float = True
            except ValueError:
                by_float = False
            self.assertEqual(is_strict_decimal(text), by_float, repr(text))


if __name__ == "__main__":
    unittest.main()
