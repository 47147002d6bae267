-- CreateTable
CREATE TABLE "DocumentThread" (
    "id" UUID NOT NULL,
    "documentId" UUID NOT NULL,
    "createdById" UUID NOT NULL,
    "anchorStart" BYTEA NOT NULL,
    "anchorEnd" BYTEA NOT NULL,
    "quote" TEXT NOT NULL,
    "resolvedAt" TIMESTAMP(3),
    "resolvedById" UUID,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "DocumentThread_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DocumentThreadComment" (
    "id" UUID NOT NULL,
    "threadId" UUID NOT NULL,
    "authorId" UUID NOT NULL,
    "body" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "DocumentThreadComment_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "DocumentThread_documentId_createdAt_idx" ON "DocumentThread"("documentId", "createdAt");

-- CreateIndex
CREATE INDEX "DocumentThreadComment_threadId_createdAt_idx" ON "DocumentThreadComment"("threadId", "createdAt");

-- AddForeignKey
ALTER TABLE "DocumentThread" ADD CONSTRAINT "DocumentThread_documentId_fkey" FOREIGN KEY ("documentId") REFERENCES "Document"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DocumentThread" ADD CONSTRAINT "DocumentThread_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DocumentThreadComment" ADD CONSTRAINT "DocumentThreadComment_threadId_fkey" FOREIGN KEY ("threadId") REFERENCES "DocumentThread"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DocumentThreadComment" ADD CONSTRAINT "DocumentThreadComment_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;
