#!/usr/bin/env node
// Summarise the raw order export by status: order count and revenue.
//
// Reads SOURCE_FILE (a JSON array, path relative to the repository root) and
// writes $OUTPUT_DIR/order_status_summary_<DS>.csv. Duplicated order ids are
// counted once; orders without an amount count as orders but add no revenue.
// `.mjs` so Node treats it as an ES module wherever the repository is checked out.
import { readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import process from 'node:process';

const TASK = 'order_status_summary';

function fail(message) {
  process.stderr.write(`${TASK}: ${message}\n`);
  process.exit(1);
}

function requireEnv(name, fallback) {
  const value = process.env[name] || fallback;
  if (!value) fail(`environment variable ${name} is not set (the orchestrator provides it)`);
  return value;
}

async function readOrders(source) {
  let text;
  try {
    text = await readFile(source, 'utf8');
  } catch (err) {
    fail(`cannot read ${source} (paths are relative to the repository root): ${err.message}`);
  }
  let orders;
  try {
    orders = JSON.parse(text);
  } catch (err) {
    fail(`${source} is not valid JSON: ${err.message}`);
  }
  if (!Array.isArray(orders)) fail(`${source} must hold a JSON array of orders`);
  return orders;
}

function summarise(orders) {
  const seen = new Set();
  const byStatus = new Map();
  for (const order of orders) {
    if (seen.has(order.order_id)) continue;
    seen.add(order.order_id);
    const status = order.status ?? 'unknown';
    const row = byStatus.get(status) ?? { status, order_count: 0, revenue_cents: 0 };
    row.order_count += 1;
    const amount = Number.parseFloat(order.total_amount); // the source sometimes sends "84.10"
    if (Number.isFinite(amount)) row.revenue_cents += Math.round(amount * 100);
    byStatus.set(status, row);
  }
  return [...byStatus.values()].sort((a, b) => a.status.localeCompare(b.status));
}

const ds = requireEnv('DS');
const outDir = requireEnv('OUTPUT_DIR');
const source = requireEnv('SOURCE_FILE', 'data/orders.json');

const rows = summarise(await readOrders(source));
const csv = ['status,order_count,revenue,ds']
  .concat(rows.map((r) => `${r.status},${r.order_count},${(r.revenue_cents / 100).toFixed(2)},${ds}`))
  .join('\n');
const target = path.join(outDir, `order_status_summary_${ds}.csv`);
await writeFile(`${target}.tmp`, `${csv}\n`);
await rename(`${target}.tmp`, target);
process.stdout.write(`summarised ${rows.reduce((n, r) => n + r.order_count, 0)} orders into ${rows.length} statuses for ${ds}\n`);
