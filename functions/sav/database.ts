import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Sequelize } from 'sequelize';
import { serviceDatabase } from '../kit';
import type { TicketPriority, TicketStatus } from '../contracts/engagement';

export const TICKET_STATUSES: TicketStatus[] = ['open', 'in_progress', 'waiting_customer', 'resolved', 'closed'];
export const TICKET_PRIORITIES: TicketPriority[] = ['low', 'medium', 'high', 'urgent'];
export const SENDER_TYPES = ['customer', 'agent'] as const;
export type SenderType = (typeof SENDER_TYPES)[number];

export class Ticket extends Model<InferAttributes<Ticket>, InferCreationAttributes<Ticket>> {
  declare id: CreationOptional<number>;
  declare ticket_number: string;
  /** Null for a ticket opened through the public form: then `contact_email` is who to answer. */
  declare user_id: number | null;
  declare contact_name: string | null;
  declare contact_email: string | null;
  /** SHA-256 of the public ticket's access token (the token itself is never stored). */
  declare access_token_hash: CreationOptional<string | null>;
  declare subject: string;
  declare description: string;
  declare priority: CreationOptional<TicketPriority>;
  declare status: CreationOptional<TicketStatus>;
  declare category: string | null;
  declare assigned_to: CreationOptional<number | null>;
  declare order_id: number | null;
  declare order_number: string | null;
  declare metadata: CreationOptional<Record<string, unknown> | null>;
  declare resolved_at: CreationOptional<Date | null>;
  declare closed_at: CreationOptional<Date | null>;
  declare created_at: CreationOptional<Date>;
  declare updated_at: CreationOptional<Date>;
  declare deleted_at: CreationOptional<Date | null>;
}

export class TicketMessage extends Model<InferAttributes<TicketMessage>, InferCreationAttributes<TicketMessage>> {
  declare id: CreationOptional<number>;
  declare ticket_id: number;
  /** Null for a message sent through the public routes. */
  declare sender_id: number | null;
  declare sender_type: SenderType;
  declare message: string;
  declare is_internal: CreationOptional<boolean>;
  /** When the other side read it. */
  declare read_at: CreationOptional<Date | null>;
  declare created_at: CreationOptional<Date>;
  declare updated_at: CreationOptional<Date>;
  declare deleted_at: CreationOptional<Date | null>;
}

export class TicketAttachment extends Model<InferAttributes<TicketAttachment>, InferCreationAttributes<TicketAttachment>> {
  declare id: CreationOptional<number>;
  declare ticket_id: number;
  declare message_id: number | null;
  declare uploaded_by: number | null;
  declare original_name: string;
  declare key: string;
  declare mime_type: string;
  declare size: number;
  declare created_at: CreationOptional<Date>;
  declare updated_at: CreationOptional<Date>;
}

function defineModels(sequelize: Sequelize) {
  const id = { type: DataTypes.INTEGER.UNSIGNED, autoIncrement: true, primaryKey: true };
  // A function: Sequelize writes into an attribute's definition, so no two attributes may share one.
  const optionalId = () => ({ type: DataTypes.INTEGER.UNSIGNED, allowNull: true });
  const stamps = { created_at: DataTypes.DATE, updated_at: DataTypes.DATE };
  const paranoid = { sequelize, paranoid: true, deletedAt: 'deleted_at' } as const;
  Ticket.init(
    {
      id,
      ticket_number: { type: DataTypes.STRING(32), allowNull: false },
      user_id: optionalId(),
      contact_name: DataTypes.STRING,
      contact_email: DataTypes.STRING,
      access_token_hash: DataTypes.STRING(64),
      subject: { type: DataTypes.STRING, allowNull: false },
      description: { type: DataTypes.TEXT, allowNull: false },
      priority: { type: DataTypes.ENUM(...TICKET_PRIORITIES), allowNull: false, defaultValue: 'medium' },
      status: { type: DataTypes.ENUM(...TICKET_STATUSES), allowNull: false, defaultValue: 'open' },
      category: DataTypes.STRING(100),
      assigned_to: optionalId(),
      order_id: optionalId(),
      order_number: DataTypes.STRING(64),
      metadata: {
        // A TEXT column: MariaDB's JSON is LONGTEXT, which the mysql dialect would hand back as a string.
        type: DataTypes.TEXT,
        get() {
          const raw = this.getDataValue('metadata') as unknown;
          return typeof raw === 'string' ? JSON.parse(raw) : raw ?? null;
        },
        set(value: Record<string, unknown> | null) {
          this.setDataValue('metadata', (value === null || value === undefined ? null : JSON.stringify(value)) as never);
        },
      },
      resolved_at: DataTypes.DATE,
      closed_at: DataTypes.DATE,
      ...stamps,
      deleted_at: DataTypes.DATE,
    },
    { ...paranoid, tableName: 'support_tickets' },
  );
  TicketMessage.init(
    {
      id,
      ticket_id: { type: DataTypes.INTEGER.UNSIGNED, allowNull: false },
      sender_id: optionalId(),
      sender_type: { type: DataTypes.ENUM(...SENDER_TYPES), allowNull: false },
      message: { type: DataTypes.TEXT, allowNull: false },
      is_internal: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
      read_at: DataTypes.DATE,
      ...stamps,
      deleted_at: DataTypes.DATE,
    },
    { ...paranoid, tableName: 'ticket_messages' },
  );
  TicketAttachment.init(
    {
      id,
      ticket_id: { type: DataTypes.INTEGER.UNSIGNED, allowNull: false },
      message_id: optionalId(),
      uploaded_by: optionalId(),
      original_name: { type: DataTypes.STRING, allowNull: false },
      key: { type: DataTypes.STRING(255), allowNull: false },
      mime_type: { type: DataTypes.STRING(100), allowNull: false },
      size: { type: DataTypes.INTEGER.UNSIGNED, allowNull: false },
      ...stamps,
    },
    { sequelize, tableName: 'ticket_attachments' },
  );
  return { Ticket, TicketMessage, TicketAttachment };
}

export const db = serviceDatabase('sav', defineModels);
// Routes use the model classes directly: define them now; no connection opens before a query.
void db.models;
