import { randomUUID } from 'node:crypto';
import { CloudEvent, HTTP } from 'cloudevents';
import { sourceOf } from '../../functions/kit/events/declarations';
import { deliveryCredential } from '../../functions/kit/credentials';

export interface PostedEvent {
  id?: string;
  /** `/<service>` of the type by default. */
  source?: string;
  subject?: string;
  time?: Date;
}

const servedAt = new Map<string, Promise<string>>();

/** Where the broker delivers to the function at `url`: `/events/<its delivery credential>` (the function names itself on /live). */
export function eventsUrl(url: string): Promise<string> {
  let found = servedAt.get(url);
  if (!found) {
    found = fetch(`${url}/live`).then(async (res) => `${url}/events/${deliveryCredential(((await res.json()) as { service: string }).service)}`);
    servedAt.set(url, found);
  }
  return found;
}

/** POSTs a CloudEvent in binary mode to the function at `url`, as the broker's dispatcher does. */
export async function postEvent(url: string, type: string, data: object, options: PostedEvent = {}) {
  const event = new CloudEvent({
    id: options.id ?? randomUUID(), type, source: options.source ?? sourceOf(type), datacontenttype: 'application/json', data,
    ...(options.subject !== undefined ? { subject: options.subject } : {}),
    ...(options.time ? { time: options.time.toISOString() } : {}),
  });
  const message = HTTP.binary(event);
  const res = await fetch(await eventsUrl(url), { method: 'POST', headers: message.headers as Record<string, string>, body: message.body as string });
  return { status: res.status, body: (await res.json().catch(() => undefined)) as any };
}
