-- CreateTable
CREATE TABLE "DocumentMentionNotice" (
    "documentId" UUID NOT NULL,
    "userId" UUID NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "DocumentMentionNotice_pkey" PRIMARY KEY ("documentId","userId")
);

-- AddForeignKey
ALTER TABLE "DocumentMentionNotice" ADD CONSTRAINT "DocumentMentionNotice_documentId_fkey" FOREIGN KEY ("documentId") REFERENCES "Document"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DocumentMentionNotice" ADD CONSTRAINT "DocumentMentionNotice_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;
