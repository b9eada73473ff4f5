import { DataTypes } from 'sequelize';
import type { Migration } from '../kit';
import { websiteShippingMigration } from '../contracts/website-shipping';

const id = { type: DataTypes.INTEGER.UNSIGNED, autoIncrement: true, primaryKey: true };
const stamps = { created_at: { type: DataTypes.DATE, allowNull: false }, updated_at: { type: DataTypes.DATE, allowNull: false } };
const text = (length = 255) => ({ type: DataTypes.STRING(length), allowNull: true });
const required = (length = 255) => ({ type: DataTypes.STRING(length), allowNull: false });
const reference = (table: string, allowNull = false) => ({ type: DataTypes.INTEGER.UNSIGNED, allowNull, references: { model: table, key: 'id' }, onDelete: 'RESTRICT' });

export const migrations: Migration[] = [
  {
    name: '001-status-sale-points-deliveries',
    async up(queryInterface) {
      await queryInterface.createTable('status', {
        id, name: { ...required(50), unique: true }, color: text(7), description: text(), ...stamps,
      });
      await queryInterface.createTable('sale_points', {
        id,
        name: required(),
        code: { ...required(50), unique: true },
        address: required(),
        city: required(),
        postal_code: required(20),
        phone: text(30),
        email: text(),
        opening_hours: { type: DataTypes.TEXT, allowNull: true },
        is_active: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: true },
        latitude: { type: DataTypes.DOUBLE, allowNull: false },
        longitude: { type: DataTypes.DOUBLE, allowNull: false },
        ...stamps,
        deleted_at: { type: DataTypes.DATE, allowNull: true },
      });
      await queryInterface.addIndex('sale_points', ['latitude', 'longitude'], { name: 'sale_points_position' });
      await queryInterface.createTable('deliveries', {
        id,
        tracking_number: { ...required(32), unique: true },
        order_id: { type: DataTypes.INTEGER.UNSIGNED, allowNull: false, unique: true },
        order_number: text(64),
        user_id: { type: DataTypes.INTEGER.UNSIGNED, allowNull: false },
        sale_point_id: reference('sale_points', true),
        status_id: reference('status'),
        delivery_method: { type: DataTypes.ENUM('standard', 'express', 'pickup'), allowNull: false, defaultValue: 'standard' },
        shipping_cost: { type: DataTypes.DECIMAL(10, 2), allowNull: false, defaultValue: '0.00' },
        address_id: { type: DataTypes.INTEGER.UNSIGNED, allowNull: true },
        first_name: required(),
        last_name: required(),
        company: text(),
        address_line_1: required(),
        address_line_2: text(),
        city: required(),
        postal_code: required(20),
        region: text(),
        country_code: required(2),
        country: text(),
        phone: text(30),
        email: text(),
        carrier: text(100),
        carrier_tracking_number: text(100),
        estimated_delivery_date: { type: DataTypes.DATEONLY, allowNull: true },
        shipped_at: { type: DataTypes.DATE, allowNull: true },
        actual_delivery_date: { type: DataTypes.DATE, allowNull: true },
        notes: { type: DataTypes.TEXT, allowNull: true },
        status_sequence: { type: DataTypes.INTEGER.UNSIGNED, allowNull: false, defaultValue: 0 },
        ...stamps,
        deleted_at: { type: DataTypes.DATE, allowNull: true },
      });
      await queryInterface.addIndex('deliveries', ['user_id', 'created_at'], { name: 'deliveries_user' });
      await queryInterface.createTable('delivery_events', {
        id,
        delivery_id: { ...reference('deliveries'), onDelete: 'CASCADE' },
        status_id: reference('status'),
        location: text(),
        note: { type: DataTypes.TEXT, allowNull: true },
        changed_by: { type: DataTypes.INTEGER.UNSIGNED, allowNull: true },
        created_at: { type: DataTypes.DATE, allowNull: false },
      });
      await queryInterface.createTable('cancelled_orders', {
        order_id: { type: DataTypes.INTEGER.UNSIGNED, primaryKey: true },
        reason: text(),
        created_at: { type: DataTypes.DATE, allowNull: false },
      });
    },
    async down(queryInterface) {
      for (const table of ['cancelled_orders', 'delivery_events', 'deliveries', 'sale_points', 'status']) await queryInterface.dropTable(table);
    },
  },
  websiteShippingMigration('002-website-shipping'),
];
