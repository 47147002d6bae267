// The workspace audit log: the writer (audit-log.ts, called by each feature inside its own
// transaction) and the owners' reading and export routes.
import { Module } from '@nestjs/common';
import { AuditController } from './audit.controller.js';
import { AuditService } from './audit.service.js';

@Module({ controllers: [AuditController], providers: [AuditService] })
export class AuditModule {}
