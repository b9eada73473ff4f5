import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type NonAttribute, type Sequelize } from 'sequelize';
import { serviceDatabase } from '../kit';
import type { PromoKind } from './promo-rules';

/** The read model of a product, kept current by the products service's events. */
export class ProductCopy extends Model<InferAttributes<ProductCopy>, InferCreationAttributes<ProductCopy>> {
  declare id: number;
  declare name: string;
  declare ref: string;
  declare price_ht: string;
  declare vat_rate: string;
  declare available: number;
  declare is_active: boolean;
  declare deleted_at: Date | null;
  /** Time of the event the catalogue fields come from (events may arrive out of order). */
  declare snapshot_at: Date | null;
  /** Time of the event `available` comes from. */
  declare stock_at: Date | null;
  declare created_at: CreationOptional<Date>;
  declare updated_at: CreationOptional<Date>;
}

export class PromoType extends Model<InferAttributes<PromoType>, InferCreationAttributes<PromoType>> {
  declare id: CreationOptional<number>;
  declare name: string;
  declare kind: PromoKind;
  declare symbol: string | null;
  declare description: string | null;
  declare created_at: CreationOptional<Date>;
  declare updated_at: CreationOptional<Date>;
}

export class PromoCode extends Model<InferAttributes<PromoCode>, InferCreationAttributes<PromoCode>> {
  declare id: CreationOptional<number>;
  declare name: string;
  declare code: string;
  declare type_id: number;
  declare discount: string;
  declare min_amount: string | null;
  declare starts_at: Date | null;
  declare expires_at: Date | null;
  declare max_uses: number | null;
  declare uses: CreationOptional<number>;
  declare is_active: CreationOptional<boolean>;
  declare created_at: CreationOptional<Date>;
  declare updated_at: CreationOptional<Date>;
  declare type?: NonAttribute<PromoType>;
}

export class Basket extends Model<InferAttributes<Basket>, InferCreationAttributes<Basket>> {
  declare id: CreationOptional<number>;
  declare user_id: number;
  declare status: CreationOptional<'active' | 'checked_out'>;
  declare order_id: CreationOptional<number | null>;
  declare checked_out_at: CreationOptional<Date | null>;
  /** The lines, codes and totals as they were at checkout (JSON): what was ordered. */
  declare checkout_snapshot: CreationOptional<string | null>;
  declare created_at: CreationOptional<Date>;
  declare updated_at: CreationOptional<Date>;
  declare items?: NonAttribute<BasketItem[]>;
  declare promo_codes?: NonAttribute<PromoCode[]>;
}

export class BasketItem extends Model<InferAttributes<BasketItem>, InferCreationAttributes<BasketItem>> {
  declare id: CreationOptional<number>;
  declare basket_id: number;
  declare product_id: number;
  declare product_name: string;
  declare product_ref: string;
  declare quantity: number;
  declare unit_price_ht: string;
  declare vat_rate: string;
  declare created_at: CreationOptional<Date>;
  declare updated_at: CreationOptional<Date>;
  declare product?: NonAttribute<ProductCopy | null>;
}

export class BasketPromoCode extends Model<InferAttributes<BasketPromoCode>, InferCreationAttributes<BasketPromoCode>> {
  declare basket_id: number;
  declare promo_code_id: number;
  declare created_at: CreationOptional<Date>;
  declare claimed_at: CreationOptional<Date | null>;
}

/** A user who has placed an order (learnt from `order.created`), and the basket of their first one. */
export class OrderingCustomer extends Model<InferAttributes<OrderingCustomer>, InferCreationAttributes<OrderingCustomer>> {
  declare user_id: number;
  declare first_order_id: number;
  declare first_basket_id: number;
  declare first_ordered_at: Date;
}

function defineModels(sequelize: Sequelize) {
  const id = { type: DataTypes.INTEGER.UNSIGNED, autoIncrement: true, primaryKey: true };
  const timestamps = { created_at: DataTypes.DATE, updated_at: DataTypes.DATE };
  const money = (allowNull = false) => ({ type: DataTypes.DECIMAL(10, 2), allowNull });
  const rate = { type: DataTypes.DECIMAL(5, 2), allowNull: false };

  ProductCopy.init(
    {
      id: { type: DataTypes.INTEGER.UNSIGNED, primaryKey: true },
      name: DataTypes.STRING, ref: DataTypes.STRING, price_ht: money(), vat_rate: rate,
      available: DataTypes.INTEGER, is_active: DataTypes.BOOLEAN,
      deleted_at: DataTypes.DATE(3), snapshot_at: DataTypes.DATE(3), stock_at: DataTypes.DATE(3), ...timestamps,
    },
    { sequelize, tableName: 'product_copies' },
  );
  PromoType.init(
    { id, name: DataTypes.STRING, kind: DataTypes.STRING, symbol: DataTypes.STRING, description: DataTypes.STRING, ...timestamps },
    { sequelize, tableName: 'types' },
  );
  PromoCode.init(
    {
      id, name: DataTypes.STRING, code: DataTypes.STRING, type_id: DataTypes.INTEGER.UNSIGNED,
      discount: money(), min_amount: money(true), starts_at: DataTypes.DATE, expires_at: DataTypes.DATE,
      max_uses: DataTypes.INTEGER.UNSIGNED, uses: { type: DataTypes.INTEGER.UNSIGNED, defaultValue: 0 },
      is_active: { type: DataTypes.BOOLEAN, defaultValue: true }, ...timestamps,
    },
    { sequelize, tableName: 'promo_codes' },
  );
  Basket.init(
    {
      id, user_id: DataTypes.INTEGER.UNSIGNED, status: { type: DataTypes.STRING, defaultValue: 'active' },
      order_id: DataTypes.INTEGER.UNSIGNED, checked_out_at: DataTypes.DATE, checkout_snapshot: DataTypes.TEXT('long'), ...timestamps,
    },
    { sequelize, tableName: 'baskets' },
  );
  BasketItem.init(
    {
      id, basket_id: DataTypes.INTEGER.UNSIGNED, product_id: DataTypes.INTEGER.UNSIGNED, product_name: DataTypes.STRING,
      product_ref: DataTypes.STRING, quantity: DataTypes.INTEGER.UNSIGNED, unit_price_ht: money(), vat_rate: rate, ...timestamps,
    },
    { sequelize, tableName: 'basket_items' },
  );
  BasketPromoCode.init(
    { basket_id: { type: DataTypes.INTEGER.UNSIGNED, primaryKey: true }, promo_code_id: { type: DataTypes.INTEGER.UNSIGNED, primaryKey: true }, created_at: DataTypes.DATE, claimed_at: DataTypes.DATE(3) },
    { sequelize, tableName: 'basket_promo_codes', updatedAt: false },
  );
  OrderingCustomer.init(
    {
      user_id: { type: DataTypes.INTEGER.UNSIGNED, primaryKey: true }, first_order_id: DataTypes.INTEGER.UNSIGNED,
      first_basket_id: DataTypes.INTEGER.UNSIGNED, first_ordered_at: DataTypes.DATE(3),
    },
    { sequelize, tableName: 'ordering_customers', timestamps: false },
  );

  PromoCode.belongsTo(PromoType, { as: 'type', foreignKey: 'type_id' });
  Basket.hasMany(BasketItem, { as: 'items', foreignKey: 'basket_id' });
  BasketItem.belongsTo(ProductCopy, { as: 'product', foreignKey: 'product_id', constraints: false });
  Basket.belongsToMany(PromoCode, { through: BasketPromoCode, as: 'promo_codes', foreignKey: 'basket_id', otherKey: 'promo_code_id' });
  return { ProductCopy, PromoType, PromoCode, Basket, BasketItem, BasketPromoCode, OrderingCustomer };
}

export const db = serviceDatabase('baskets', defineModels);
