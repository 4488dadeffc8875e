/**
 * The package entry: the event catalogue, the typed producer SDK (in process and remote), and the
 * gateway itself for embedding. See the README for examples.
 */
export * from './catalogue/index.js';
export { ConfigError, loadConfig, type ParsedConfig, parseConfigDocument } from './config/index.js';
export { createLogger, type Logger, type LoggerOptions } from './log/logger.js';
export type { Problem } from './problems.js';
export { type BuildEventOverrides, buildEvent, type EnvelopeOverrides } from './sdk/build-event.js';
export { LocalPublisher } from './sdk/local-publisher.js';
export type { Publisher, PublishResult } from './sdk/publisher.js';
export { RemotePublishError, RemotePublisher, type RemotePublisherOptions } from './sdk/remote-publisher.js';
export {
  type RunningGateway,
  type StartGatewayOptions,
  startGateway,
  startServing,
} from './service/gateway.js';
export { HEAP_GROWING_PERCENT, limitHeapGrowth } from './service/heap-growth.js';
export type { RunningPgGateway } from './service/pg-gateway.js';
export { StoreError } from './store/thread/store-client.js';
export { GATEWAY_VERSION } from './version.js';
