export { TandemClient } from './client.js';
export { type CollabOptions, openDocument, whenStored } from './collab.js';
export { ApiError, Http, type HttpOptions, type Tokens } from './http.js';
