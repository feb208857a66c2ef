-- Erasing and forking a thread (issue 16). Thread memory, run outcomes and workflow node results are
-- run-executor's tables; the gateway answers the management API's thread endpoints, so these functions are how
-- the owner's schema defines what erasing and forking mean for its rows. api-gateway calls them inside its own
-- transaction (its thread row locked, no run of the thread pending), so an erasure is complete when it commits.

-- Everything the thread's runs produced is emptied; the rows stay as tombstones with status, times, usage and
-- cost, so usage totals are unchanged. The thread's memory goes.
CREATE FUNCTION executor.erase_thread(thread uuid) RETURNS void LANGUAGE sql AS $$
    DELETE FROM executor.thread_messages WHERE thread_id = thread;
    UPDATE executor.run_states s
       SET output = NULL, outputs = '{}', error = NULL, errors = '[]', transcript = '[]', emitted = '[]'
      FROM gateway.runs r
     WHERE r.id = s.run_id AND r.thread_id = thread;
    UPDATE executor.workflow_node_results n
       SET outputs = '{}', error = NULL
      FROM gateway.runs r
     WHERE r.id = n.run_id AND r.thread_id = thread;
$$;

-- A copy of the source thread's memory, every channel, up to and including message up_to, in its order; the
-- copies keep their run and time (retention ages them as the originals). Returns how many were copied.
CREATE FUNCTION executor.fork_thread_memory(source uuid, target uuid, up_to bigint) RETURNS integer
LANGUAGE sql AS $$
    WITH copied AS (
        INSERT INTO executor.thread_messages (thread_id, channel, run_id, role, content, created_at)
        SELECT target, channel, run_id, role, content, created_at
          FROM executor.thread_messages
         WHERE thread_id = source AND id <= up_to
         ORDER BY id
        RETURNING 1)
    SELECT count(*)::integer FROM copied;
$$;

-- The retention pruner's look at finished runs whose gateway row is gone.
CREATE INDEX run_states_finished ON executor.run_states (finished_at);
