import {
  DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type ModelAttributes, type ModelStatic, type Sequelize,
} from 'sequelize';
import { serviceDatabase } from '../kit';

/**
 * The models the write side uses (reference data through the kit's CRUD routes, product writes).
 * The catalogue's hot reads are prepared statements (catalogue.ts, sql.ts); so are the reservations (reservations.ts).
 */
interface Timestamps {
  created_at: CreationOptional<Date>;
  updated_at: CreationOptional<Date>;
}
interface SoftDeleted extends Timestamps {
  deleted_at: CreationOptional<Date | null>;
}

export class Vat extends Model<InferAttributes<Vat>, InferCreationAttributes<Vat>> {
  declare id: CreationOptional<number>;
  declare name: string;
  declare rate: string;
}
export interface Vat extends SoftDeleted {}

export class Brand extends Model<InferAttributes<Brand>, InferCreationAttributes<Brand>> {
  declare id: CreationOptional<number>;
  declare name: string;
  declare website: string | null;
}
export interface Brand extends SoftDeleted {}

export class Type extends Model<InferAttributes<Type>, InferCreationAttributes<Type>> {
  declare id: CreationOptional<number>;
  declare name: string;
  declare vat_id: number;
}
export interface Type extends SoftDeleted {}

/** Categories and catalogs are both trees of named nodes. */
export class Category extends Model<InferAttributes<Category>, InferCreationAttributes<Category>> {
  declare id: CreationOptional<number>;
  declare name: string;
  declare parent_id: number | null;
}
export interface Category extends SoftDeleted {}

export class Catalog extends Model<InferAttributes<Catalog>, InferCreationAttributes<Catalog>> {
  declare id: CreationOptional<number>;
  declare name: string;
  declare parent_id: number | null;
}
export interface Catalog extends SoftDeleted {}

export class Product extends Model<InferAttributes<Product>, InferCreationAttributes<Product>> {
  declare id: CreationOptional<number>;
  declare name: string;
  declare ref: string;
  declare description: string | null;
  declare price_ht: string;
  declare stock: number;
  declare reserved: CreationOptional<number>;
  declare brand_id: number | null;
  declare is_active: CreationOptional<boolean>;
}
export interface Product extends SoftDeleted {}

export class ProductImage extends Model<InferAttributes<ProductImage>, InferCreationAttributes<ProductImage>> {
  declare id: CreationOptional<number>;
  declare product_id: number;
  declare key: string;
  declare filename: string;
  declare type: 'main' | 'gallery';
  declare alt_text: string | null;
  declare position: number;
  declare size: number;
  declare mime_type: string;
}
export interface ProductImage extends Timestamps {}

export class AttributeGroup extends Model<InferAttributes<AttributeGroup>, InferCreationAttributes<AttributeGroup>> {
  declare id: CreationOptional<number>;
  declare name: string;
}
export interface AttributeGroup extends SoftDeleted {}

/** A variant value of one product (size M, colour red...) with its own stock. */
export class Attribute extends Model<InferAttributes<Attribute>, InferCreationAttributes<Attribute>> {
  declare id: CreationOptional<number>;
  declare product_id: number;
  declare attribute_group_id: number;
  declare value: string;
  declare stock: number;
}
export interface Attribute extends Timestamps {}

export class CharacteristicGroup extends Model<InferAttributes<CharacteristicGroup>, InferCreationAttributes<CharacteristicGroup>> {
  declare id: CreationOptional<number>;
  declare name: string;
}
export interface CharacteristicGroup extends SoftDeleted {}

/** A descriptive key ("Weight", "Material"); its value per product is a related characteristic. */
export class Characteristic extends Model<InferAttributes<Characteristic>, InferCreationAttributes<Characteristic>> {
  declare id: CreationOptional<number>;
  declare name: string;
  declare characteristic_group_id: number | null;
}
export interface Characteristic extends SoftDeleted {}

export class RelatedCharacteristic extends Model<InferAttributes<RelatedCharacteristic>, InferCreationAttributes<RelatedCharacteristic>> {
  declare id: CreationOptional<number>;
  declare product_id: number;
  declare characteristic_id: number;
  declare value: string;
}
export interface RelatedCharacteristic extends Timestamps {}

// Sequelize writes into attribute definitions (their `field`): each model gets fresh objects.
const id = () => ({ type: DataTypes.INTEGER.UNSIGNED, autoIncrement: true, primaryKey: true });
const reference = (allowNull = false) => ({ type: DataTypes.INTEGER.UNSIGNED, allowNull });
const text = () => ({ type: DataTypes.STRING, allowNull: false });

function defineModels(sequelize: Sequelize) {
  const define = <M extends Model>(model: ModelStatic<M>, tableName: string, attributes: Record<string, unknown>, paranoid = true) =>
    (model as ModelStatic<Model>).init(
      { id: id(), ...attributes, created_at: DataTypes.DATE, updated_at: DataTypes.DATE, ...(paranoid ? { deleted_at: DataTypes.DATE } : {}) } as ModelAttributes,
      { sequelize, tableName, paranoid, ...(paranoid ? { deletedAt: 'deleted_at' } : {}) },
    );
  define(Vat, 'vat', { name: text(), rate: { type: DataTypes.DECIMAL(5, 2), allowNull: false } });
  define(Brand, 'brands', { name: text(), website: { type: DataTypes.STRING, allowNull: true } });
  define(Type, 'types', { name: text(), vat_id: reference() });
  define(Category, 'categories', { name: text(), parent_id: reference(true) });
  define(Catalog, 'catalogs', { name: text(), parent_id: reference(true) });
  define(Product, 'products', {
    name: text(),
    ref: { type: DataTypes.STRING(100), allowNull: false },
    description: { type: DataTypes.TEXT, allowNull: true },
    price_ht: { type: DataTypes.DECIMAL(10, 2), allowNull: false },
    stock: { type: DataTypes.INTEGER, allowNull: false },
    reserved: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    brand_id: reference(true),
    is_active: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: true },
  });
  define(ProductImage, 'product_images', {
    product_id: reference(),
    key: { type: DataTypes.STRING(500), allowNull: false },
    filename: { type: DataTypes.STRING, allowNull: false },
    type: { type: DataTypes.ENUM('main', 'gallery'), allowNull: false },
    alt_text: { type: DataTypes.STRING, allowNull: true },
    position: { type: DataTypes.INTEGER.UNSIGNED, allowNull: false },
    size: { type: DataTypes.INTEGER.UNSIGNED, allowNull: false },
    mime_type: { type: DataTypes.STRING(100), allowNull: false },
  }, false);
  define(AttributeGroup, 'attribute_groups', { name: text() });
  define(Attribute, 'attributes', { product_id: reference(), attribute_group_id: reference(), value: text(), stock: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 } }, false);
  define(CharacteristicGroup, 'characteristic_groups', { name: text() });
  define(Characteristic, 'characteristics', { name: text(), characteristic_group_id: reference(true) });
  define(RelatedCharacteristic, 'related_characteristics', { product_id: reference(), characteristic_id: reference(), value: { type: DataTypes.STRING(1000), allowNull: false } }, false);

  Type.belongsTo(Vat, { as: 'vat', foreignKey: 'vat_id' });
  return { Vat, Brand, Type, Category, Catalog, Product, ProductImage, AttributeGroup, Attribute, CharacteristicGroup, Characteristic, RelatedCharacteristic };
}

export const db = serviceDatabase('products', defineModels);
// The CRUD routes hold the model classes themselves, so define them now (this opens no connection).
void db.models;
