import { DataTypes } from 'sequelize';
import type { Migration } from '../kit';

const id = { type: DataTypes.INTEGER.UNSIGNED, autoIncrement: true, primaryKey: true };
const unsigned = () => ({ type: DataTypes.INTEGER.UNSIGNED, allowNull: false });
const money = () => ({ type: DataTypes.DECIMAL(10, 2), allowNull: false });
const createdAt = { type: DataTypes.DATE, allowNull: false };
const timestamps = { created_at: createdAt, updated_at: { type: DataTypes.DATE, allowNull: false } };
const ofOrder = () => ({ ...unsigned(), references: { model: 'orders', key: 'id' }, onDelete: 'CASCADE' });

export const migrations: Migration[] = [
  {
    name: '001-orders',
    async up(queryInterface) {
      await queryInterface.createTable('order_status', {
        id,
        name: { type: DataTypes.STRING(50), allowNull: false, unique: true },
        description: { type: DataTypes.STRING, allowNull: true },
        color: { type: DataTypes.STRING(20), allowNull: true },
        ...timestamps,
      });
      await queryInterface.createTable('orders', {
        id,
        order_number: { type: DataTypes.STRING(40), allowNull: false, unique: true },
        user_id: unsigned(),
        customer_email: { type: DataTypes.STRING, allowNull: false },
        basket_id: unsigned(),
        status_id: { ...unsigned(), references: { model: 'order_status', key: 'id' }, onDelete: 'RESTRICT' },
        billing_address_id: unsigned(),
        shipping_address_id: unsigned(),
        billing_address: { type: DataTypes.TEXT, allowNull: false },
        shipping_address: { type: DataTypes.TEXT, allowNull: false },
        payment_method: { type: DataTypes.STRING(32), allowNull: false },
        notes: { type: DataTypes.TEXT, allowNull: true },
        total_amount_ht: money(),
        total_discount: money(),
        vat_amount: money(),
        shipping_amount: money(),
        total_amount_ttc: money(),
        idempotency_key: { type: DataTypes.STRING(255), allowNull: true },
        idempotency_hash: { type: DataTypes.STRING(64), allowNull: true },
        cancel_reason: { type: DataTypes.STRING, allowNull: true },
        delivery_id: { type: DataTypes.INTEGER.UNSIGNED, allowNull: true },
        delivery_sequence: { ...unsigned(), defaultValue: 0 },
        confirmed_at: { type: DataTypes.DATE, allowNull: true },
        shipped_at: { type: DataTypes.DATE, allowNull: true },
        delivered_at: { type: DataTypes.DATE, allowNull: true },
        cancelled_at: { type: DataTypes.DATE, allowNull: true },
        ...timestamps,
        deleted_at: { type: DataTypes.DATE, allowNull: true },
      });
      // NULL keys do not collide: only requests that sent an Idempotency-Key are deduplicated.
      await queryInterface.addIndex('orders', ['user_id', 'idempotency_key'], { unique: true, name: 'orders_user_idempotency_key' });
      await queryInterface.addIndex('orders', ['user_id', 'created_at']);
      await queryInterface.addIndex('orders', ['created_at']);
      await queryInterface.createTable('order_items', {
        id,
        order_id: ofOrder(),
        product_id: unsigned(),
        product_name: { type: DataTypes.STRING, allowNull: false },
        product_ref: { type: DataTypes.STRING, allowNull: false },
        quantity: unsigned(),
        unit_price_ht: money(),
        unit_price_ttc: money(),
        vat_rate: { type: DataTypes.DECIMAL(5, 2), allowNull: false },
        total_ht: money(),
        discount: money(),
        vat_amount: money(),
        total_ttc: money(),
        ...timestamps,
      });
      await queryInterface.createTable('order_status_history', {
        id,
        order_id: ofOrder(),
        from_status: { type: DataTypes.STRING(50), allowNull: true },
        to_status: { type: DataTypes.STRING(50), allowNull: false },
        changed_by: { type: DataTypes.INTEGER.UNSIGNED, allowNull: true },
        reason: { type: DataTypes.STRING, allowNull: true },
        created_at: createdAt,
      });
    },
    async down(queryInterface) {
      for (const table of ['order_status_history', 'order_items', 'orders', 'order_status']) await queryInterface.dropTable(table);
    },
  },
];
