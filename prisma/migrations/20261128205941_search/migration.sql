-- CreateTable
CREATE TABLE "SearchEntry" (
    "kind" TEXT NOT NULL,
    "entityId" UUID NOT NULL,
    "workspaceId" UUID NOT NULL,
    "projectId" UUID,
    "taskId" UUID,
    "documentId" UUID,
    "documentPath" UUID[] DEFAULT ARRAY[]::UUID[],
    "title" TEXT NOT NULL,
    "label" TEXT NOT NULL DEFAULT '',
    "body" TEXT NOT NULL DEFAULT '',
    "assigneeId" UUID,
    "statusId" UUID,
    "trashed" BOOLEAN NOT NULL DEFAULT false,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "contentIndexedAt" TIMESTAMP(3),

    CONSTRAINT "SearchEntry_pkey" PRIMARY KEY ("kind","entityId")
);

-- CreateTable
CREATE TABLE "SearchOutbox" (
    "id" BIGSERIAL NOT NULL,
    "kind" TEXT NOT NULL,
    "entityId" UUID NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SearchOutbox_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DocumentReference" (
    "documentId" UUID NOT NULL,
    "targetKind" TEXT NOT NULL,
    "targetId" UUID NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "DocumentReference_pkey" PRIMARY KEY ("documentId","targetKind","targetId")
);

-- CreateIndex
CREATE INDEX "DocumentReference_targetKind_targetId_idx" ON "DocumentReference"("targetKind", "targetId");

-- AddForeignKey
ALTER TABLE "DocumentReference" ADD CONSTRAINT "DocumentReference_documentId_fkey" FOREIGN KEY ("documentId") REFERENCES "Document"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- prisma/manual.sql: search (repeated here, see the header of manual.sql)
-- ---------------------------------------------------------------- search (see core/search)
-- Extensions the search query uses; all three ship with PostgreSQL (Debian's 15, the embedded 17).
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE EXTENSION IF NOT EXISTS btree_gin;

-- Lower case without accents ("Résumé" -> "resume"), the form both the index and the query use.
CREATE FUNCTION tandem_fold(t text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
  AS $$ SELECT lower(public.unaccent('public.unaccent'::regdictionary, t)) $$;

-- A document and its ancestors, nearest first.
CREATE FUNCTION tandem_document_path(doc uuid) RETURNS uuid[] LANGUAGE sql STABLE
  AS $$
    WITH RECURSIVE chain AS (
      SELECT d.id, d."parentId", 0 AS depth FROM "Document" d WHERE d.id = doc
      UNION ALL
      SELECT p.id, p."parentId", c.depth + 1 FROM "Document" p JOIN chain c ON p.id = c."parentId" WHERE c.depth < 100
    ) SELECT coalesce(array_agg(id ORDER BY depth), '{}') FROM chain
  $$;

ALTER TABLE "SearchEntry" ADD COLUMN "titleFolded" TEXT NOT NULL DEFAULT '';
ALTER TABLE "SearchEntry" ADD COLUMN "folded" TEXT NOT NULL DEFAULT '';
ALTER TABLE "SearchEntry" ADD COLUMN "words" TSVECTOR NOT NULL DEFAULT ''::tsvector;

-- Fills the folded text and the stemmed words (title weight A, body B) whenever the text changes.
CREATE FUNCTION tandem_search_entry_fold() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND NEW.title IS NOT DISTINCT FROM OLD.title AND NEW.label IS NOT DISTINCT FROM OLD.label
     AND NEW.body IS NOT DISTINCT FROM OLD.body THEN
    NEW."titleFolded" := OLD."titleFolded"; NEW.folded := OLD.folded; NEW.words := OLD.words;
    RETURN NEW;
  END IF;
  NEW."titleFolded" := tandem_fold(NEW.title || ' ' || NEW.label);
  NEW.folded := NEW."titleFolded" || ' ' || tandem_fold(left(NEW.body, 100000));
  NEW.words := setweight(to_tsvector('english', NEW."titleFolded"), 'A')
            || setweight(to_tsvector('english', tandem_fold(left(NEW.body, 100000))), 'B');
  RETURN NEW;
END $$;
CREATE TRIGGER search_entry_fold BEFORE INSERT OR UPDATE ON "SearchEntry"
  FOR EACH ROW EXECUTE FUNCTION tandem_search_entry_fold();

-- While Meilisearch is the engine (SystemSetting search.outbox = on), every change is queued for it.
CREATE FUNCTION tandem_search_entry_outbox() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE r RECORD;
BEGIN
  IF EXISTS (SELECT 1 FROM "SystemSetting" WHERE key = 'search.outbox' AND value = 'on') THEN
    IF TG_OP = 'DELETE' THEN r := OLD; ELSE r := NEW; END IF;
    INSERT INTO "SearchOutbox" (kind, "entityId") VALUES (r.kind, r."entityId");
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER search_entry_outbox AFTER INSERT OR UPDATE OR DELETE ON "SearchEntry"
  FOR EACH ROW EXECUTE FUNCTION tandem_search_entry_outbox();

CREATE INDEX "SearchEntry_workspace_words_idx" ON "SearchEntry" USING gin ("workspaceId", words);
CREATE INDEX "SearchEntry_workspace_folded_idx" ON "SearchEntry" USING gin ("workspaceId", folded gin_trgm_ops);
CREATE INDEX "SearchEntry_title_trgm_idx" ON "SearchEntry" USING gin ("titleFolded" gin_trgm_ops);
CREATE INDEX "SearchEntry_task_idx" ON "SearchEntry" ("taskId");
CREATE INDEX "SearchEntry_document_idx" ON "SearchEntry" ("documentId");

-- Tasks: one entry each; the key of a task also labels its comments and files.
CREATE FUNCTION tandem_search_task() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    DELETE FROM "SearchEntry" WHERE "taskId" = OLD.id;
    RETURN NULL;
  END IF;
  INSERT INTO "SearchEntry" AS e (kind, "entityId", "workspaceId", "projectId", "taskId", title, label, body, "assigneeId", "statusId", "updatedAt")
  SELECT 'task', NEW.id, p."workspaceId", p.id, NEW.id, NEW.title, p.key || '-' || NEW.number, NEW.description,
         NEW."assigneeId", NEW."statusId", NEW."updatedAt"
  FROM "Project" p WHERE p.id = NEW."projectId"
  ON CONFLICT (kind, "entityId") DO UPDATE SET "workspaceId" = EXCLUDED."workspaceId", "projectId" = EXCLUDED."projectId",
    title = EXCLUDED.title, label = EXCLUDED.label, body = EXCLUDED.body, "assigneeId" = EXCLUDED."assigneeId",
    "statusId" = EXCLUDED."statusId", "updatedAt" = EXCLUDED."updatedAt";
  IF TG_OP = 'UPDATE' AND (OLD."projectId" <> NEW."projectId" OR OLD.number <> NEW.number) THEN
    UPDATE "SearchEntry" e SET "projectId" = p.id, "workspaceId" = p."workspaceId", label = p.key || '-' || NEW.number
    FROM "Project" p WHERE p.id = NEW."projectId" AND e."taskId" = NEW.id AND e.kind <> 'task';
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER search_task AFTER INSERT OR DELETE OR UPDATE OF title, description, "assigneeId", "statusId", "projectId", number
  ON "Task" FOR EACH ROW EXECUTE FUNCTION tandem_search_task();

-- Comments: deleted (or soft-deleted) comments leave the index.
CREATE FUNCTION tandem_search_comment() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' OR NEW."deletedAt" IS NOT NULL THEN
    DELETE FROM "SearchEntry" WHERE kind = 'comment' AND "entityId" = CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END;
    RETURN NULL;
  END IF;
  INSERT INTO "SearchEntry" (kind, "entityId", "workspaceId", "projectId", "taskId", title, label, body, "updatedAt")
  SELECT 'comment', NEW.id, p."workspaceId", p.id, t.id, '', p.key || '-' || t.number, NEW.body, NEW."updatedAt"
  FROM "Task" t JOIN "Project" p ON p.id = t."projectId" WHERE t.id = NEW."taskId"
  ON CONFLICT (kind, "entityId") DO UPDATE SET body = EXCLUDED.body, "updatedAt" = EXCLUDED."updatedAt";
  RETURN NULL;
END $$;
CREATE TRIGGER search_comment AFTER INSERT OR DELETE OR UPDATE OF body, "deletedAt"
  ON "Comment" FOR EACH ROW EXECUTE FUNCTION tandem_search_comment();

-- Documents: title, place in the tree and trash state here; the body comes from the content.
CREATE FUNCTION tandem_search_document() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    DELETE FROM "SearchEntry" WHERE kind = 'document' AND "entityId" = OLD.id;
    RETURN NULL;
  END IF;
  INSERT INTO "SearchEntry" (kind, "entityId", "workspaceId", "projectId", "documentId", "documentPath", title, trashed, "updatedAt")
  VALUES ('document', NEW.id, NEW."workspaceId", NEW."projectId", NEW.id, tandem_document_path(NEW.id), NEW.title,
          NEW."deletedAt" IS NOT NULL, NEW."updatedAt")
  ON CONFLICT (kind, "entityId") DO UPDATE SET "workspaceId" = EXCLUDED."workspaceId", "projectId" = EXCLUDED."projectId",
    "documentPath" = EXCLUDED."documentPath", title = EXCLUDED.title, trashed = EXCLUDED.trashed, "updatedAt" = EXCLUDED."updatedAt";
  IF TG_OP = 'UPDATE' AND OLD."parentId" IS DISTINCT FROM NEW."parentId" THEN
    UPDATE "SearchEntry" SET "documentPath" = tandem_document_path("documentId")
    WHERE "documentPath" @> ARRAY[NEW.id] AND NOT (kind = 'document' AND "entityId" = NEW.id);
  END IF;
  IF TG_OP = 'UPDATE' AND OLD."deletedAt" IS DISTINCT FROM NEW."deletedAt" THEN
    UPDATE "SearchEntry" SET trashed = NEW."deletedAt" IS NOT NULL WHERE kind = 'file' AND "documentId" = NEW.id;
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER search_document AFTER INSERT OR DELETE OR UPDATE OF title, "parentId", "deletedAt", "projectId", "workspaceId"
  ON "Document" FOR EACH ROW EXECUTE FUNCTION tandem_search_document();

-- Files: found by name, wherever they are attached.
CREATE FUNCTION tandem_search_file() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' OR NEW."deletedAt" IS NOT NULL THEN
    DELETE FROM "SearchEntry" WHERE kind = 'file' AND "entityId" = CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END;
    RETURN NULL;
  END IF;
  INSERT INTO "SearchEntry" (kind, "entityId", "workspaceId", "projectId", "taskId", "documentId", "documentPath", title, label, trashed, "updatedAt")
  SELECT 'file', NEW.id, NEW."workspaceId", coalesce(t."projectId", d."projectId"), NEW."taskId", NEW."documentId",
         CASE WHEN NEW."documentId" IS NULL THEN '{}' ELSE tandem_document_path(NEW."documentId") END,
         NEW.name, coalesce(p.key || '-' || t.number, ''), coalesce(d."deletedAt" IS NOT NULL, false), NEW."createdAt"
  FROM (SELECT 1) one
  LEFT JOIN "Task" t ON t.id = NEW."taskId" LEFT JOIN "Project" p ON p.id = t."projectId"
  LEFT JOIN "Document" d ON d.id = NEW."documentId"
  ON CONFLICT (kind, "entityId") DO UPDATE SET title = EXCLUDED.title, trashed = EXCLUDED.trashed;
  RETURN NULL;
END $$;
CREATE TRIGGER search_file AFTER INSERT OR DELETE OR UPDATE OF name, "deletedAt"
  ON "File" FOR EACH ROW EXECUTE FUNCTION tandem_search_file();

-- Existing rows enter the index through their triggers; documents' text follows from the
-- search.document-text job (their "contentIndexedAt" is null).
UPDATE "Task" SET title = title;
UPDATE "Comment" SET body = body;
UPDATE "Document" SET title = title WHERE "parentId" IS NULL;
UPDATE "Document" SET title = title WHERE "parentId" IS NOT NULL;
UPDATE "File" SET name = name;
