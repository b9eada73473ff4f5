/** The kit every function is built from. */
export * from './config';
export * from './errors';
export * from './route';
export * from './validation';
export * from './pagination';
export * from './database';
export * from './registry';
export { type Migration, type Seed } from './db';
export { type Caller, hasPermission, isSuperAdmin, signToken, verifyToken } from './jwt';
export { revokeToken } from './revocation';
export { redisCounters, memoryCounters, type WindowCounters } from './ratelimit';
export { log } from './log';
export { currentScope } from './context';
export { type ServiceDefinition, type HttpFunction, migrationsOf } from './service';
export { emit } from './events/outbox';
export * from './events/declarations';
