import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type NonAttribute, type Sequelize } from 'sequelize';
import { serviceDatabase } from '../kit';

export const DELIVERY_METHODS = ['standard', 'express', 'pickup'] as const;
export type DeliveryMethod = (typeof DELIVERY_METHODS)[number];

export class Status extends Model<InferAttributes<Status>, InferCreationAttributes<Status>> {
  declare id: CreationOptional<number>;
  declare name: string;
  declare color: string | null;
  declare description: string | null;
  declare created_at: CreationOptional<Date>;
  declare updated_at: CreationOptional<Date>;
}

/** Opening hours per weekday, e.g. `{ monday: "09:00-19:00", sunday: "closed" }`. */
export type OpeningHours = Partial<Record<string, string>>;

export class SalePoint extends Model<InferAttributes<SalePoint>, InferCreationAttributes<SalePoint>> {
  declare id: CreationOptional<number>;
  declare name: string;
  declare code: string;
  declare address: string;
  declare city: string;
  declare postal_code: string;
  declare phone: CreationOptional<string | null>;
  declare email: CreationOptional<string | null>;
  declare opening_hours: OpeningHours | null;
  declare is_active: CreationOptional<boolean>;
  declare latitude: number;
  declare longitude: number;
  declare created_at: CreationOptional<Date>;
  declare updated_at: CreationOptional<Date>;
  declare deleted_at: CreationOptional<Date | null>;
}

export class Delivery extends Model<InferAttributes<Delivery>, InferCreationAttributes<Delivery>> {
  declare id: CreationOptional<number>;
  declare tracking_number: string;
  declare order_id: number;
  declare order_number: CreationOptional<string | null>;
  declare user_id: number;
  declare sale_point_id: CreationOptional<number | null>;
  declare status_id: number;
  declare delivery_method: CreationOptional<DeliveryMethod>;
  declare shipping_cost: CreationOptional<string>;
  /** The shipping address as it was when the order was confirmed. */
  declare address_id: CreationOptional<number | null>;
  declare first_name: string;
  declare last_name: string;
  declare company: CreationOptional<string | null>;
  declare address_line_1: string;
  declare address_line_2: CreationOptional<string | null>;
  declare city: string;
  declare postal_code: string;
  declare region: CreationOptional<string | null>;
  declare country_code: string;
  declare country: CreationOptional<string | null>;
  declare phone: string | null;
  declare email: string | null;
  declare carrier: CreationOptional<string | null>;
  declare carrier_tracking_number: CreationOptional<string | null>;
  declare estimated_delivery_date: string | null;
  declare shipped_at: Date | null;
  declare actual_delivery_date: Date | null;
  declare notes: CreationOptional<string | null>;
  /** How many status changes it has had: the `sequence` of its status-changed events. */
  declare status_sequence: CreationOptional<number>;
  declare created_at: CreationOptional<Date>;
  declare updated_at: CreationOptional<Date>;
  declare deleted_at: CreationOptional<Date | null>;
  declare status_info?: NonAttribute<Status>;
  declare sale_point?: NonAttribute<SalePoint | null>;
  declare history?: NonAttribute<DeliveryEvent[]>;
}

/** One step of a delivery's history. */
export class DeliveryEvent extends Model<InferAttributes<DeliveryEvent>, InferCreationAttributes<DeliveryEvent>> {
  declare id: CreationOptional<number>;
  declare delivery_id: number;
  declare status_id: number;
  declare location: string | null;
  declare note: string | null;
  declare changed_by: number | null;
  declare created_at: CreationOptional<Date>;
  declare status_info?: NonAttribute<Status>;
}

/** Orders cancelled before their delivery existed: a late order.confirmed must not create one. */
export class CancelledOrder extends Model<InferAttributes<CancelledOrder>, InferCreationAttributes<CancelledOrder>> {
  declare order_id: number;
  declare reason: string | null;
  declare created_at: CreationOptional<Date>;
}

function defineModels(sequelize: Sequelize) {
  const id = { type: DataTypes.INTEGER.UNSIGNED, autoIncrement: true, primaryKey: true };
  const stamps = { created_at: DataTypes.DATE, updated_at: DataTypes.DATE };
  const text = (length = 255) => ({ type: DataTypes.STRING(length), allowNull: true });
  const required = (length = 255) => ({ type: DataTypes.STRING(length), allowNull: false });
  const paranoid = { sequelize, paranoid: true, deletedAt: 'deleted_at' } as const;

  Status.init({ id, name: required(50), color: text(7), description: text(), ...stamps }, { sequelize, tableName: 'status' });
  SalePoint.init(
    {
      id, name: required(), code: required(50), address: required(), city: required(), postal_code: required(20), phone: text(30), email: text(),
      opening_hours: {
        type: DataTypes.TEXT,
        get() {
          const raw = this.getDataValue('opening_hours') as unknown;
          return typeof raw === 'string' ? JSON.parse(raw) : raw ?? null;
        },
        set(value: OpeningHours | null) {
          this.setDataValue('opening_hours', (value === null || value === undefined ? null : JSON.stringify(value)) as never);
        },
      },
      is_active: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: true },
      latitude: { type: DataTypes.DOUBLE, allowNull: false },
      longitude: { type: DataTypes.DOUBLE, allowNull: false },
      ...stamps, deleted_at: DataTypes.DATE,
    },
    { ...paranoid, tableName: 'sale_points' },
  );
  Delivery.init(
    {
      id,
      tracking_number: required(32),
      order_id: { type: DataTypes.INTEGER.UNSIGNED, allowNull: false },
      order_number: text(64),
      user_id: { type: DataTypes.INTEGER.UNSIGNED, allowNull: false },
      sale_point_id: { type: DataTypes.INTEGER.UNSIGNED, allowNull: true },
      status_id: { type: DataTypes.INTEGER.UNSIGNED, allowNull: false },
      delivery_method: { type: DataTypes.ENUM(...DELIVERY_METHODS), allowNull: false, defaultValue: 'standard' },
      shipping_cost: { type: DataTypes.DECIMAL(10, 2), allowNull: false, defaultValue: '0.00' },
      address_id: { type: DataTypes.INTEGER.UNSIGNED, allowNull: true },
      first_name: required(), last_name: required(), company: text(), address_line_1: required(), address_line_2: text(),
      city: required(), postal_code: required(20), region: text(), country_code: required(2), country: text(), phone: text(30), email: text(),
      carrier: text(100), carrier_tracking_number: text(100),
      estimated_delivery_date: { type: DataTypes.DATEONLY, allowNull: true },
      shipped_at: { type: DataTypes.DATE, allowNull: true },
      actual_delivery_date: { type: DataTypes.DATE, allowNull: true },
      notes: { type: DataTypes.TEXT, allowNull: true },
      status_sequence: { type: DataTypes.INTEGER.UNSIGNED, allowNull: false, defaultValue: 0 },
      ...stamps, deleted_at: DataTypes.DATE,
    },
    { ...paranoid, tableName: 'deliveries' },
  );
  DeliveryEvent.init(
    {
      id,
      delivery_id: { type: DataTypes.INTEGER.UNSIGNED, allowNull: false },
      status_id: { type: DataTypes.INTEGER.UNSIGNED, allowNull: false },
      location: text(), note: { type: DataTypes.TEXT, allowNull: true },
      changed_by: { type: DataTypes.INTEGER.UNSIGNED, allowNull: true },
      created_at: DataTypes.DATE,
    },
    { sequelize, tableName: 'delivery_events', updatedAt: false },
  );
  CancelledOrder.init(
    { order_id: { type: DataTypes.INTEGER.UNSIGNED, primaryKey: true }, reason: text(), created_at: DataTypes.DATE },
    { sequelize, tableName: 'cancelled_orders', updatedAt: false },
  );

  Delivery.belongsTo(Status, { as: 'status_info', foreignKey: 'status_id' });
  Delivery.belongsTo(SalePoint, { as: 'sale_point', foreignKey: 'sale_point_id' });
  Delivery.hasMany(DeliveryEvent, { as: 'history', foreignKey: 'delivery_id' });
  DeliveryEvent.belongsTo(Status, { as: 'status_info', foreignKey: 'status_id' });
  return { Status, SalePoint, Delivery, DeliveryEvent, CancelledOrder };
}

export const db = serviceDatabase('deliveries', defineModels);
// Routes use the model classes directly (crudRoutes): define them now; no connection opens before a query.
void db.models;
