import pino from 'pino';
import { currentScope } from './context';
import { env } from './config';

/**
 * One JSON object per line on stdout. Every line written while a request is served
 * carries its `request_id`, whichever module logs it.
 */
export const log = pino({
  level: env('LOG_LEVEL', 'info'),
  base: { service: env('FUNCTION_TARGET', env('K_SERVICE', 'platform')) },
  timestamp: pino.stdTimeFunctions.isoTime,
  formatters: { level: (label) => ({ level: label }) },
  mixin() {
    const scope = currentScope();
    return scope ? { request_id: scope.requestId } : {};
  },
});

export type Logger = typeof log;
