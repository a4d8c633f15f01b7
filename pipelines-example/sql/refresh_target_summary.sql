-- Rebuild the per-month summary of the region targets.
--
-- Runs in one transaction (the orchestrator wraps the file), so readers see
-- either the old summary or the new one, never an empty table in between.
-- Idempotent: the month rows are replaced from scratch on every run.

CREATE TABLE IF NOT EXISTS orchestrate_example.target_summary (
    month          date           PRIMARY KEY,
    region_count   integer        NOT NULL,
    revenue_target numeric(14, 2) NOT NULL,
    refreshed_at   timestamptz    NOT NULL DEFAULT now()
);

DELETE FROM orchestrate_example.target_summary;

INSERT INTO orchestrate_example.target_summary (month, region_count, revenue_target)
SELECT month, count(*), sum(revenue_target)
FROM orchestrate_example.region_targets
GROUP BY month;
