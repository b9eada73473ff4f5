import { DataTypes, type QueryInterface } from 'sequelize';
import type { Migration } from '../db';

/**
 * The kit's own tables in every service database: the outbox (events written with the change
 * that causes them, sent after commit) and the inbox (events applied, so a redelivery is a no-op).
 */
export const eventTablesMigration: Migration = {
  name: '000-kit-outbox-inbox',
  async up(queryInterface: QueryInterface) {
    await queryInterface.createTable('outbox_events', {
      id: { type: DataTypes.BIGINT.UNSIGNED, autoIncrement: true, primaryKey: true },
      event_id: { type: DataTypes.STRING(64), allowNull: false, unique: true },
      type: { type: DataTypes.STRING(191), allowNull: false },
      source: { type: DataTypes.STRING(191), allowNull: false },
      subject: { type: DataTypes.STRING(191), allowNull: true },
      data: { type: DataTypes.TEXT('long'), allowNull: false },
      request_id: { type: DataTypes.STRING(128), allowNull: true },
      created_at: { type: DataTypes.DATE(3), allowNull: false },
      attempts: { type: DataTypes.INTEGER.UNSIGNED, allowNull: false, defaultValue: 0 },
      next_attempt_at: { type: DataTypes.DATE(3), allowNull: false },
      sent_at: { type: DataTypes.DATE(3), allowNull: true },
      last_error: { type: DataTypes.TEXT, allowNull: true },
    });
    await queryInterface.addIndex('outbox_events', ['sent_at', 'next_attempt_at', 'id'], { name: 'outbox_events_pending' });
    await queryInterface.createTable('inbox_events', {
      source: { type: DataTypes.STRING(191), primaryKey: true },
      event_id: { type: DataTypes.STRING(191), primaryKey: true },
      type: { type: DataTypes.STRING(191), allowNull: false },
      status: { type: DataTypes.ENUM('applied', 'rejected'), allowNull: false },
      reason: { type: DataTypes.TEXT, allowNull: true },
      received_at: { type: DataTypes.DATE(3), allowNull: false },
    });
  },
  async down(queryInterface: QueryInterface) {
    await queryInterface.dropTable('inbox_events');
    await queryInterface.dropTable('outbox_events');
  },
};
