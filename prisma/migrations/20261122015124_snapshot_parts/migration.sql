-- AlterTable
ALTER TABLE "DocumentSnapshot" ADD COLUMN     "parts" BYTEA[] DEFAULT ARRAY[]::BYTEA[];
