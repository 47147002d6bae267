-- AlterTable
ALTER TABLE "DocumentVersion" ADD COLUMN     "parts" BYTEA[] DEFAULT ARRAY[]::BYTEA[];
