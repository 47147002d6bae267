export * from './errors.js';
export * from './frames.js';
export * from './roles.js';
export * from './schemas.js';
export * from './schemas-documents.js';
export * from './schemas-tracking.js';
export * from './types.js';
export * from './types-tracking.js';
