#!/usr/bin/env python3
"""Load the validated orders and the customer totals into a SQLite warehouse.

Inputs ($OUTPUT_DIR): validated_orders_<DS>.jsonl, customer_totals_<DS>.csv.
Warehouse: WAREHOUSE_PATH, default $OUTPUT_DIR/warehouse.sqlite (the
repository is read-only; point WAREHOUSE_PATH at a fixed file to keep one
warehouse across executions).
Report: $OUTPUT_DIR/load_report_<DS>.json.

Idempotent, so a retry or a re-run of the same DS changes nothing:
  - orders are upserted on order_id;
  - the DS partition of customer_daily_totals is replaced as a whole, so a
    customer who disappears from a re-run does not linger.
Both happen in one transaction.
"""
import csv
import json
import os
import sqlite3
import sys

TASK = "load_to_warehouse"

SCHEMA = """
CREATE TABLE IF NOT EXISTS orders (
    order_id      TEXT PRIMARY KEY,
    customer_id   TEXT NOT NULL,
    customer_name TEXT,
    region        TEXT NOT NULL,
    order_date    TEXT NOT NULL,
    status        TEXT NOT NULL,
    currency      TEXT,
    item_count    INTEGER,
    total_amount  REAL NOT NULL,
    ds            TEXT NOT NULL,
    execution_id  TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS customer_daily_totals (
    ds            TEXT NOT NULL,
    customer_id   TEXT NOT NULL,
    customer_name TEXT,
    region        TEXT NOT NULL,
    order_count   INTEGER NOT NULL,
    total_amount  REAL NOT NULL,
    execution_id  TEXT NOT NULL,
    PRIMARY KEY (ds, customer_id)
);
"""

UPSERT_ORDER = """
INSERT INTO orders (order_id, customer_id, customer_name, region, order_date, status,
                    currency, item_count, total_amount, ds, execution_id)
VALUES (:order_id, :customer_id, :customer_name, :region, :order_date, :status,
        :currency, :item_count, :total_amount, :ds, :execution_id)
ON CONFLICT (order_id) DO UPDATE SET
    customer_id = excluded.customer_id, customer_name = excluded.customer_name,
    region = excluded.region, order_date = excluded.order_date, status = excluded.status,
    currency = excluded.currency, item_count = excluded.item_count,
    total_amount = excluded.total_amount, ds = excluded.ds, execution_id = excluded.execution_id
"""

INSERT_TOTAL = """
INSERT INTO customer_daily_totals (ds, customer_id, customer_name, region, order_count,
                                   total_amount, execution_id)
VALUES (:ds, :customer_id, :customer_name, :region, :order_count, :total_amount, :execution_id)
"""


def fail(message):
    print(f"{TASK}: {message}", file=sys.stderr)
    sys.exit(1)


def require_env(name, default=None):
    value = os.environ.get(name) or default
    if not value:
        fail(f"environment variable {name} is not set (the orchestrator provides it)")
    return value


def read_inputs(out_dir, ds):
    orders_path = os.path.join(out_dir, f"validated_orders_{ds}.jsonl")
    totals_path = os.path.join(out_dir, f"customer_totals_{ds}.csv")
    try:
        with open(orders_path, encoding="utf-8") as f:
            orders = [json.loads(line) for line in f if line.strip()]
        with open(totals_path, newline="", encoding="utf-8") as f:
            totals = list(csv.DictReader(f))
    except FileNotFoundError as err:
        fail(f"input {err.filename} not found: the validate stage publishes it only when its checks pass")
    return orders, totals


def main():
    ds = require_env("DS")
    out_dir = require_env("OUTPUT_DIR")
    execution_id = require_env("EXECUTION_ID")
    warehouse = require_env("WAREHOUSE_PATH", os.path.join(out_dir, "warehouse.sqlite"))

    orders, totals = read_inputs(out_dir, ds)
    for order in orders:
        order["execution_id"] = execution_id
    for total in totals:
        total.update(execution_id=execution_id, customer_name=total["customer_name"] or None,
                     order_count=int(total["order_count"]), total_amount=float(total["total_amount"]))

    try:
        # Autocommit mode plus an explicit BEGIN: the DDL, the upsert and the partition
        # swap commit together (the module's implicit transactions would leave DDL out).
        conn = sqlite3.connect(warehouse, isolation_level=None)
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                for statement in SCHEMA.split(";"):
                    if statement.strip():
                        conn.execute(statement)
                conn.executemany(UPSERT_ORDER, orders)
                conn.execute("DELETE FROM customer_daily_totals WHERE ds = ?", (ds,))
                conn.executemany(INSERT_TOTAL, totals)
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            table_rows = {
                table: conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
                for table in ("orders", "customer_daily_totals")
            }
        finally:
            conn.close()
    except sqlite3.Error as err:
        fail(f"loading into {warehouse} failed: {err}")

    report = {
        "ds": ds,
        "execution_id": execution_id,
        "warehouse": os.path.abspath(warehouse),
        "orders_upserted": len(orders),
        "customer_totals_replaced": len(totals),
        "table_rows": table_rows,
    }
    report_path = os.path.join(out_dir, f"load_report_{ds}.json")
    with open(f"{report_path}.tmp", "w", encoding="utf-8") as f:
        json.dump(report, f, indent=2)
        f.write("\n")
    os.replace(f"{report_path}.tmp", report_path)
    print(f"loaded {len(orders)} orders and {len(totals)} customer totals for {ds} into {warehouse}")
    print(f"warehouse now holds {table_rows['orders']} orders, {table_rows['customer_daily_totals']} daily totals")


if __name__ == "__main__":
    main()
