-- A run's state and workflow node results go in the transaction in which api-gateway's retention deletes the run,
-- by this function of run-executor's schema (as executor.erase_thread for an erased thread). Before, run-executor's
-- pruner looked through every state finished over a day ago for runs that were gone, a look that grew with the
-- finished runs kept. Returns how many states were deleted.
CREATE FUNCTION executor.forget_runs(runs uuid[]) RETURNS integer LANGUAGE sql AS $$
    WITH nodes AS (DELETE FROM executor.workflow_node_results WHERE run_id = ANY (runs)),
         states AS (DELETE FROM executor.run_states WHERE run_id = ANY (runs) RETURNING 1)
    SELECT count(*)::integer FROM states;
$$;

-- Only that look used it; every update of a state's finished_at no longer writes it.
DROP INDEX executor.run_states_finished;

-- What that look had not reached yet: the rows of runs already pruned, once.
DELETE FROM executor.workflow_node_results n WHERE NOT EXISTS (SELECT 1 FROM gateway.runs r WHERE r.id = n.run_id);
DELETE FROM executor.run_states s WHERE NOT EXISTS (SELECT 1 FROM gateway.runs r WHERE r.id = s.run_id);
