-- AlterTable
ALTER TABLE "DocumentVersion" ADD COLUMN     "name" TEXT;
