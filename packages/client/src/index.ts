export type { AuditApi, AuditFilters } from './audit.js';
export { TandemClient } from './client.js';
export { type CollabOptions, openDocument, whenStored } from './collab.js';
export { type FilesApi, type FileTarget, filesApi, type UploadOptions } from './files.js';
export { ApiError, type CreateOptions, Http, type HttpOptions, type Tokens } from './http.js';
export type { IdentityApi } from './identity.js';
export { type RealtimeError, type RealtimeEvent, type RealtimeOptions, RealtimeSocket, type RealtimeState } from './realtime.js';
export type { SearchApi, SearchParams } from './search.js';
export type { TaskFields, TaskFilters, TrackingApi } from './tracking.js';
