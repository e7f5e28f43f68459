"""Differential-test oracle: the Python reference stack answers batches of cases.

Usage: oracle.py OP  (reads a JSON array of cases on stdin, writes a JSON array of results)
OP is "<area>.<function>"; the function lives in oracle_<area>.py beside this file and
maps one case to one result. A case that raises becomes {"error": "<ExceptionName>: msg"}.
"""
import importlib
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))


def main() -> None:
    op = sys.argv[1]
    area, fn_name = op.split(".", 1)
    fn = getattr(importlib.import_module(f"oracle_{area}"), fn_name)
    cases = json.load(sys.stdin)
    out = []
    for case in cases:
        try:
            out.append(fn(case))
        except Exception as exc:  # reported per case, compared by the Swift side
            out.append({"error": f"{type(exc).__name__}: {exc}"})
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
