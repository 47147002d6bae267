-- DropIndex
DROP INDEX "File_storageKey_key";

-- AlterTable
ALTER TABLE "File" ADD COLUMN     "duplicateOfId" UUID,
ADD COLUMN     "height" INTEGER,
ADD COLUMN     "phash" TEXT,
ADD COLUMN     "takenAt" TIMESTAMP(3),
ADD COLUMN     "thumbnail" TEXT NOT NULL DEFAULT 'none',
ADD COLUMN     "width" INTEGER;

-- CreateIndex
CREATE INDEX "File_storageKey_idx" ON "File"("storageKey");

-- CreateIndex
CREATE INDEX "File_workspaceId_phash_idx" ON "File"("workspaceId", "phash");
