import { DataTypes, Model, Op, type CreationOptional, type InferAttributes, type InferCreationAttributes, type ModelStatic, type Sequelize } from 'sequelize';
import { conflict, serviceDatabase, statements as statementsOf } from '../kit';
import type { Criteria } from './criteria';

export const CONTACT_STATUSES = ['active', 'inactive', 'bounced', 'unsubscribed', 'complained'] as const;
export const CONTACT_SOURCES = ['manual', 'import', 'api', 'newsletter_signup', 'purchase', 'contact_form'] as const;
export const LIST_TYPES = ['marketing', 'newsletter', 'segmentation', 'custom'] as const;
export const LIST_STATUSES = ['active', 'inactive', 'archived'] as const;
export const TAG_TYPES = ['system', 'custom'] as const;
export const MESSAGE_STATUSES = ['new', 'read', 'answered'] as const;

export type ContactStatus = (typeof CONTACT_STATUSES)[number];
export type ContactSource = (typeof CONTACT_SOURCES)[number];

export class Contact extends Model<InferAttributes<Contact>, InferCreationAttributes<Contact>> {
  declare id: CreationOptional<number>;
  declare email: string;
  declare first_name: CreationOptional<string | null>;
  declare last_name: CreationOptional<string | null>;
  declare company: CreationOptional<string | null>;
  declare phone: CreationOptional<string | null>;
  declare status: CreationOptional<ContactStatus>;
  declare source: CreationOptional<ContactSource>;
  declare language: CreationOptional<string | null>;
  declare country: CreationOptional<string | null>;
  declare city: CreationOptional<string | null>;
  declare birth_date: CreationOptional<string | null>;
  declare gender: CreationOptional<'M' | 'F' | 'O' | null>;
  declare user_id: CreationOptional<number | null>;
  declare newsletter_subscribed: CreationOptional<boolean>;
  declare marketing_subscribed: CreationOptional<boolean>;
  declare sms_subscribed: CreationOptional<boolean>;
  declare subscribed_at: CreationOptional<Date | null>;
  declare unsubscribed_at: CreationOptional<Date | null>;
  declare emails_opened: CreationOptional<number>;
  declare emails_clicked: CreationOptional<number>;
  declare last_opened_at: CreationOptional<Date | null>;
  declare last_clicked_at: CreationOptional<Date | null>;
  declare last_activity_at: CreationOptional<Date | null>;
  declare total_orders: CreationOptional<number>;
  declare total_spent: CreationOptional<string>;
  declare last_purchase_at: CreationOptional<Date | null>;
  declare custom_fields: CreationOptional<Record<string, unknown> | null>;
  declare notes: CreationOptional<string | null>;
  declare created_at: CreationOptional<Date>;
  declare updated_at: CreationOptional<Date>;
  declare deleted_at: CreationOptional<Date | null>;
}

export class ContactList extends Model<InferAttributes<ContactList>, InferCreationAttributes<ContactList>> {
  declare id: CreationOptional<number>;
  declare name: string;
  declare description: CreationOptional<string | null>;
  declare type: CreationOptional<(typeof LIST_TYPES)[number]>;
  declare status: CreationOptional<(typeof LIST_STATUSES)[number]>;
  declare is_dynamic: CreationOptional<boolean>;
  declare criteria: CreationOptional<Criteria | null>;
  declare contact_count: CreationOptional<number>;
  declare last_synced_at: CreationOptional<Date | null>;
  declare created_by: CreationOptional<number | null>;
  declare created_at: CreationOptional<Date>;
  declare updated_at: CreationOptional<Date>;
  declare deleted_at: CreationOptional<Date | null>;
}

export class Tag extends Model<InferAttributes<Tag>, InferCreationAttributes<Tag>> {
  declare id: CreationOptional<number>;
  declare name: string;
  declare color: CreationOptional<string>;
  declare description: CreationOptional<string | null>;
  declare type: CreationOptional<(typeof TAG_TYPES)[number]>;
  declare usage_count: CreationOptional<number>;
  declare created_at: CreationOptional<Date>;
  declare updated_at: CreationOptional<Date>;
}

export class ContactMessage extends Model<InferAttributes<ContactMessage>, InferCreationAttributes<ContactMessage>> {
  declare id: CreationOptional<number>;
  declare contact_id: number | null;
  declare name: string;
  declare email: string;
  declare subject: string;
  declare message: string;
  declare status: CreationOptional<(typeof MESSAGE_STATUSES)[number]>;
  declare ip: string | null;
  declare read_at: CreationOptional<Date | null>;
  declare answered_at: CreationOptional<Date | null>;
  declare created_at: CreationOptional<Date>;
  declare updated_at: CreationOptional<Date>;
}

/** A TEXT column holding JSON, read and written as a value. */
const jsonText = (column: string) => ({
  type: DataTypes.TEXT,
  get(this: Model) {
    const raw = this.getDataValue(column) as unknown;
    return typeof raw === 'string' ? JSON.parse(raw) : raw ?? null;
  },
  set(this: Model, value: unknown) {
    this.setDataValue(column, (value === null || value === undefined ? null : JSON.stringify(value)) as never);
  },
});

function defineModels(sequelize: Sequelize) {
  const id = { type: DataTypes.INTEGER.UNSIGNED, autoIncrement: true, primaryKey: true };
  const stamps = { created_at: DataTypes.DATE, updated_at: DataTypes.DATE };
  const paranoid = { sequelize, paranoid: true, deletedAt: 'deleted_at' } as const;
  // Fresh objects each time: Sequelize writes into attribute definitions (their column name).
  const flag = () => ({ type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false });
  const counter = () => ({ type: DataTypes.INTEGER.UNSIGNED, allowNull: false, defaultValue: 0 });
  Contact.init(
    {
      id,
      email: { type: DataTypes.STRING(191), allowNull: false },
      first_name: DataTypes.STRING, last_name: DataTypes.STRING, company: DataTypes.STRING, phone: DataTypes.STRING(30),
      status: { type: DataTypes.ENUM(...CONTACT_STATUSES), allowNull: false, defaultValue: 'active' },
      source: { type: DataTypes.ENUM(...CONTACT_SOURCES), allowNull: false, defaultValue: 'manual' },
      language: DataTypes.STRING(2), country: DataTypes.STRING(2), city: DataTypes.STRING,
      birth_date: DataTypes.DATEONLY, gender: DataTypes.ENUM('M', 'F', 'O'), user_id: DataTypes.INTEGER.UNSIGNED,
      newsletter_subscribed: flag(), marketing_subscribed: flag(), sms_subscribed: flag(),
      subscribed_at: DataTypes.DATE, unsubscribed_at: DataTypes.DATE,
      emails_opened: counter(), emails_clicked: counter(),
      last_opened_at: DataTypes.DATE, last_clicked_at: DataTypes.DATE, last_activity_at: DataTypes.DATE,
      total_orders: counter(),
      total_spent: { type: DataTypes.DECIMAL(12, 2), allowNull: false, defaultValue: '0.00' },
      last_purchase_at: DataTypes.DATE,
      custom_fields: jsonText('custom_fields'),
      notes: DataTypes.TEXT,
      ...stamps, deleted_at: DataTypes.DATE,
    },
    { ...paranoid, tableName: 'contacts' },
  );
  ContactList.init(
    {
      id,
      name: { type: DataTypes.STRING(191), allowNull: false },
      description: DataTypes.TEXT,
      type: { type: DataTypes.ENUM(...LIST_TYPES), allowNull: false, defaultValue: 'custom' },
      status: { type: DataTypes.ENUM(...LIST_STATUSES), allowNull: false, defaultValue: 'active' },
      is_dynamic: flag(),
      criteria: jsonText('criteria'),
      contact_count: counter(),
      last_synced_at: DataTypes.DATE,
      created_by: DataTypes.INTEGER.UNSIGNED,
      ...stamps, deleted_at: DataTypes.DATE,
    },
    { ...paranoid, tableName: 'contact_lists' },
  );
  Tag.init(
    {
      id,
      name: { type: DataTypes.STRING(100), allowNull: false },
      color: { type: DataTypes.STRING(7), allowNull: false, defaultValue: '#007bff' },
      description: DataTypes.TEXT,
      type: { type: DataTypes.ENUM(...TAG_TYPES), allowNull: false, defaultValue: 'custom' },
      usage_count: counter(),
      ...stamps,
    },
    { sequelize, tableName: 'contact_tags' },
  );
  ContactMessage.init(
    {
      id,
      contact_id: DataTypes.INTEGER.UNSIGNED,
      name: { type: DataTypes.STRING, allowNull: false },
      email: { type: DataTypes.STRING(191), allowNull: false },
      subject: { type: DataTypes.STRING, allowNull: false },
      message: { type: DataTypes.TEXT, allowNull: false },
      status: { type: DataTypes.ENUM(...MESSAGE_STATUSES), allowNull: false, defaultValue: 'new' },
      ip: DataTypes.STRING(64),
      read_at: DataTypes.DATE, answered_at: DataTypes.DATE,
      ...stamps,
    },
    { sequelize, tableName: 'contact_messages' },
  );
  return { Contact, ContactList, Tag, ContactMessage };
}

export const db = serviceDatabase('contacts', defineModels);
void db.models;

/** Prepared statements on the contacts database (hot reads, upserts, set operations). */
export const sql = statementsOf('contacts');

/** A UTC time as MySQL DATETIME text (the connections run in UTC). */
export const sqlTime = (time: Date | string) => new Date(time).toISOString().slice(0, 23).replace('T', ' ');

/** Figures from COUNT/SUM columns as numbers (MySQL answers a SUM as a decimal string, NULL over no rows). */
export const figures = (row: Record<string, unknown>): Record<string, number> =>
  Object.fromEntries(Object.entries(row).map(([key, value]) => [key, Number(value ?? 0)]));

/** 409 when another live row already has this value (the unique index also says so under a race). */
export async function ensureFree(model: ModelStatic<Model>, field: string, value: string | undefined, exceptId: number | undefined, message: string): Promise<void> {
  if (value === undefined) return;
  const other = await model.findOne({ where: { [field]: value, ...(exceptId ? { id: { [Op.ne]: exceptId } } : {}) }, attributes: ['id'] });
  if (other) throw conflict(message);
}
