-- A chunk's vector stays in its row. With the default storage (EXTENDED) PostgreSQL moves the largest value of a
-- row over about 2 kB out to the TOAST table, and a 384-dimension vector (1.5 kB) is usually the largest: since
-- chunks carry their document's metadata (V16_51), most rows are over. Every distance computed outside the HNSW
-- index (an exact scan: a filter that leaves few chunks, a size without an index, the benchmark's reference) then
-- fetched each vector from TOAST: an index lookup and another page per chunk. MAIN keeps the vector
-- in the row and moves the text out first; only a vector too large to share a page with the rest of its row still
-- goes out of line, as it must. Rows stored before this keep their layout until rewritten (VACUUM FULL).
ALTER TABLE knowledge.chunks ALTER COLUMN embedding SET STORAGE MAIN;
