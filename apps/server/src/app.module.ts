// The application: infrastructure, identity/authorization, then one module per domain feature.
import { type DynamicModule, Module } from '@nestjs/common';
import { type Infra, InfraModule } from './base/infra.module.js';
import { AccessModule } from './core/access.module.js';
import { AuditModule } from './core/audit/audit.module.js';
import { DocumentThreadsModule } from './core/document-threads/document-threads.module.js';
import { DocumentsModule } from './core/documents/documents.module.js';
import { FilesModule } from './core/files/files.module.js';
import { MaintenanceModule } from './core/maintenance/maintenance.module.js';
import { RealtimeModule } from './core/realtime/realtime.module.js';
import { SearchModule } from './core/search/search.module.js';
import { TrackingModule } from './core/tracking.module.js';
import { WebhooksModule } from './core/webhooks/webhooks.module.js';
import { WorkspacesModule } from './core/workspaces/workspaces.module.js';

/** Feature modules, in one list (each adds its controllers/gateways). */
export const featureModules = [
  WorkspacesModule,
  TrackingModule,
  DocumentsModule,
  RealtimeModule,
  // search (#12)
  SearchModule,
  // files (#11)
  FilesModule,
  // documents: comment threads on the text (#17)
  DocumentThreadsModule,
  // webhooks (#14)
  WebhooksModule,
  // the workspace audit log
  AuditModule,
  MaintenanceModule,
];

@Module({})
export class AppModule {
  static forRoot(infra: Infra, secret: string): DynamicModule {
    return {
      module: AppModule,
      imports: [InfraModule.forRoot(infra), AccessModule.forRoot(secret), ...featureModules],
    };
  }
}
