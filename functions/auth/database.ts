import {
  DataTypes, Model, type BelongsToManyAddAssociationMixin, type BelongsToManyRemoveAssociationMixin, type BelongsToManySetAssociationsMixin,
  type CreationOptional, type NonAttribute, type InferAttributes, type InferCreationAttributes, type Sequelize } from 'sequelize';
import { serviceDatabase } from '../kit';

export class User extends Model<InferAttributes<User>, InferCreationAttributes<User>> {
  declare id: CreationOptional<number>;
  declare firstname: string;
  declare lastname: string;
  declare email: string;
  declare password: string;
  declare email_verified_at: Date | null;
  declare created_at: CreationOptional<Date>;
  declare updated_at: CreationOptional<Date>;
  declare deleted_at: CreationOptional<Date | null>;
  declare roles?: NonAttribute<Role[]>;
  declare permissions?: NonAttribute<Permission[]>;
  declare addRole: BelongsToManyAddAssociationMixin<Role, number>;
  declare removeRole: BelongsToManyRemoveAssociationMixin<Role, number>;
  declare addPermission: BelongsToManyAddAssociationMixin<Permission, number>;
  declare removePermission: BelongsToManyRemoveAssociationMixin<Permission, number>;
}

export class Role extends Model<InferAttributes<Role>, InferCreationAttributes<Role>> {
  declare id: CreationOptional<number>;
  declare name: string;
  declare description: string | null;
  declare created_at: CreationOptional<Date>;
  declare updated_at: CreationOptional<Date>;
  declare permissions?: NonAttribute<Permission[]>;
  declare setPermissions: BelongsToManySetAssociationsMixin<Permission, number>;
}

export class Permission extends Model<InferAttributes<Permission>, InferCreationAttributes<Permission>> {
  declare id: CreationOptional<number>;
  declare name: string;
  declare description: string | null;
  declare created_at: CreationOptional<Date>;
  declare updated_at: CreationOptional<Date>;
}

function defineModels(sequelize: Sequelize) {
  const id = { type: DataTypes.INTEGER.UNSIGNED, autoIncrement: true, primaryKey: true };
  const timestamps = { created_at: DataTypes.DATE, updated_at: DataTypes.DATE };
  User.init(
    {
      id,
      firstname: { type: DataTypes.STRING, allowNull: false },
      lastname: { type: DataTypes.STRING, allowNull: false },
      email: { type: DataTypes.STRING, allowNull: false, unique: true },
      password: { type: DataTypes.STRING, allowNull: false },
      email_verified_at: { type: DataTypes.DATE, allowNull: true },
      ...timestamps,
      deleted_at: DataTypes.DATE,
    },
    { sequelize, tableName: 'users', paranoid: true, deletedAt: 'deleted_at', defaultScope: { attributes: { exclude: ['password'] } }, scopes: { withPassword: {} } },
  );
  const named = { id, name: { type: DataTypes.STRING, allowNull: false, unique: true }, description: { type: DataTypes.STRING, allowNull: true }, ...timestamps };
  Role.init(named, { sequelize, tableName: 'roles' });
  Permission.init(named, { sequelize, tableName: 'permissions' });

  const link = (table: string) => ({ through: table, timestamps: false });
  User.belongsToMany(Role, { ...link('user_roles'), as: 'roles', foreignKey: 'user_id', otherKey: 'role_id' });
  Role.belongsToMany(User, { ...link('user_roles'), as: 'users', foreignKey: 'role_id', otherKey: 'user_id' });
  User.belongsToMany(Permission, { ...link('user_permissions'), as: 'permissions', foreignKey: 'user_id', otherKey: 'permission_id' });
  Role.belongsToMany(Permission, { ...link('role_permissions'), as: 'permissions', foreignKey: 'role_id', otherKey: 'permission_id' });
  return { User, Role, Permission };
}

export const db = serviceDatabase('auth', defineModels);
