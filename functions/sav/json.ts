import type { TicketAttachment, TicketMessage } from './database';

export const messageJson = (message: TicketMessage) => ({
  id: message.id,
  ticket_id: message.ticket_id,
  sender_id: message.sender_id,
  sender_type: message.sender_type,
  message: message.message,
  is_internal: message.is_internal,
  is_read: message.read_at !== null,
  read_at: message.read_at,
  created_at: message.created_at,
  updated_at: message.updated_at,
});

export const attachmentJson = (attachment: TicketAttachment) => ({
  id: attachment.id,
  ticket_id: attachment.ticket_id,
  message_id: attachment.message_id,
  uploaded_by: attachment.uploaded_by,
  original_name: attachment.original_name,
  key: attachment.key,
  mime_type: attachment.mime_type,
  size: attachment.size,
  created_at: attachment.created_at,
  updated_at: attachment.updated_at,
});
