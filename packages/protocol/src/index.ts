export * from './errors.js';
export * from './frames.js';
export * from './roles.js';
export * from './schemas.js';
export * from './schemas-documents.js';
export * from './types.js';
