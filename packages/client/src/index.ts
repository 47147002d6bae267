export { TandemClient } from './client.js';
export { ApiError, Http, type HttpOptions, type Tokens } from './http.js';
export type { TaskFields, TaskFilters, TrackingApi } from './tracking.js';
