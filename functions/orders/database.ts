import { DataTypes, Model, type CreationOptional, type ForeignKey, type InferAttributes, type InferCreationAttributes, type NonAttribute, type Sequelize } from 'sequelize';
import type { AddressSnapshot } from '../contracts/commerce';
import { serviceDatabase } from '../kit';

export const PAYMENT_METHODS = ['credit_card', 'paypal', 'bank_transfer', 'cash_on_delivery'] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];

export class OrderStatus extends Model<InferAttributes<OrderStatus>, InferCreationAttributes<OrderStatus>> {
  declare id: CreationOptional<number>;
  declare name: string;
  declare description: string | null;
  declare color: string | null;
  declare created_at: CreationOptional<Date>;
  declare updated_at: CreationOptional<Date>;
}

export class Order extends Model<InferAttributes<Order>, InferCreationAttributes<Order>> {
  declare id: CreationOptional<number>;
  declare order_number: string;
  declare user_id: number;
  declare customer_email: string;
  declare basket_id: number;
  declare status_id: ForeignKey<number>;
  declare billing_address_id: number;
  declare shipping_address_id: number;
  declare billing_address: AddressSnapshot;
  declare shipping_address: AddressSnapshot;
  declare payment_method: PaymentMethod;
  declare notes: string | null;
  /** Money columns are DECIMAL(10,2), read and written as "19.90" strings. */
  declare total_amount_ht: string;
  declare total_discount: string;
  declare vat_amount: string;
  declare shipping_amount: string;
  declare total_amount_ttc: string;
  declare idempotency_key: string | null;
  /** Hash of the request that used the key: the same key with another request is refused. */
  declare idempotency_hash: string | null;
  declare cancel_reason: CreationOptional<string | null>;
  /** The delivery whose events the order follows, and the sequence of the last one applied. */
  declare delivery_id: CreationOptional<number | null>;
  declare delivery_sequence: CreationOptional<number>;
  declare confirmed_at: CreationOptional<Date | null>;
  declare shipped_at: CreationOptional<Date | null>;
  declare delivered_at: CreationOptional<Date | null>;
  declare cancelled_at: CreationOptional<Date | null>;
  declare created_at: CreationOptional<Date>;
  declare updated_at: CreationOptional<Date>;
  declare deleted_at: CreationOptional<Date | null>;
  declare status?: NonAttribute<OrderStatus>;
  declare items?: NonAttribute<OrderItem[]>;
  declare history?: NonAttribute<OrderStatusHistory[]>;
}

export class OrderItem extends Model<InferAttributes<OrderItem>, InferCreationAttributes<OrderItem>> {
  declare id: CreationOptional<number>;
  declare order_id: number;
  declare product_id: number;
  declare product_name: string;
  declare product_ref: string;
  declare quantity: number;
  declare unit_price_ht: string;
  declare unit_price_ttc: string;
  declare vat_rate: string;
  declare total_ht: string;
  declare discount: string;
  declare vat_amount: string;
  declare total_ttc: string;
  declare created_at: CreationOptional<Date>;
  declare updated_at: CreationOptional<Date>;
}

export class OrderStatusHistory extends Model<InferAttributes<OrderStatusHistory>, InferCreationAttributes<OrderStatusHistory>> {
  declare id: CreationOptional<number>;
  declare order_id: number;
  declare from_status: string | null;
  declare to_status: string;
  /** The user who made the change; null when an event did. */
  declare changed_by: number | null;
  declare reason: string | null;
  declare created_at: CreationOptional<Date>;
}

/** Sequelize annotates attribute definitions in place: every attribute gets its own object. */
const money = () => ({ type: DataTypes.DECIMAL(10, 2), allowNull: false });

/** A snapshot kept as JSON text (MariaDB's JSON is text anyway; this reads the same on MySQL). */
const jsonText = (name: string) => ({
  type: DataTypes.TEXT,
  allowNull: false,
  get(this: Model) {
    const raw = this.getDataValue(name) as string | null;
    return raw === null ? null : JSON.parse(raw);
  },
  set(this: Model, value: unknown) {
    this.setDataValue(name, JSON.stringify(value));
  },
});

function defineModels(sequelize: Sequelize) {
  const id = { type: DataTypes.INTEGER.UNSIGNED, autoIncrement: true, primaryKey: true };
  const reference = () => ({ type: DataTypes.INTEGER.UNSIGNED, allowNull: false });
  const timestamps = { created_at: DataTypes.DATE, updated_at: DataTypes.DATE };

  OrderStatus.init(
    { id, name: { type: DataTypes.STRING(50), allowNull: false, unique: true }, description: DataTypes.STRING, color: DataTypes.STRING(20), ...timestamps },
    { sequelize, tableName: 'order_status' },
  );
  Order.init(
    {
      id,
      order_number: { type: DataTypes.STRING(40), allowNull: false, unique: true },
      user_id: reference(),
      customer_email: { type: DataTypes.STRING, allowNull: false },
      basket_id: reference(),
      billing_address_id: reference(),
      shipping_address_id: reference(),
      billing_address: jsonText('billing_address'),
      shipping_address: jsonText('shipping_address'),
      payment_method: { type: DataTypes.STRING(32), allowNull: false },
      notes: DataTypes.TEXT,
      total_amount_ht: money(),
      total_discount: money(),
      vat_amount: money(),
      shipping_amount: money(),
      total_amount_ttc: money(),
      idempotency_key: DataTypes.STRING(255),
      idempotency_hash: DataTypes.STRING(64),
      cancel_reason: DataTypes.STRING,
      delivery_id: DataTypes.INTEGER.UNSIGNED,
      delivery_sequence: { type: DataTypes.INTEGER.UNSIGNED, allowNull: false, defaultValue: 0 },
      confirmed_at: DataTypes.DATE,
      shipped_at: DataTypes.DATE,
      delivered_at: DataTypes.DATE,
      cancelled_at: DataTypes.DATE,
      ...timestamps,
      deleted_at: DataTypes.DATE,
    },
    { sequelize, tableName: 'orders', paranoid: true, deletedAt: 'deleted_at' },
  );
  OrderItem.init(
    {
      id,
      order_id: reference(),
      product_id: reference(),
      product_name: { type: DataTypes.STRING, allowNull: false },
      product_ref: { type: DataTypes.STRING, allowNull: false },
      quantity: { type: DataTypes.INTEGER.UNSIGNED, allowNull: false },
      unit_price_ht: money(),
      unit_price_ttc: money(),
      vat_rate: { type: DataTypes.DECIMAL(5, 2), allowNull: false },
      total_ht: money(),
      discount: money(),
      vat_amount: money(),
      total_ttc: money(),
      ...timestamps,
    },
    { sequelize, tableName: 'order_items' },
  );
  OrderStatusHistory.init(
    {
      id,
      order_id: reference(),
      from_status: DataTypes.STRING(50),
      to_status: { type: DataTypes.STRING(50), allowNull: false },
      changed_by: DataTypes.INTEGER.UNSIGNED,
      reason: DataTypes.STRING,
      created_at: DataTypes.DATE,
    },
    { sequelize, tableName: 'order_status_history', updatedAt: false },
  );

  Order.belongsTo(OrderStatus, { as: 'status', foreignKey: 'status_id' });
  Order.hasMany(OrderItem, { as: 'items', foreignKey: 'order_id' });
  Order.hasMany(OrderStatusHistory, { as: 'history', foreignKey: 'order_id' });
  return { Order, OrderItem, OrderStatus, OrderStatusHistory };
}

export const db = serviceDatabase('orders', defineModels);
