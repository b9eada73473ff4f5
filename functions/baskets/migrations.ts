import { DataTypes } from 'sequelize';
import type { Migration } from '../kit';
import { websiteShippingMigration } from '../contracts/website-shipping';
import { PROMO_KINDS } from './promo-rules';

const id = { type: DataTypes.INTEGER.UNSIGNED, autoIncrement: true, primaryKey: true };
const timestamps = { created_at: { type: DataTypes.DATE, allowNull: false }, updated_at: { type: DataTypes.DATE, allowNull: false } };
const money = (allowNull = false) => ({ type: DataTypes.DECIMAL(10, 2), allowNull });
const rate = { type: DataTypes.DECIMAL(5, 2), allowNull: false };
const unsigned = (allowNull = false) => ({ type: DataTypes.INTEGER.UNSIGNED, allowNull });
const reference = (table: string, onDelete: 'CASCADE' | 'RESTRICT') => ({ ...unsigned(), references: { model: table, key: 'id' }, onDelete });

export const migrations: Migration[] = [
  {
    name: '001-baskets-promo-codes-product-copies',
    async up(queryInterface, sequelize) {
      await queryInterface.createTable('product_copies', {
        id: { type: DataTypes.INTEGER.UNSIGNED, primaryKey: true },
        name: { type: DataTypes.STRING, allowNull: false },
        ref: { type: DataTypes.STRING, allowNull: false },
        price_ht: money(),
        vat_rate: rate,
        available: { type: DataTypes.INTEGER, allowNull: false },
        is_active: { type: DataTypes.BOOLEAN, allowNull: false },
        deleted_at: { type: DataTypes.DATE(3), allowNull: true },
        snapshot_at: { type: DataTypes.DATE(3), allowNull: true },
        stock_at: { type: DataTypes.DATE(3), allowNull: true },
        ...timestamps,
      });
      await queryInterface.createTable('types', {
        id,
        name: { type: DataTypes.STRING(125), allowNull: false, unique: true },
        kind: { type: DataTypes.ENUM(...PROMO_KINDS), allowNull: false },
        symbol: { type: DataTypes.STRING(16), allowNull: true },
        description: { type: DataTypes.STRING, allowNull: true },
        ...timestamps,
      });
      await queryInterface.createTable('promo_codes', {
        id,
        name: { type: DataTypes.STRING, allowNull: false },
        code: { type: DataTypes.STRING(50), allowNull: false, unique: true },
        type_id: reference('types', 'RESTRICT'),
        discount: money(),
        min_amount: money(true),
        starts_at: { type: DataTypes.DATE, allowNull: true },
        expires_at: { type: DataTypes.DATE, allowNull: true },
        max_uses: unsigned(true),
        uses: { ...unsigned(), defaultValue: 0 },
        is_active: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: true },
        ...timestamps,
      });
      await queryInterface.createTable('baskets', {
        id,
        user_id: unsigned(),
        status: { type: DataTypes.ENUM('active', 'checked_out'), allowNull: false, defaultValue: 'active' },
        order_id: unsigned(true),
        checked_out_at: { type: DataTypes.DATE, allowNull: true },
        checkout_snapshot: { type: DataTypes.TEXT('long'), allowNull: true },
        ...timestamps,
      });
      await queryInterface.addIndex('baskets', ['user_id', 'status']);
      // At most one active basket per user, whatever the concurrency: NULL (checked out) never collides.
      await sequelize.query("ALTER TABLE baskets ADD COLUMN active_user_id INT UNSIGNED AS (CASE WHEN status = 'active' THEN user_id END) STORED, ADD UNIQUE INDEX baskets_one_active (active_user_id)");
      await queryInterface.createTable('basket_items', {
        id,
        basket_id: reference('baskets', 'CASCADE'),
        product_id: unsigned(),
        product_name: { type: DataTypes.STRING, allowNull: false },
        product_ref: { type: DataTypes.STRING, allowNull: false },
        quantity: unsigned(),
        unit_price_ht: money(),
        vat_rate: rate,
        ...timestamps,
      });
      await queryInterface.addIndex('basket_items', ['basket_id', 'product_id'], { unique: true });
      await queryInterface.addIndex('basket_items', ['product_id']);
      await queryInterface.createTable('basket_promo_codes', {
        basket_id: { ...reference('baskets', 'CASCADE'), primaryKey: true },
        promo_code_id: { ...reference('promo_codes', 'CASCADE'), primaryKey: true },
        created_at: { type: DataTypes.DATE, allowNull: false },
      });
      await queryInterface.addIndex('basket_promo_codes', ['promo_code_id']);
      await queryInterface.createTable('ordering_customers', {
        user_id: { ...unsigned(), primaryKey: true },
        first_order_id: unsigned(),
        first_basket_id: unsigned(),
        first_ordered_at: { type: DataTypes.DATE(3), allowNull: false },
      });
    },
    async down(queryInterface) {
      for (const table of ['ordering_customers', 'basket_promo_codes', 'basket_items', 'baskets', 'promo_codes', 'types', 'product_copies']) await queryInterface.dropTable(table);
    },
  },
  websiteShippingMigration('002-website-shipping'),
  {
    name: '003-promo-code-claims',
    // When the basket's order claimed one use of the code (POST /baskets/checkout); null: not claimed.
    up: (queryInterface) => queryInterface.addColumn('basket_promo_codes', 'claimed_at', { type: DataTypes.DATE(3), allowNull: true }),
    down: (queryInterface) => queryInterface.removeColumn('basket_promo_codes', 'claimed_at'),
  },
];
