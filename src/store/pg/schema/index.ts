export * from './config.js';
export * from './events.js';
