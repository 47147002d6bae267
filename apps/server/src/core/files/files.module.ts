// Files and attachments: streaming uploads to object storage, safe serving, the image pipeline and
// the scheduled cleanup of bytes nothing uses any more.
import { Module } from '@nestjs/common';
import { FileUploader } from './file-uploader.js';
import { FilesController } from './files.controller.js';
import { FilesService } from './files.service.js';
import { FilesCleanupJob } from './files-cleanup.job.js';
import { ImagePipeline } from './image-pipeline.js';

@Module({
  controllers: [FilesController],
  providers: [FilesService, FileUploader, ImagePipeline, FilesCleanupJob],
  exports: [FilesService],
})
export class FilesModule {}
