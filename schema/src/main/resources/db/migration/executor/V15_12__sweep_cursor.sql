-- The sweeper's mark for never-claimed runs (issue 14): such a run has no row in executor.run_states, so no index
-- of the executor's can find it; the sweeper looks only at gateway.runs created after this mark (index
-- runs_created), and moves the mark up once every older run has a state row. One row, locked by the sweep.
CREATE TABLE executor.sweep_cursor (
    single           boolean PRIMARY KEY DEFAULT true CHECK (single),
    -- every run created at or before this has a state row (or is being given one by the sweep holding the lock)
    unclaimed_since  timestamptz NOT NULL
);

-- From the oldest run the executor has never touched (before it, every run has its state row).
INSERT INTO executor.sweep_cursor (unclaimed_since)
SELECT coalesce(min(r.created_at) - interval '1 microsecond', now())
FROM gateway.runs r
WHERE NOT EXISTS (SELECT 1 FROM executor.run_states s WHERE s.run_id = r.id);
