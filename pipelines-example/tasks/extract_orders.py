#!/usr/bin/env python3
"""Extract the day's orders from the source export into JSON Lines.

Reads SOURCE_FILE (a JSON array, path relative to the repository root) and
writes $OUTPUT_DIR/orders_<DS>.jsonl. Rows pass through untouched on purpose:
duplicates, nulls and odd types are the transform's job, and keeping the raw
extract makes a bad load reproducible from the stored artifact.
"""
import json
import os
import sys

TASK = "extract_orders"


def fail(message):
    print(f"{TASK}: {message}", file=sys.stderr)
    sys.exit(1)


def require_env(name, default=None):
    value = os.environ.get(name) or default
    if not value:
        fail(f"environment variable {name} is not set (the orchestrator provides it)")
    return value


def write_atomically(path, lines):
    # A retried attempt may find a half-written file from the attempt that timed out.
    tmp = f"{path}.tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.writelines(lines)
    os.replace(tmp, path)


def main():
    ds = require_env("DS")
    out_dir = require_env("OUTPUT_DIR")
    source = require_env("SOURCE_FILE", "data/orders.json")

    try:
        with open(source, encoding="utf-8") as f:
            orders = json.load(f)
    except FileNotFoundError:
        fail(f"source file {source} not found (paths are relative to the repository root)")
    except json.JSONDecodeError as err:
        fail(f"source file {source} is not valid JSON: {err}")
    if not isinstance(orders, list):
        fail(f"source file {source} must hold a JSON array of orders, got {type(orders).__name__}")

    target = os.path.join(out_dir, f"orders_{ds}.jsonl")
    write_atomically(target, (json.dumps(order, sort_keys=True) + "\n" for order in orders))
    print(f"extracted {len(orders)} orders for {ds} from {source} -> {os.path.basename(target)}")


if __name__ == "__main__":
    main()
