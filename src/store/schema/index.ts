export * from './attempts.js';
export * from './deliveries.js';
export * from './events.js';
export * from './organizations.js';
export * from './security-group-members.js';
export * from './security-groups.js';
export * from './subscriptions.js';
export * from './webhooks.js';
