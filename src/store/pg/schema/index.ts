export * from './audit.js';
export * from './config.js';
export * from './events.js';
export * from './support.js';
