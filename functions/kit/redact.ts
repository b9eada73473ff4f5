/**
 * A request target as logs may keep it: secrets that travel in URLs (the newsletter confirm and
 * unsubscribe tokens, the public-ticket token, the broker's delivery credential, the dead-letter
 * keeper's) replaced by `[redacted]`. Nginx's access log applies the same rules
 * (gateway/nginx/default.conf.template; Nginx never routes to the keeper).
 */
const SECRET_SEGMENT = /(\/(?:confirm|unsubscribe|events|dead-letters)\/)[^/?]+/g;
const SECRET_PARAMETER = /([?&](?:[^=&]*(?:token|secret|signature|password)[^=&]*)=)[^&]*/gi;

export const loggableUrl = (url: string): string =>
  url.replace(SECRET_SEGMENT, '$1[redacted]').replace(SECRET_PARAMETER, '$1[redacted]');
