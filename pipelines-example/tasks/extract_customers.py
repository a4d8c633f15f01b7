#!/usr/bin/env python3
"""Extract the customer reference table (full refresh) from the CRM export.

Reads SOURCE_FILE (CSV, path relative to the repository root), checks the
header, and writes $OUTPUT_DIR/customers_<DS>.csv. Values are copied as they
are; the transform normalises ids and fills missing regions.
"""
import csv
import os
import sys

TASK = "extract_customers"
REQUIRED_COLUMNS = ["customer_id", "name", "email", "region", "signup_date"]


def fail(message):
    print(f"{TASK}: {message}", file=sys.stderr)
    sys.exit(1)


def require_env(name, default=None):
    value = os.environ.get(name) or default
    if not value:
        fail(f"environment variable {name} is not set (the orchestrator provides it)")
    return value


def main():
    ds = require_env("DS")
    out_dir = require_env("OUTPUT_DIR")
    source = require_env("SOURCE_FILE", "data/customers.csv")

    try:
        with open(source, newline="", encoding="utf-8") as f:
            reader = csv.DictReader(f)
            missing = [c for c in REQUIRED_COLUMNS if c not in (reader.fieldnames or [])]
            if missing:
                fail(f"{source} lacks column(s) {', '.join(missing)}; header is {reader.fieldnames}")
            rows = list(reader)
    except FileNotFoundError:
        fail(f"source file {source} not found (paths are relative to the repository root)")

    target = os.path.join(out_dir, f"customers_{ds}.csv")
    tmp = f"{target}.tmp"
    with open(tmp, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=REQUIRED_COLUMNS, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    os.replace(tmp, target)
    print(f"extracted {len(rows)} customers (full refresh) from {source} -> {os.path.basename(target)}")


if __name__ == "__main__":
    main()
