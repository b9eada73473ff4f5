import { DataTypes } from 'sequelize';
import type { Migration } from '../kit';
import { CONTACT_SOURCES, CONTACT_STATUSES, LIST_STATUSES, LIST_TYPES, MESSAGE_STATUSES, TAG_TYPES } from './database';

const id = { type: DataTypes.INTEGER.UNSIGNED, autoIncrement: true, primaryKey: true };
const stamps = { created_at: { type: DataTypes.DATE, allowNull: false }, updated_at: { type: DataTypes.DATE, allowNull: false } };
const optional = (length = 255) => ({ type: DataTypes.STRING(length), allowNull: true });
const flag = () => ({ type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false });
const counter = () => ({ type: DataTypes.INTEGER.UNSIGNED, allowNull: false, defaultValue: 0 });
const moment = () => ({ type: DataTypes.DATE, allowNull: true });
const reference = (table: string) => ({ type: DataTypes.INTEGER.UNSIGNED, allowNull: false, references: { model: table, key: 'id' }, onDelete: 'CASCADE' });

/**
 * A unique key over the live rows only: a soft-deleted contact (or list) keeps its row but frees
 * its e-mail (name), so the person can come back; upserts from events conflict on this key.
 */
const liveUnique = (table: string, column: string, length: number) =>
  `ALTER TABLE ${table} ADD COLUMN live_${column} VARCHAR(${length}) GENERATED ALWAYS AS (IF(deleted_at IS NULL, ${column}, NULL)) STORED,
   ADD UNIQUE INDEX ${table}_live_${column} (live_${column})`;

export const migrations: Migration[] = [
  {
    name: '001-contacts-lists-tags-messages',
    async up(queryInterface) {
      await queryInterface.createTable('contacts', {
        id,
        email: { type: DataTypes.STRING(191), allowNull: false },
        first_name: optional(),
        last_name: optional(),
        company: optional(),
        phone: optional(30),
        status: { type: DataTypes.ENUM(...CONTACT_STATUSES), allowNull: false, defaultValue: 'active' },
        source: { type: DataTypes.ENUM(...CONTACT_SOURCES), allowNull: false, defaultValue: 'manual' },
        language: optional(2),
        country: optional(2),
        city: optional(),
        birth_date: { type: DataTypes.DATEONLY, allowNull: true },
        gender: { type: DataTypes.ENUM('M', 'F', 'O'), allowNull: true },
        user_id: { type: DataTypes.INTEGER.UNSIGNED, allowNull: true },
        newsletter_subscribed: flag(),
        marketing_subscribed: flag(),
        sms_subscribed: flag(),
        subscribed_at: moment(),
        unsubscribed_at: moment(),
        emails_opened: counter(),
        emails_clicked: counter(),
        last_opened_at: moment(),
        last_clicked_at: moment(),
        last_activity_at: moment(),
        total_orders: counter(),
        total_spent: { type: DataTypes.DECIMAL(12, 2), allowNull: false, defaultValue: '0.00' },
        last_purchase_at: moment(),
        custom_fields: { type: DataTypes.TEXT, allowNull: true },
        notes: { type: DataTypes.TEXT, allowNull: true },
        ...stamps,
        deleted_at: moment(),
      });
      await queryInterface.sequelize.query(liveUnique('contacts', 'email', 191));
      for (const columns of [['status'], ['source'], ['country'], ['created_at'], ['user_id'], ['email']]) {
        await queryInterface.addIndex('contacts', columns, { name: `contacts_${columns.join('_')}` });
      }

      await queryInterface.createTable('contact_lists', {
        id,
        name: { type: DataTypes.STRING(191), allowNull: false },
        description: { type: DataTypes.TEXT, allowNull: true },
        type: { type: DataTypes.ENUM(...LIST_TYPES), allowNull: false, defaultValue: 'custom' },
        status: { type: DataTypes.ENUM(...LIST_STATUSES), allowNull: false, defaultValue: 'active' },
        is_dynamic: flag(),
        criteria: { type: DataTypes.TEXT, allowNull: true },
        contact_count: counter(),
        last_synced_at: moment(),
        created_by: { type: DataTypes.INTEGER.UNSIGNED, allowNull: true },
        ...stamps,
        deleted_at: moment(),
      });
      await queryInterface.sequelize.query(liveUnique('contact_lists', 'name', 191));
      await queryInterface.createTable('contact_list_contacts', {
        list_id: { ...reference('contact_lists'), primaryKey: true },
        contact_id: { ...reference('contacts'), primaryKey: true },
        status: { type: DataTypes.ENUM('active', 'unsubscribed'), allowNull: false, defaultValue: 'active' },
        added_at: { type: DataTypes.DATE, allowNull: false },
        added_by: { type: DataTypes.INTEGER.UNSIGNED, allowNull: true },
      });
      await queryInterface.addIndex('contact_list_contacts', ['contact_id'], { name: 'contact_list_contacts_contact' });

      await queryInterface.createTable('contact_tags', {
        id,
        name: { type: DataTypes.STRING(100), allowNull: false, unique: true },
        color: { type: DataTypes.STRING(7), allowNull: false, defaultValue: '#007bff' },
        description: { type: DataTypes.TEXT, allowNull: true },
        type: { type: DataTypes.ENUM(...TAG_TYPES), allowNull: false, defaultValue: 'custom' },
        usage_count: counter(),
        ...stamps,
      });
      await queryInterface.addIndex('contact_tags', ['usage_count'], { name: 'contact_tags_usage' });
      await queryInterface.createTable('contact_tag', {
        tag_id: { ...reference('contact_tags'), primaryKey: true },
        contact_id: { ...reference('contacts'), primaryKey: true },
        tagged_at: { type: DataTypes.DATE, allowNull: false },
      });
      await queryInterface.addIndex('contact_tag', ['contact_id'], { name: 'contact_tag_contact' });

      await queryInterface.createTable('contact_messages', {
        id,
        contact_id: { type: DataTypes.INTEGER.UNSIGNED, allowNull: true },
        name: { type: DataTypes.STRING(255), allowNull: false },
        email: { type: DataTypes.STRING(191), allowNull: false },
        subject: { type: DataTypes.STRING(255), allowNull: false },
        message: { type: DataTypes.TEXT, allowNull: false },
        status: { type: DataTypes.ENUM(...MESSAGE_STATUSES), allowNull: false, defaultValue: 'new' },
        ip: optional(64),
        read_at: moment(),
        answered_at: moment(),
        ...stamps,
      });
      await queryInterface.addIndex('contact_messages', ['status', 'created_at'], { name: 'contact_messages_status' });

      // One row per counted order: a purchase is counted once whatever the events say.
      await queryInterface.createTable('contact_purchases', {
        order_id: { type: DataTypes.INTEGER.UNSIGNED, primaryKey: true },
        contact_id: { type: DataTypes.INTEGER.UNSIGNED, allowNull: false },
        amount: { type: DataTypes.DECIMAL(12, 2), allowNull: false },
        confirmed_at: { type: DataTypes.DATE, allowNull: false },
      });
    },
    async down(queryInterface) {
      for (const table of ['contact_purchases', 'contact_messages', 'contact_tag', 'contact_tags', 'contact_list_contacts', 'contact_lists', 'contacts']) await queryInterface.dropTable(table);
    },
  },
];
