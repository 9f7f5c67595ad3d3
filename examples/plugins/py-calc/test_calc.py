"""Unit tests of the plugin's logic on the host: `python3 -m unittest`."""

import unittest

import calc


class CalcTest(unittest.TestCase):
    def test_arithmetic_functions_and_constants(self):
        self.assertEqual(calc.calc("2 * (3 + 4) ** 2"), 98)
        self.assertEqual(calc.calc("7 // 2 + 7 % 2 - -1"), 5)
        self.assertAlmostEqual(calc.calc("sqrt(2) ** 2"), 2.0)
        self.assertAlmostEqual(calc.calc("cos(pi)"), -1.0)
        self.assertEqual(calc.calc("max(1, 5, 3)"), 5)

    def test_refuses_code_and_huge_numbers_with_a_reason(self):
        for bad, reason in [
            ("__import__('os').system('x')", "not allowed"),
            ("open('f')", "not allowed"),
            ("x + 1", "not allowed"),
            ("9 ** 9 ** 9", "too large"),
            ("1 / 0", "divides by zero"),
            ("sqrt(-1)", "cannot be computed"),
            ("2 +", "not an expression"),
            ("", "empty"),
        ]:
            with self.assertRaises(calc.BadInput, msg=bad) as cm:
                calc.calc(bad)
            self.assertIn(reason, str(cm.exception), bad)

    def test_stats(self):
        s = calc.stats([1, 2, 3, 4])
        self.assertEqual((s["count"], s["sum"], s["median"], s["min"], s["max"]), (4, 10, 2.5, 1, 4))
        self.assertAlmostEqual(s["mean"], 2.5)
        with self.assertRaises(calc.BadInput):
            calc.stats([])
        with self.assertRaises(calc.BadInput):
            calc.stats(["1"])


if __name__ == "__main__":
    unittest.main()
