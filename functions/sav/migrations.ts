import { DataTypes } from 'sequelize';
import { files, type Migration } from '../kit';

const id = { type: DataTypes.INTEGER.UNSIGNED, autoIncrement: true, primaryKey: true };
// A function: Sequelize writes into an attribute's definition, so no two attributes may share one.
const optionalId = () => ({ type: DataTypes.INTEGER.UNSIGNED, allowNull: true });
const text = (length = 255) => ({ type: DataTypes.STRING(length), allowNull: true });
const stamps = { created_at: { type: DataTypes.DATE, allowNull: false }, updated_at: { type: DataTypes.DATE, allowNull: false } };
const ticketReference = { type: DataTypes.INTEGER.UNSIGNED, allowNull: false, references: { model: 'support_tickets', key: 'id' }, onDelete: 'RESTRICT' };

export const migrations: Migration[] = [
  files.pendingUploadsMigration,
  {
    name: '001-tickets-messages-attachments',
    async up(queryInterface) {
      // One row per year: the last ticket number given, incremented under its row lock.
      await queryInterface.createTable('ticket_sequences', {
        year: { type: DataTypes.SMALLINT.UNSIGNED, primaryKey: true },
        last_number: { type: DataTypes.INTEGER.UNSIGNED, allowNull: false },
      });
      await queryInterface.createTable('support_tickets', {
        id,
        ticket_number: { type: DataTypes.STRING(32), allowNull: false, unique: true },
        user_id: optionalId(),
        contact_name: text(),
        contact_email: text(),
        access_token_hash: text(64),
        subject: { type: DataTypes.STRING, allowNull: false },
        description: { type: DataTypes.TEXT, allowNull: false },
        priority: { type: DataTypes.ENUM('low', 'medium', 'high', 'urgent'), allowNull: false, defaultValue: 'medium' },
        status: { type: DataTypes.ENUM('open', 'in_progress', 'waiting_customer', 'resolved', 'closed'), allowNull: false, defaultValue: 'open' },
        category: text(100),
        assigned_to: optionalId(),
        order_id: optionalId(),
        order_number: text(64),
        metadata: { type: DataTypes.TEXT, allowNull: true },
        resolved_at: { type: DataTypes.DATE, allowNull: true },
        closed_at: { type: DataTypes.DATE, allowNull: true },
        ...stamps,
        deleted_at: { type: DataTypes.DATE, allowNull: true },
      });
      await queryInterface.addIndex('support_tickets', ['user_id', 'deleted_at', 'id'], { name: 'support_tickets_owner' });
      await queryInterface.addIndex('support_tickets', ['status', 'deleted_at'], { name: 'support_tickets_status' });
      await queryInterface.addIndex('support_tickets', ['assigned_to', 'status'], { name: 'support_tickets_agent' });
      await queryInterface.addIndex('support_tickets', ['priority'], { name: 'support_tickets_priority' });
      await queryInterface.addIndex('support_tickets', ['category'], { name: 'support_tickets_category' });
      await queryInterface.createTable('ticket_messages', {
        id,
        ticket_id: ticketReference,
        sender_id: optionalId(),
        sender_type: { type: DataTypes.ENUM('customer', 'agent'), allowNull: false },
        message: { type: DataTypes.TEXT, allowNull: false },
        is_internal: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
        read_at: { type: DataTypes.DATE, allowNull: true },
        ...stamps,
        deleted_at: { type: DataTypes.DATE, allowNull: true },
      });
      await queryInterface.addIndex('ticket_messages', ['ticket_id', 'id'], { name: 'ticket_messages_ticket' });
      // Unread counts: the other side's unread messages.
      await queryInterface.addIndex('ticket_messages', ['sender_type', 'read_at', 'ticket_id'], { name: 'ticket_messages_unread' });
      await queryInterface.createTable('ticket_attachments', {
        id,
        ticket_id: ticketReference,
        message_id: { ...optionalId(), references: { model: 'ticket_messages', key: 'id' }, onDelete: 'SET NULL' },
        uploaded_by: optionalId(),
        original_name: { type: DataTypes.STRING, allowNull: false },
        key: { type: DataTypes.STRING(255), allowNull: false },
        mime_type: { type: DataTypes.STRING(100), allowNull: false },
        size: { type: DataTypes.INTEGER.UNSIGNED, allowNull: false },
        ...stamps,
      });
      await queryInterface.addIndex('ticket_attachments', ['ticket_id'], { name: 'ticket_attachments_ticket' });
      await queryInterface.addIndex('ticket_attachments', ['key'], { name: 'ticket_attachments_key', unique: true });
    },
    async down(queryInterface) {
      for (const table of ['ticket_attachments', 'ticket_messages', 'support_tickets', 'ticket_sequences']) await queryInterface.dropTable(table);
    },
  },
];
