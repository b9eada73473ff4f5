import { DataTypes } from 'sequelize';
import type { Migration } from '../kit';

const id = { type: DataTypes.INTEGER.UNSIGNED, autoIncrement: true, primaryKey: true };
const stamps = {
  created_at: { type: DataTypes.DATE, allowNull: false },
  updated_at: { type: DataTypes.DATE, allowNull: false },
  deleted_at: { type: DataTypes.DATE, allowNull: true },
};
const reference = (table: string, allowNull = false) => ({ type: DataTypes.INTEGER.UNSIGNED, allowNull, references: { model: table, key: 'id' }, onDelete: 'RESTRICT' });

export const migrations: Migration[] = [
  {
    name: '001-countries-regions-addresses',
    async up(queryInterface) {
      await queryInterface.createTable('countries', {
        id,
        name: { type: DataTypes.STRING, allowNull: false },
        code: { type: DataTypes.STRING(2), allowNull: false, unique: true },
        iso3: { type: DataTypes.STRING(3), allowNull: true },
        phone_code: { type: DataTypes.STRING(8), allowNull: true },
        is_active: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: true },
        ...stamps,
      });
      await queryInterface.createTable('regions', {
        id,
        country_id: reference('countries'),
        name: { type: DataTypes.STRING, allowNull: false },
        code: { type: DataTypes.STRING(10), allowNull: false },
        ...stamps,
      });
      await queryInterface.addIndex('regions', ['country_id', 'code'], { unique: true, name: 'regions_country_code' });
      await queryInterface.addIndex('regions', ['country_id', 'name'], { unique: true, name: 'regions_country_name' });
      await queryInterface.createTable('addresses', {
        id,
        user_id: { type: DataTypes.INTEGER.UNSIGNED, allowNull: false },
        type: { type: DataTypes.ENUM('billing', 'shipping', 'both'), allowNull: false },
        first_name: { type: DataTypes.STRING, allowNull: false },
        last_name: { type: DataTypes.STRING, allowNull: false },
        company: { type: DataTypes.STRING, allowNull: true },
        address_line_1: { type: DataTypes.STRING, allowNull: false },
        address_line_2: { type: DataTypes.STRING, allowNull: true },
        city: { type: DataTypes.STRING, allowNull: false },
        postal_code: { type: DataTypes.STRING(20), allowNull: false },
        region_id: reference('regions', true),
        country_id: reference('countries'),
        phone: { type: DataTypes.STRING(30), allowNull: true },
        is_default: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
        latitude: { type: DataTypes.DOUBLE, allowNull: true },
        longitude: { type: DataTypes.DOUBLE, allowNull: true },
        ...stamps,
      });
      await queryInterface.addIndex('addresses', ['user_id', 'type'], { name: 'addresses_user_type' });
      // One row per user whose addresses changed: a write locks it first, so one user's changes run one after the other.
      await queryInterface.createTable('address_owners', { user_id: { type: DataTypes.INTEGER.UNSIGNED, primaryKey: true } });
      // At most one live default per user and type, whatever the concurrency: the database refuses a second.
      await queryInterface.sequelize.query(
        `ALTER TABLE addresses ADD COLUMN default_slot VARCHAR(32)
           GENERATED ALWAYS AS (IF(is_default = 1 AND deleted_at IS NULL, CONCAT(user_id, ':', type), NULL)) STORED,
         ADD UNIQUE INDEX addresses_one_default (default_slot)`,
      );
    },
    async down(queryInterface) {
      for (const table of ['address_owners', 'addresses', 'regions', 'countries']) await queryInterface.dropTable(table);
    },
  },
];
