-- What prisma/schema.prisma cannot express. Every migration that changes these objects repeats the
-- change by hand; test/db/migrations.test.ts checks the migrations against schema.prisma + this file.

-- Ranks are fractional strings over [0-9a-z] and must sort byte-wise whatever the database locale.
ALTER TABLE "Task" ALTER COLUMN "rank" TYPE TEXT COLLATE "C";
ALTER TABLE "ChecklistItem" ALTER COLUMN "rank" TYPE TEXT COLLATE "C";
ALTER TABLE "Document" ALTER COLUMN "rank" TYPE TEXT COLLATE "C";
