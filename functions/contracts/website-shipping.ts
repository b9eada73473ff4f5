/**
 * The copy of the websites' shipping settings that consumers of `website.updated` keep (baskets,
 * deliveries): one row per site, written from its events. Events are applied once (the inbox);
 * one older than what the row holds (`updated_at`, strictly increasing per site) changes nothing.
 */
import { DataTypes, QueryTypes, type Sequelize, type Transaction } from 'sequelize';
import type { Migration } from '../kit/db';
import type { Subscription } from '../kit/events/declarations';
import { toCents, type Cents } from '../kit/money';
import { contractData } from './index';
import { ENGAGEMENT_EVENTS, type WebsiteSettings, type WebsiteUpdated } from './engagement';

export type DeliveryMethod = keyof WebsiteSettings['shipping_costs'];

export interface DefaultShipping {
  /** VAT included, per delivery method. */
  costs: Record<DeliveryMethod, Cents>;
  /** Goods (VAT included) from this amount ship free; null: never. */
  freeShippingFrom: Cents | null;
}

const money = (allowNull = false) => ({ type: DataTypes.DECIMAL(10, 2), allowNull });

export const websiteShippingMigration = (name: string): Migration => ({
  name,
  async up(queryInterface) {
    await queryInterface.createTable('website_shipping', {
      website_id: { type: DataTypes.INTEGER.UNSIGNED, primaryKey: true },
      is_default: { type: DataTypes.BOOLEAN, allowNull: false },
      is_active: { type: DataTypes.BOOLEAN, allowNull: false },
      deleted: { type: DataTypes.BOOLEAN, allowNull: false },
      standard_cost: money(),
      express_cost: money(),
      pickup_cost: money(),
      free_shipping_threshold: money(true),
      updated_at: { type: DataTypes.DATE(3), allowNull: false },
    });
  },
  async down(queryInterface) {
    await queryInterface.dropTable('website_shipping');
  },
});

const websiteUpdated = contractData<WebsiteUpdated>(ENGAGEMENT_EVENTS.websiteUpdated);
const COLUMNS = ['is_default', 'is_active', 'deleted', 'standard_cost', 'express_cost', 'pickup_cost', 'free_shipping_threshold', 'updated_at'];

async function applyWebsite(site: WebsiteUpdated, transaction: Transaction) {
  const sequelize = (transaction as unknown as { sequelize: Sequelize }).sequelize;
  const { standard, express, pickup } = site.settings.shipping_costs;
  // As a DATETIME(3) literal: a Date replacement would lose its milliseconds, and with them the order of quick changes.
  const updatedAt = new Date(site.updated_at).toISOString().replace('T', ' ').replace('Z', '');
  const values = [site.is_default, site.is_active, site.deleted, standard, express, pickup, site.settings.free_shipping_threshold, updatedAt];
  await sequelize.query(`INSERT IGNORE INTO website_shipping (website_id, ${COLUMNS.join(', ')}) VALUES (?, ${COLUMNS.map(() => '?').join(', ')})`, {
    replacements: [site.id, ...values], transaction,
  });
  // A row just inserted has this very updated_at: nothing more to do. An older row takes the newer values.
  await sequelize.query(`UPDATE website_shipping SET ${COLUMNS.map((column) => `${column} = ?`).join(', ')} WHERE website_id = ? AND updated_at < ?`, {
    replacements: [...values, site.id, updatedAt], transaction,
  });
}

export const websiteShippingSubscription = (description: string): Subscription => ({
  type: ENGAGEMENT_EVENTS.websiteUpdated,
  description,
  handler: (event, transaction) => applyWebsite(websiteUpdated(event), transaction),
});

interface Row { standard_cost: string; express_cost: string; pickup_cost: string; free_shipping_threshold: string | null }

/** The shipping settings of the default site (the latest known one, were two briefly default), or null when none is known. */
export async function defaultShipping(sequelize: Sequelize, transaction?: Transaction): Promise<DefaultShipping | null> {
  const [row] = await sequelize.query<Row>(
    `SELECT standard_cost, express_cost, pickup_cost, free_shipping_threshold FROM website_shipping
     WHERE is_default = 1 AND is_active = 1 AND deleted = 0 ORDER BY updated_at DESC LIMIT 1`,
    { type: QueryTypes.SELECT, transaction },
  );
  if (!row) return null;
  return {
    costs: { standard: toCents(row.standard_cost), express: toCents(row.express_cost), pickup: toCents(row.pickup_cost) },
    freeShippingFrom: row.free_shipping_threshold === null ? null : toCents(row.free_shipping_threshold),
  };
}
