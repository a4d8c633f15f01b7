-- Monthly revenue targets per sales region, kept in PostgreSQL.
--
-- The orchestrator runs the whole file in one transaction, so there is no
-- BEGIN/COMMIT here: a failure anywhere leaves the tables as they were.
-- Idempotent: the schema and table are created only if missing, and the rows
-- are upserted on their key, so a retry or a re-run changes nothing.

CREATE SCHEMA IF NOT EXISTS orchestrate_example;

CREATE TABLE IF NOT EXISTS orchestrate_example.region_targets (
    region         text        NOT NULL,
    month          date        NOT NULL,
    revenue_target numeric(12, 2) NOT NULL CHECK (revenue_target >= 0),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (region, month)
);

INSERT INTO orchestrate_example.region_targets (region, month, revenue_target)
VALUES
    ('northeast', DATE '2024-01-01', 25000.00),
    ('southeast', DATE '2024-01-01', 18000.00),
    ('midwest',   DATE '2024-01-01', 21000.00),
    ('southwest', DATE '2024-01-01', 12000.00),
    ('northwest', DATE '2024-01-01',  9000.00),
    ('west',      DATE '2024-01-01', 16000.00)
ON CONFLICT (region, month) DO UPDATE
SET revenue_target = EXCLUDED.revenue_target,
    -- only touch updated_at when the target really changed, so re-runs are no-ops
    updated_at = CASE
        WHEN orchestrate_example.region_targets.revenue_target IS DISTINCT FROM EXCLUDED.revenue_target
        THEN now()
        ELSE orchestrate_example.region_targets.updated_at
    END;
