#!/usr/bin/env python3
"""Audit the transform's output, then publish it for the load (write-audit-publish).

Reads $OUTPUT_DIR/clean_orders_<DS>.jsonl and customer_totals_<DS>.csv, runs
the checks below, and only if all pass copies the orders to
validated_orders_<DS>.jsonl, the file the load reads. A failed audit therefore
leaves nothing for the load to pick up, even if someone runs it by hand.

The orchestrator's `validation_rules` on this task re-check the published file
independently (uniqueness, nulls, row count); the checks here cover what those
rules cannot express: amounts are non-negative and the per-customer totals
reconcile with the orders.
"""
import csv
import json
import os
import shutil
import sys
from decimal import Decimal

TASK = "data_quality_checks"


def fail(message):
    print(f"{TASK}: {message}", file=sys.stderr)
    sys.exit(1)


def require_env(name, default=None):
    value = os.environ.get(name) or default
    if not value:
        fail(f"environment variable {name} is not set (the orchestrator provides it)")
    return value


def read_jsonl(path):
    try:
        with open(path, encoding="utf-8") as f:
            return [json.loads(line) for line in f if line.strip()]
    except FileNotFoundError:
        fail(f"input {path} not found: did the transform stage run for this DS?")


def read_csv(path):
    try:
        with open(path, newline="", encoding="utf-8") as f:
            return list(csv.DictReader(f))
    except FileNotFoundError:
        fail(f"input {path} not found: did the transform stage run for this DS?")


def run_checks(orders, totals, min_rows):
    ids = [o.get("order_id") for o in orders]
    order_sum = sum(Decimal(str(o["total_amount"])) for o in orders if o.get("total_amount") is not None)
    totals_sum = sum(Decimal(t["total_amount"]) for t in totals)
    customers_in_orders = {o.get("customer_id") for o in orders}
    customers_in_totals = {t["customer_id"] for t in totals}
    return [
        ("row count", len(orders) >= min_rows, f"{len(orders)} rows, expected at least {min_rows}"),
        ("order_id unique", len(ids) == len(set(ids)), f"{len(ids) - len(set(ids))} duplicate id(s)"),
        ("no null customer_id", all(o.get("customer_id") for o in orders),
         f"{sum(1 for o in orders if not o.get('customer_id'))} null(s)"),
        ("no null total_amount", all(o.get("total_amount") is not None for o in orders),
         f"{sum(1 for o in orders if o.get('total_amount') is None)} null(s)"),
        ("amounts non-negative", all((o.get("total_amount") or 0) >= 0 for o in orders),
         f"{sum(1 for o in orders if (o.get('total_amount') or 0) < 0)} negative amount(s)"),
        ("totals reconcile", order_sum == totals_sum, f"orders sum {order_sum}, customer totals sum {totals_sum}"),
        ("every customer totalled", customers_in_orders == customers_in_totals,
         f"differing customers: {sorted(map(str, customers_in_orders ^ customers_in_totals))}"),
    ]


def main():
    ds = require_env("DS")
    out_dir = require_env("OUTPUT_DIR")
    try:
        min_rows = int(require_env("MIN_ROWS_EXPECTED", "1"))
    except ValueError:
        fail(f"MIN_ROWS_EXPECTED must be an integer, got {os.environ.get('MIN_ROWS_EXPECTED')!r}")

    source = os.path.join(out_dir, f"clean_orders_{ds}.jsonl")
    target = os.path.join(out_dir, f"validated_orders_{ds}.jsonl")
    if os.path.exists(target):
        os.remove(target)  # a stale copy from an earlier run must not outlive a failed audit
    orders = read_jsonl(source)
    totals = read_csv(os.path.join(out_dir, f"customer_totals_{ds}.csv"))

    results = run_checks(orders, totals, min_rows)
    failed = [(name, detail) for name, ok, detail in results if not ok]
    if failed:
        for name, detail in failed:
            print(f"{TASK}: check failed: {name}: {detail}", file=sys.stderr)
        fail(f"{len(failed)} of {len(results)} quality checks failed for {ds}; nothing published")

    shutil.copyfile(source, f"{target}.tmp")
    os.replace(f"{target}.tmp", target)
    print(f"quality checks passed: {len(results)}/{len(results)} on {len(orders)} orders for {ds}")
    print(f"published {os.path.basename(target)}")


if __name__ == "__main__":
    main()
