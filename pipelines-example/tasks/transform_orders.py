#!/usr/bin/env python3
"""Clean the raw orders, join them to customers, and total them per customer.

Inputs (in $OUTPUT_DIR, written by the extract stage):
  orders_<DS>.jsonl, customers_<DS>.csv
Outputs (in $OUTPUT_DIR):
  clean_orders_<DS>.jsonl    one row per order, unique order_id
  customer_totals_<DS>.csv   one row per customer: order_count, total_amount

Cleaning rules, each counted in the progress line:
  - an order_id seen before is a re-sent duplicate: keep the first copy;
  - cancelled orders are not revenue: drop;
  - a missing customer_id (guest checkout) or a missing/unparseable amount
    cannot be attributed: drop;
  - ids are trimmed and upper-cased on both sides before the join ("c012" and
    " C007 " occur in the CRM export); a customer missing from the CRM keeps
    the order, with region "unknown".
"""
import csv
import json
import os
import sys
from collections import Counter
from decimal import Decimal, InvalidOperation

TASK = "transform_orders"
CENT = Decimal("0.01")


def fail(message):
    print(f"{TASK}: {message}", file=sys.stderr)
    sys.exit(1)


def require_env(name, default=None):
    value = os.environ.get(name) or default
    if not value:
        fail(f"environment variable {name} is not set (the orchestrator provides it)")
    return value


def open_input(path):
    try:
        return open(path, newline="", encoding="utf-8")
    except FileNotFoundError:
        fail(f"input {path} not found: did the extract stage run for this DS?")


def normalise_id(value):
    value = (value or "").strip().upper()
    return value or None


def parse_amount(value):
    if value is None or isinstance(value, bool):
        return None
    try:
        return Decimal(str(value).strip()).quantize(CENT)
    except InvalidOperation:
        return None


def load_customers(path):
    customers = {}
    with open_input(path) as f:
        for row in csv.DictReader(f):
            customer_id = normalise_id(row.get("customer_id"))
            if customer_id:
                customers[customer_id] = {
                    "customer_name": (row.get("name") or "").strip() or None,
                    "region": (row.get("region") or "").strip().lower() or "unknown",
                }
    return customers


def clean_orders(path, customers, ds, dropped):
    seen = set()
    clean = []
    with open_input(path) as f:
        for line_no, line in enumerate(f, start=1):
            if not line.strip():
                continue
            try:
                raw = json.loads(line)
            except json.JSONDecodeError as err:
                fail(f"{path}:{line_no} is not valid JSON: {err}")
            order_id = raw.get("order_id")
            if order_id in seen:
                dropped["duplicate"] += 1
                continue
            seen.add(order_id)
            if raw.get("status") == "cancelled":
                dropped["cancelled"] += 1
                continue
            customer_id = normalise_id(raw.get("customer_id"))
            if customer_id is None:
                dropped["null customer_id"] += 1
                continue
            amount = parse_amount(raw.get("total_amount"))
            if amount is None:
                dropped["null amount"] += 1
                continue
            customer = customers.get(customer_id, {"customer_name": None, "region": "unknown"})
            clean.append({
                "order_id": order_id,
                "customer_id": customer_id,
                "customer_name": customer["customer_name"],
                "region": customer["region"],
                "order_date": raw.get("order_date"),
                "status": raw.get("status"),
                "currency": raw.get("currency"),
                "item_count": raw.get("item_count"),
                "total_amount": amount,
                "ds": ds,
            })
    return clean


def customer_totals(orders, ds):
    totals = {}
    for order in orders:
        row = totals.setdefault(order["customer_id"], {
            "customer_id": order["customer_id"],
            "customer_name": order["customer_name"] or "",
            "region": order["region"],
            "order_count": 0,
            "total_amount": Decimal("0.00"),
            "ds": ds,
        })
        row["order_count"] += 1
        row["total_amount"] += order["total_amount"]
    return [totals[k] for k in sorted(totals)]


def replace_file(path, write):
    tmp = f"{path}.tmp"
    with open(tmp, "w", newline="", encoding="utf-8") as f:
        write(f)
    os.replace(tmp, path)


def main():
    ds = require_env("DS")
    out_dir = require_env("OUTPUT_DIR")

    customers = load_customers(os.path.join(out_dir, f"customers_{ds}.csv"))
    dropped = Counter()
    orders = clean_orders(os.path.join(out_dir, f"orders_{ds}.jsonl"), customers, ds, dropped)
    totals = customer_totals(orders, ds)

    def write_orders(f):
        for order in orders:
            f.write(json.dumps({**order, "total_amount": float(order["total_amount"])}) + "\n")

    def write_totals(f):
        writer = csv.DictWriter(f, fieldnames=list(totals[0]) if totals else ["customer_id"])
        writer.writeheader()
        writer.writerows(totals)

    replace_file(os.path.join(out_dir, f"clean_orders_{ds}.jsonl"), write_orders)
    replace_file(os.path.join(out_dir, f"customer_totals_{ds}.csv"), write_totals)

    unmatched = sum(1 for o in orders if o["customer_id"] not in customers)
    dropped_text = ", ".join(f"{n} {reason}" for reason, n in sorted(dropped.items())) or "nothing"
    print(f"transformed {len(orders)} clean orders for {ds} (dropped {dropped_text})")
    print(f"{len(totals)} customer totals; {unmatched} order(s) for customers missing from the CRM")


if __name__ == "__main__":
    main()
