-- A move places a card without locking its column: it reads the neighbours' ranks, computes its
-- rank and writes it in one statement. Two writes that computed the same rank for one column are
-- told apart by this index: the second waits for the first to commit, then fails and is tried again.
-- (Not a deferrable constraint: two statements checking at their ends would wait for each other.)

-- Tandem has always handed out a column's ranks under the column's lock, so no duplicates are
-- expected; a row written by hand that repeats a rank gets a tail that keeps it next to its twin.
UPDATE "Task" t SET rank = t.rank || '0' || d.n::text || 'i'
FROM (SELECT id, row_number() OVER (PARTITION BY "statusId", rank ORDER BY id) AS n FROM "Task") d
WHERE t.id = d.id AND d.n > 1;

CREATE UNIQUE INDEX "Task_statusId_rank_key" ON "Task"("statusId", "rank");

-- Bumped when a column's ranks are rewritten: a move computed against the old ranks sees the
-- change (it locks the row to check it) and is tried again.
ALTER TABLE "Status" ADD COLUMN "rankEpoch" INTEGER NOT NULL DEFAULT 0;
