import { Op, type Transaction, type WhereOptions } from 'sequelize';
import { files, log, notFound, type Caller } from '../kit';
import { db, TicketAttachment, TicketMessage } from './database';
import { isAgent, ticketFor, visibleMessages } from './access';

export const BUCKET = 'sav';
/** Attachment uploads: URLs handed out wait in the kit's table until confirmed, else the tick removes them. */
export const uploads = files.uploadsFor(db, BUCKET);
export const keyPrefix = (ticketId: number) => `ticket/${ticketId}/`;

/**
 * The attachments of a ticket its reader may see: those of no message, or of a message they may
 * see (a customer never sees what is attached to an internal note, nor to a deleted message).
 */
export function visibleAttachments(caller: Caller | undefined, ticketId: number): WhereOptions<TicketAttachment> {
  const internal = caller && isAgent(caller) ? '' : ' AND is_internal = 0';
  const shownMessages = db.sequelize.literal(`(SELECT id FROM ticket_messages WHERE ticket_id = ${db.sequelize.escape(ticketId)} AND deleted_at IS NULL${internal})`);
  return { ticket_id: ticketId, [Op.or]: [{ message_id: null }, { message_id: { [Op.in]: shownMessages } }] } as WhereOptions<TicketAttachment>;
}

/** An attachment the caller may see, on a ticket they may see; anything else is a 404. */
export async function attachmentFor(caller: Caller, id: number, transaction?: Transaction): Promise<TicketAttachment> {
  const found = await TicketAttachment.findByPk(id, { transaction, attributes: ['ticket_id'] });
  if (found) {
    await ticketFor(caller, found.ticket_id, transaction);
    const attachment = await TicketAttachment.findOne({ where: { ...visibleAttachments(caller, found.ticket_id), id }, transaction });
    if (attachment) return attachment;
  }
  throw notFound('The attachment does not exist.');
}

/** A message of this ticket the caller may see, to attach a file to. */
export async function messageOfTicket(caller: Caller, ticketId: number, messageId: number, transaction?: Transaction): Promise<TicketMessage | null> {
  return TicketMessage.findOne({ where: { id: messageId, ticket_id: ticketId, ...visibleMessages(caller) }, transaction });
}

/** Removes stored objects once their rows are gone; a failure leaves an orphan object, never a broken ticket. */
export async function removeObjects(keys: string[]): Promise<void> {
  await files.removeFiles(BUCKET, keys).catch((error) => log.error({ err: error, keys }, 'could not remove ticket attachments from storage'));
}
