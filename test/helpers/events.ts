import { randomUUID } from 'node:crypto';
import { CloudEvent, HTTP } from 'cloudevents';
import { sourceOf } from '../../functions/kit/events/declarations';

export interface PostedEvent {
  id?: string;
  /** `/<service>` of the type by default. */
  source?: string;
  subject?: string;
  time?: Date;
}

/** POSTs a CloudEvent in binary mode to the function at `url`'s /events, as the broker's dispatcher does. */
export async function postEvent(url: string, type: string, data: object, options: PostedEvent = {}) {
  const event = new CloudEvent({
    id: options.id ?? randomUUID(), type, source: options.source ?? sourceOf(type), datacontenttype: 'application/json', data,
    ...(options.subject !== undefined ? { subject: options.subject } : {}),
    ...(options.time ? { time: options.time.toISOString() } : {}),
  });
  const message = HTTP.binary(event);
  const res = await fetch(`${url}/events`, { method: 'POST', headers: message.headers as Record<string, string>, body: message.body as string });
  return { status: res.status, body: (await res.json().catch(() => undefined)) as any };
}
