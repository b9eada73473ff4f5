import { fieldError, route } from '../../kit';
import { Contact, db, type ContactStatus } from '../database';
import { requireLiveContacts } from '../contacts';
import { channelsOf, subscribe, unsubscribe, type Channel } from '../engagement';
import { addToList, applyTag, forgetContacts, removeFromList, removeTag } from '../membership';
import { resolveTags, type TagRefInput } from '../tags';
import { staticListOr409 } from './lists';
import { channelOrAll, contactIds, contactStatus } from './fields';

/** The older platform's action names, and the plainer ones. */
const ACTIONS = {
  delete: 'delete', subscribe: 'subscribe', unsubscribe: 'unsubscribe',
  add_tag: 'tag', tag: 'tag', remove_tag: 'untag', untag: 'untag',
  update_status: 'status', set_status: 'status',
  add_to_list: 'add_to_list', remove_from_list: 'remove_from_list',
} as const;
type Action = keyof typeof ACTIONS;

interface Options { type?: Channel | 'all'; tag?: TagRefInput; tag_id?: number; status?: ContactStatus; list_id?: number }
interface BulkBody extends Options { action: Action; contact_ids: number[]; data?: Options }

const options = {
  type: channelOrAll,
  tag: { anyOf: [{ type: 'integer', minimum: 1 }, { type: 'string', minLength: 1, maxLength: 100 }] },
  tag_id: { type: 'integer', minimum: 1 },
  status: contactStatus,
  list_id: { type: 'integer', minimum: 1 },
};

/** A required option, from `data` (the older shape) or the body itself. */
function option<K extends keyof Options>(body: BulkBody, name: K): NonNullable<Options[K]> {
  const value = body.data?.[name] ?? body[name];
  if (value === undefined || value === null) throw fieldError(`data.${name}`, `The data.${name} field is required for the ${body.action} action.`);
  return value as NonNullable<Options[K]>;
}

export const bulkRoutes = [
  route<{}, {}, BulkBody>({
    method: 'POST', path: '/contacts/bulk-action',
    summary: 'One action on many contacts (delete, subscribe, unsubscribe, add_tag, remove_tag, update_status, add_to_list, remove_from_list); all or nothing',
    access: { permission: 'settings.update' }, response: { status: 200 },
    body: {
      type: 'object', required: ['action', 'contact_ids'],
      properties: { action: { type: 'string', enum: Object.keys(ACTIONS) }, contact_ids: contactIds, data: { type: 'object', properties: options }, ...options },
    },
    handler: async ({ body, caller }) => {
      const ids = await requireLiveContacts(body.contact_ids);
      const affected = await db.sequelize.transaction(async (transaction): Promise<number> => {
        switch (ACTIONS[body.action]) {
          case 'delete': {
            await forgetContacts(ids, transaction);
            return Contact.destroy({ where: { id: ids }, transaction });
          }
          case 'subscribe': return subscribe(ids, channelsOf(body.data?.type ?? body.type, 'newsletter'), transaction);
          case 'unsubscribe': return unsubscribe(ids, channelsOf(body.data?.type ?? body.type, 'newsletter'), transaction);
          case 'tag':
          case 'untag': {
            const ref = body.data?.tag_id ?? body.tag_id ?? option(body, 'tag');
            const tagging = ACTIONS[body.action] === 'tag';
            const [tagId] = await resolveTags([ref], typeof ref === 'number' ? 'data.tag_id' : 'data.tag', transaction, tagging);
            return tagging ? applyTag(tagId, ids, transaction) : removeTag(tagId, ids, transaction);
          }
          case 'status': {
            const [count] = await Contact.update({ status: option(body, 'status') }, { where: { id: ids }, transaction });
            return count;
          }
          case 'add_to_list':
          case 'remove_from_list': {
            const list = await staticListOr409(option(body, 'list_id'), transaction, 'data.list_id');
            return ACTIONS[body.action] === 'add_to_list' ? addToList(list.id, ids, caller?.id ?? null, transaction) : removeFromList(list.id, ids, transaction);
          }
        }
      });
      return {
        message: `Bulk ${body.action} done on ${ids.length} contact(s); ${affected} changed.`,
        action: body.action,
        affected,
        results: { success: ids.length, failed: 0, errors: [] },
      };
    },
  }),
];
