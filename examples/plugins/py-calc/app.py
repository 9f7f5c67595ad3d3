"""py-calc: a quire plugin written in Python, built with componentize-py
against the same WIT world as the Rust plugins (sdk/wit/world.wit).

componentize-py generates the `wit_world` package from the WIT; this module
implements its `tools` export as the class `Tools`.
"""

import json

from componentize_py_types import Err
from wit_world import exports
from wit_world.imports import log
from wit_world.imports.types import (
    ToolError_Failed,
    ToolError_InvalidArguments,
    ToolError_UnknownTool,
    ToolInfo,
)

import calc

TOOLS = [
    ToolInfo(
        name="calc",
        description=(
            "Evaluates an arithmetic expression exactly as Python would: numbers, "
            "+ - * / // % **, parentheses, sqrt sin cos tan log log10 exp floor "
            "ceil abs round min max, pi e tau. Returns the value."
        ),
        input_schema=json.dumps(
            {
                "type": "object",
                "properties": {
                    "expression": {
                        "type": "string",
                        "description": "The expression, e.g. 2 * (3 + 4) ** 2",
                    }
                },
                "required": ["expression"],
                "additionalProperties": False,
            }
        ),
        read_only=True,
    ),
    ToolInfo(
        name="stats",
        description=(
            "Summarises a list of numbers: count, sum, mean, median, population "
            "standard deviation, min and max, as JSON."
        ),
        input_schema=json.dumps(
            {
                "type": "object",
                "properties": {
                    "numbers": {
                        "type": "array",
                        "items": {"type": "number"},
                        "minItems": 1,
                        "description": "The numbers",
                    }
                },
                "required": ["numbers"],
                "additionalProperties": False,
            }
        ),
        read_only=True,
    ),
]


class Tools(exports.Tools):
    def list_tools(self):
        return TOOLS

    def call_tool(self, name, arguments):
        try:
            args = json.loads(arguments or "{}")
        except ValueError as e:
            raise Err(ToolError_InvalidArguments(f"the arguments are not JSON: {e}"))
        if not isinstance(args, dict):
            raise Err(ToolError_InvalidArguments("send the arguments as one JSON object"))
        try:
            if name == "calc":
                result = calc.calc(args.get("expression"))
                log.log(log.Level.DEBUG, f"calc: {args.get('expression')} = {result}")
                return repr(result)
            if name == "stats":
                return json.dumps(calc.stats(args.get("numbers")))
        except calc.BadInput as e:
            raise Err(ToolError_InvalidArguments(str(e)))
        except Exception as e:  # a bug here must not look like a crash to the model
            raise Err(ToolError_Failed(f"{name} failed: {type(e).__name__}: {e}"))
        known = ", ".join(t.name for t in TOOLS)
        raise Err(ToolError_UnknownTool(f"this plugin has no tool `{name}`; its tools are: {known}"))
