import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Sequelize } from 'sequelize';
import { serviceDatabase } from '../kit';
import type { WebsiteSettings } from '../contracts/engagement';

export class Website extends Model<InferAttributes<Website>, InferCreationAttributes<Website>> {
  declare id: CreationOptional<number>;
  declare name: string;
  /** A lower-case host name, unique among live sites. */
  declare domain: string;
  declare is_active: CreationOptional<boolean>;
  declare is_default: CreationOptional<boolean>;
  declare settings: WebsiteSettings;
  declare created_at: CreationOptional<Date>;
  /** Strictly increasing per site (milliseconds): consumers of website.updated order its events by it. */
  declare updated_at: CreationOptional<Date>;
  declare deleted_at: CreationOptional<Date | null>;
}

function defineModels(sequelize: Sequelize) {
  Website.init(
    {
      id: { type: DataTypes.INTEGER.UNSIGNED, autoIncrement: true, primaryKey: true },
      name: { type: DataTypes.STRING, allowNull: false },
      domain: { type: DataTypes.STRING(253), allowNull: false },
      is_active: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: true },
      is_default: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
      settings: {
        type: DataTypes.TEXT,
        allowNull: false,
        get() {
          const raw = this.getDataValue('settings') as unknown;
          return typeof raw === 'string' ? JSON.parse(raw) : raw;
        },
        set(value: WebsiteSettings) {
          this.setDataValue('settings', JSON.stringify(value) as never);
        },
      },
      created_at: DataTypes.DATE(3),
      updated_at: DataTypes.DATE(3),
      deleted_at: DataTypes.DATE(3),
    },
    { sequelize, tableName: 'websites', paranoid: true, deletedAt: 'deleted_at' },
  );
  return { Website };
}

export const db = serviceDatabase('websites', defineModels);
// Routes use the model classes directly (crudRoutes): define them now; no connection opens before a query.
void db.models;
