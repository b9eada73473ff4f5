import { conflict, fieldError, files, idParams, listQuerySchema, paginate, reply, route, type ListQuery } from '../../kit';
import { db, TicketAttachment } from '../database';
import { ensureAuthorOrResponder, ticketFor } from '../access';
import { attachmentJson } from '../json';
import { ensureNotClosed } from '../lifecycle';
import { idParam, NULLABLE_ID } from './fields';
import { attachmentFor, BUCKET, keyPrefix, messageOfTicket, removeObjects, uploads, visibleAttachments } from '../attachments';

const attachmentParams = idParam('aid');

interface ConfirmBody {
  key: string;
  filename?: string;
  message_id?: number | null;
}

export const attachmentRoutes = [
  route<{ id: number }, ListQuery>({
    method: 'GET', path: '/tickets/:id/attachments', summary: "A ticket's attachments (those of internal notes for staff only)", access: 'auth',
    params: idParams, query: listQuerySchema(['id', 'created_at', 'size']),
    handler: async ({ user, params, query }) => {
      const ticket = await ticketFor(user, params.id);
      const page = await paginate(TicketAttachment, query, { where: visibleAttachments(user, ticket.id) });
      return { ...page, data: page.data.map(attachmentJson) };
    },
  }),
  route<{ id: number }, {}, { filename: string; content_type: string; size: number }>({
    method: 'POST', path: '/tickets/:id/attachments/upload-url', summary: 'A presigned PUT for an attachment (PDF, plain text, JPEG, PNG, WebP, GIF; 10 MB)',
    access: 'auth', params: idParams, body: files.uploadRequestSchema(BUCKET), response: files.uploadUrlResponse,
    handler: async ({ user, params, body }) => {
      ensureNotClosed(await ticketFor(user, params.id));
      return uploads.createUrl(user.id, 'ticket', params.id, body);
    },
  }),
  route<{ id: number }, {}, ConfirmBody>({
    method: 'POST', path: '/tickets/:id/attachments', summary: 'Record an uploaded attachment once its bytes are checked (refused and deleted: 422)',
    access: 'auth', params: idParams,
    body: {
      ...files.uploadConfirmSchema,
      properties: {
        ...files.uploadConfirmSchema.properties,
        filename: { type: 'string', maxLength: 255, description: 'the original file name (sanitized)' },
        message_id: NULLABLE_ID,
      },
    },
    handler: async ({ user, params, body }) => {
      const ticket = await ticketFor(user, params.id);
      ensureNotClosed(ticket);
      if (body.message_id && !(await messageOfTicket(user, ticket.id, body.message_id))) throw fieldError('message_id', 'The message is not one of this ticket.');
      if (await TicketAttachment.findOne({ where: { key: body.key } })) throw conflict('This upload is already recorded.');
      const stored = await uploads.confirm(body.key, keyPrefix(ticket.id));
      const attachment = await TicketAttachment.create({
        ticket_id: ticket.id, message_id: body.message_id ?? null, uploaded_by: user.id, key: stored.key, size: stored.size, mime_type: stored.mime_type,
        original_name: files.sanitizeFilename(body.filename ?? stored.key),
      });
      return reply.created(attachmentJson(attachment));
    },
  }),
  route<{ aid: number }>({
    method: 'GET', path: '/attachments/:aid/download', summary: 'A presigned GET (15 minutes) that downloads the file under its original name', access: 'auth',
    params: attachmentParams,
    handler: async ({ user, params }) => {
      const attachment = await attachmentFor(user, params.aid);
      const url = await files.downloadUrl(BUCKET, attachment.key, attachment.original_name, attachment.mime_type);
      return { url, method: 'GET', expires_at: files.expiresAt(), ...attachmentJson(attachment) };
    },
  }),
  route<{ aid: number }>({
    method: 'DELETE', path: '/attachments/:aid', summary: 'Delete an attachment and its stored file: its uploader, or staff with support.respond', access: 'auth',
    params: attachmentParams, response: { status: 204 },
    handler: async ({ user, params }) => {
      const key = await db.sequelize.transaction(async (transaction) => {
        const attachment = await attachmentFor(user, params.aid, transaction);
        ensureAuthorOrResponder(user, attachment.uploaded_by, 'attachment');
        await attachment.destroy({ transaction });
        return attachment.key;
      });
      await removeObjects([key]);
      return reply.noContent();
    },
  }),
];
