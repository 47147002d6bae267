-- What prisma/schema.prisma cannot express. Every migration that changes these objects repeats the
-- change by hand; test/db/migrations.test.ts checks the migrations against schema.prisma + this file.

-- Ranks are fractional strings over [0-9a-z] and must sort byte-wise whatever the database locale.
ALTER TABLE "Task" ALTER COLUMN "rank" TYPE TEXT COLLATE "C";
ALTER TABLE "ChecklistItem" ALTER COLUMN "rank" TYPE TEXT COLLATE "C";
ALTER TABLE "Document" ALTER COLUMN "rank" TYPE TEXT COLLATE "C";

-- Webhook outbox: every activity entry (written in the same transaction as the change it records)
-- queues one delivery per webhook of its workspace that wants its event type, in that same transaction.
CREATE OR REPLACE FUNCTION tandem_queue_webhook_deliveries() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "WebhookDelivery" (id, "webhookId", event, payload)
  SELECT d.id, w.id, NEW.action, jsonb_build_object(
      'id', d.id,
      'type', NEW.action,
      'workspaceId', NEW."workspaceId",
      'createdAt', to_char(NEW."createdAt" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
      'data', jsonb_build_object(
        'projectId', NEW."projectId", 'taskId', NEW."taskId", 'documentId', NEW."documentId",
        'actorId', NEW."actorId", 'changes', NEW.changes))
  FROM "Webhook" w CROSS JOIN LATERAL (SELECT gen_random_uuid() AS id) d
  WHERE w."workspaceId" = NEW."workspaceId" AND (NEW.action = ANY (w.events) OR '*' = ANY (w.events));
  RETURN NULL;
END $$;
CREATE TRIGGER "ActivityEvent_webhooks" AFTER INSERT ON "ActivityEvent"
  FOR EACH ROW EXECUTE FUNCTION tandem_queue_webhook_deliveries();
