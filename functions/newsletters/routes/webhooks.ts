import { badRequest, compileOnUse, route, validate, type Route } from '../../kit';
import { readRawBody } from '../../kit/http';
import { applyWebhook, checkFreshness, verifySignature, WEBHOOK_KINDS, type WebhookKind, type WebhookPayload } from '../webhooks';

const payloadSchema = compileOnUse({
  type: 'object',
  required: ['timestamp'],
  properties: {
    timestamp: { type: ['number', 'string'] },
    message_id: { type: 'string', minLength: 3, maxLength: 191 },
    campaign_id: { type: 'integer', minimum: 1 },
    email: { type: 'string', maxLength: 191 },
    event_id: { type: 'string', minLength: 1, maxLength: 191 },
  },
});

/** The signature covers the exact bytes received, so the body is read raw here (the route declares no body schema). */
const webhookRoute = (kind: WebhookKind): Route =>
  route({
    method: 'POST', path: `/webhooks/email-${kind}`, summary: `Delivery report: ${kind} (signed: X-Webhook-Signature, hex HMAC-SHA256 of the body)`, access: 'public',
    handler: async ({ raw, headers }) => {
      const body = await readRawBody(raw);
      verifySignature(body, headers);
      let payload: unknown;
      try {
        payload = JSON.parse(body.toString('utf8'));
      } catch {
        throw badRequest('Malformed JSON in request body.');
      }
      const report = validate<WebhookPayload>(payloadSchema, payload, 'body');
      checkFreshness(report.timestamp);
      return applyWebhook(kind, report);
    },
  });

export const webhookRoutes: Route[] = WEBHOOK_KINDS.map(webhookRoute);
