"""The tools of py-calc, in plain Python (no WIT bindings): testable with
`python3 -m unittest` on any machine."""

import ast
import math
import operator
import statistics

# Exponents and results past these are refused rather than computed.
MAX_EXPONENT = 1000
MAX_DIGITS = 1000

_BINARY = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
    ast.Pow: operator.pow,
}
_UNARY = {ast.UAdd: operator.pos, ast.USub: operator.neg}
_FUNCTIONS = {
    name: getattr(math, name)
    for name in ("sqrt", "sin", "cos", "tan", "log", "log10", "exp", "floor", "ceil")
}
_FUNCTIONS.update(abs=abs, round=round, min=min, max=max)
_CONSTANTS = {"pi": math.pi, "e": math.e, "tau": math.tau}


class BadInput(Exception):
    """The arguments are wrong; the message says how."""


def calc(expression):
    """Evaluates an arithmetic expression without `eval`: numbers, + - * /
    // % **, parentheses, a few math functions and constants."""
    if not isinstance(expression, str) or not expression.strip():
        raise BadInput("`expression` is empty; give an arithmetic expression such as 2 * (3 + 4)")
    try:
        tree = ast.parse(expression, mode="eval")
    except SyntaxError as e:
        raise BadInput(f"`{expression}` is not an expression: {e.msg}") from None
    try:
        value = _eval(tree.body, expression)
    except ZeroDivisionError:
        raise BadInput(f"`{expression}` divides by zero") from None
    except (ValueError, OverflowError, TypeError) as e:
        raise BadInput(f"`{expression}` cannot be computed: {e}") from None
    if isinstance(value, int) and abs(value).bit_length() > MAX_DIGITS * 4:
        raise BadInput(f"the result of `{expression}` is too large to show")
    return value


def _eval(node, source):
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        return node.value
    if isinstance(node, ast.Name) and node.id in _CONSTANTS:
        return _CONSTANTS[node.id]
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        left, right = _eval(node.left, source), _eval(node.right, source)
        if isinstance(node.op, ast.Pow) and abs(right) > MAX_EXPONENT:
            raise BadInput(f"the exponent {right} is too large (at most {MAX_EXPONENT})")
        return _BINARY[type(node.op)](left, right)
    if isinstance(node, ast.UnaryOp) and type(node.op) in _UNARY:
        return _UNARY[type(node.op)](_eval(node.operand, source))
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in _FUNCTIONS
        and not node.keywords
    ):
        return _FUNCTIONS[node.func.id](*[_eval(a, source) for a in node.args])
    allowed = ", ".join(sorted(_FUNCTIONS) + sorted(_CONSTANTS))
    # (ast.unparse needs a module componentize-py does not bundle.)
    shown = ast.get_source_segment(source, node) or type(node).__name__
    raise BadInput(
        f"`{shown}` is not allowed: use numbers, + - * / // % **, "
        f"parentheses and {allowed}"
    )


def stats(numbers):
    """Count, sum, mean, median, population standard deviation, min, max."""
    if not isinstance(numbers, list) or not numbers:
        raise BadInput("`numbers` must be a non-empty list of numbers")
    if not all(type(n) in (int, float) for n in numbers):
        raise BadInput("`numbers` may only hold numbers")
    return {
        "count": len(numbers),
        "sum": sum(numbers),
        "mean": statistics.fmean(numbers),
        "median": statistics.median(numbers),
        "stdev": statistics.pstdev(numbers),
        "min": min(numbers),
        "max": max(numbers),
    }
