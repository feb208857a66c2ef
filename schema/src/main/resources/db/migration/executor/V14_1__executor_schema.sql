-- run-executor's own schema (issue 14). Its thread memory and workflow node results were created in the gateway's
-- schema by the gateway's migrations although only run-executor writes them; they move here with their rows,
-- indexes and sequences (SET SCHEMA moves the table as it is, nothing is copied).
CREATE SCHEMA IF NOT EXISTS executor;

ALTER TABLE gateway.thread_messages SET SCHEMA executor;
ALTER TABLE gateway.workflow_node_results SET SCHEMA executor;

-- No foreign key crosses a schema: a schema's owner alone decides what its rows depend on. Runs and threads are
-- never deleted, so the cascades these keys declared never fired; run ids and thread ids come from the runs the
-- executor claimed.
ALTER TABLE executor.thread_messages DROP CONSTRAINT thread_messages_thread_id_fkey;
ALTER TABLE executor.thread_messages DROP CONSTRAINT thread_messages_run_id_fkey;
ALTER TABLE executor.workflow_node_results DROP CONSTRAINT workflow_node_results_run_id_fkey;
