import { DataTypes, type QueryInterface } from 'sequelize';
import type { Migration } from '../kit';

const id = { type: DataTypes.INTEGER.UNSIGNED, autoIncrement: true, primaryKey: true };
const timestamps = { created_at: { type: DataTypes.DATE, allowNull: false }, updated_at: { type: DataTypes.DATE, allowNull: false } };
const reference = (table: string) => ({
  type: DataTypes.INTEGER.UNSIGNED, allowNull: false, references: { model: table, key: 'id' }, onDelete: 'CASCADE',
});

async function linkTable(queryInterface: QueryInterface, table: string, left: [string, string], right: [string, string]) {
  await queryInterface.createTable(table, { [left[0]]: { ...reference(left[1]), primaryKey: true }, [right[0]]: { ...reference(right[1]), primaryKey: true } });
  await queryInterface.addIndex(table, [right[0]]);
}

export const migrations: Migration[] = [
  {
    name: '001-users-roles-permissions',
    async up(queryInterface) {
      await queryInterface.createTable('users', {
        id,
        firstname: { type: DataTypes.STRING, allowNull: false },
        lastname: { type: DataTypes.STRING, allowNull: false },
        email: { type: DataTypes.STRING, allowNull: false, unique: true },
        password: { type: DataTypes.STRING, allowNull: false },
        email_verified_at: { type: DataTypes.DATE, allowNull: true },
        ...timestamps,
        deleted_at: { type: DataTypes.DATE, allowNull: true },
      });
      for (const table of ['roles', 'permissions']) {
        await queryInterface.createTable(table, {
          id, name: { type: DataTypes.STRING(125), allowNull: false, unique: true }, description: { type: DataTypes.STRING, allowNull: true }, ...timestamps,
        });
      }
      await linkTable(queryInterface, 'user_roles', ['user_id', 'users'], ['role_id', 'roles']);
      await linkTable(queryInterface, 'user_permissions', ['user_id', 'users'], ['permission_id', 'permissions']);
      await linkTable(queryInterface, 'role_permissions', ['role_id', 'roles'], ['permission_id', 'permissions']);
    },
    async down(queryInterface) {
      for (const table of ['role_permissions', 'user_permissions', 'user_roles', 'permissions', 'roles', 'users']) await queryInterface.dropTable(table);
    },
  },
];
