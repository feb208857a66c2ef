-- A thread's memory across its channels in the order it was written, a page at a time (api-gateway's
-- GET /manage/v1/threads/{id}/messages without a channel: the newest messages before a given one). The lane
-- index (thread_id, channel, id) serves a page of one channel and run-executor's own reads.
CREATE INDEX thread_messages_thread ON executor.thread_messages (thread_id, id);
