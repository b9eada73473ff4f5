import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type NonAttribute, type Sequelize } from 'sequelize';
import { serviceDatabase } from '../kit';

export const ADDRESS_TYPES = ['billing', 'shipping', 'both'] as const;
export type AddressType = (typeof ADDRESS_TYPES)[number];

export class Country extends Model<InferAttributes<Country>, InferCreationAttributes<Country>> {
  declare id: CreationOptional<number>;
  declare name: string;
  declare code: string;
  declare iso3: string | null;
  declare phone_code: string | null;
  declare is_active: CreationOptional<boolean>;
  declare created_at: CreationOptional<Date>;
  declare updated_at: CreationOptional<Date>;
  declare deleted_at: CreationOptional<Date | null>;
}

export class Region extends Model<InferAttributes<Region>, InferCreationAttributes<Region>> {
  declare id: CreationOptional<number>;
  declare country_id: number;
  declare name: string;
  declare code: string;
  declare created_at: CreationOptional<Date>;
  declare updated_at: CreationOptional<Date>;
  declare deleted_at: CreationOptional<Date | null>;
}

export class Address extends Model<InferAttributes<Address>, InferCreationAttributes<Address>> {
  declare id: CreationOptional<number>;
  declare user_id: number;
  declare type: AddressType;
  declare first_name: string;
  declare last_name: string;
  declare company: string | null;
  declare address_line_1: string;
  declare address_line_2: string | null;
  declare city: string;
  declare postal_code: string;
  declare region_id: number | null;
  declare country_id: number;
  declare phone: string | null;
  declare is_default: CreationOptional<boolean>;
  declare latitude: number | null;
  declare longitude: number | null;
  declare created_at: CreationOptional<Date>;
  declare updated_at: CreationOptional<Date>;
  declare deleted_at: CreationOptional<Date | null>;
  declare region?: NonAttribute<Region | null>;
  declare country?: NonAttribute<Country>;
}

function defineModels(sequelize: Sequelize) {
  const id = { type: DataTypes.INTEGER.UNSIGNED, autoIncrement: true, primaryKey: true };
  const stamps = { created_at: DataTypes.DATE, updated_at: DataTypes.DATE, deleted_at: DataTypes.DATE };
  const paranoid = { sequelize, paranoid: true, deletedAt: 'deleted_at' } as const;
  Country.init(
    {
      id, name: { type: DataTypes.STRING, allowNull: false }, code: { type: DataTypes.STRING(2), allowNull: false },
      iso3: DataTypes.STRING(3), phone_code: DataTypes.STRING(8), is_active: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: true }, ...stamps,
    },
    { ...paranoid, tableName: 'countries' },
  );
  Region.init(
    { id, country_id: { type: DataTypes.INTEGER.UNSIGNED, allowNull: false }, name: { type: DataTypes.STRING, allowNull: false }, code: { type: DataTypes.STRING(10), allowNull: false }, ...stamps },
    { ...paranoid, tableName: 'regions' },
  );
  Address.init(
    {
      id,
      user_id: { type: DataTypes.INTEGER.UNSIGNED, allowNull: false },
      type: { type: DataTypes.ENUM(...ADDRESS_TYPES), allowNull: false },
      first_name: { type: DataTypes.STRING, allowNull: false },
      last_name: { type: DataTypes.STRING, allowNull: false },
      company: DataTypes.STRING,
      address_line_1: { type: DataTypes.STRING, allowNull: false },
      address_line_2: DataTypes.STRING,
      city: { type: DataTypes.STRING, allowNull: false },
      postal_code: { type: DataTypes.STRING(20), allowNull: false },
      region_id: DataTypes.INTEGER.UNSIGNED,
      country_id: { type: DataTypes.INTEGER.UNSIGNED, allowNull: false },
      phone: DataTypes.STRING(30),
      is_default: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
      latitude: DataTypes.DOUBLE,
      longitude: DataTypes.DOUBLE,
      ...stamps,
    },
    { ...paranoid, tableName: 'addresses' },
  );
  Region.belongsTo(Country, { as: 'country', foreignKey: 'country_id' });
  Country.hasMany(Region, { as: 'regions', foreignKey: 'country_id' });
  Address.belongsTo(Region, { as: 'region', foreignKey: 'region_id' });
  Address.belongsTo(Country, { as: 'country', foreignKey: 'country_id' });
  return { Country, Region, Address };
}

export const db = serviceDatabase('addresses', defineModels);
// Routes use the model classes directly (crudRoutes): define them now; no connection opens before a query.
void db.models;
