import { DataTypes } from 'sequelize';
import type { Migration } from '../kit';

export const migrations: Migration[] = [
  {
    name: '001-websites',
    async up(queryInterface, sequelize) {
      await queryInterface.createTable('websites', {
        id: { type: DataTypes.INTEGER.UNSIGNED, autoIncrement: true, primaryKey: true },
        name: { type: DataTypes.STRING, allowNull: false },
        domain: { type: DataTypes.STRING(253), allowNull: false },
        is_active: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: true },
        is_default: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
        settings: { type: DataTypes.TEXT, allowNull: false },
        created_at: { type: DataTypes.DATE(3), allowNull: false },
        updated_at: { type: DataTypes.DATE(3), allowNull: false },
        deleted_at: { type: DataTypes.DATE(3), allowNull: true },
      });
      // Whatever the concurrency, the database refuses two live sites with one domain, or two live defaults;
      // a deleted site's domain can be used again.
      await sequelize.query(
        `ALTER TABLE websites
           ADD COLUMN live_domain VARCHAR(253) GENERATED ALWAYS AS (IF(deleted_at IS NULL, domain, NULL)) STORED,
           ADD UNIQUE INDEX websites_live_domain (live_domain),
           ADD COLUMN default_slot TINYINT GENERATED ALWAYS AS (IF(is_default = 1 AND deleted_at IS NULL, 1, NULL)) STORED,
           ADD UNIQUE INDEX websites_one_default (default_slot)`,
      );
      await queryInterface.addIndex('websites', ['name'], { name: 'websites_name' });
      // Every write locks this one row first: writes of sites run one after the other, so the
      // default moves and the domain checks see each other (site writes are rare).
      await queryInterface.createTable('website_write_lock', { id: { type: DataTypes.TINYINT, primaryKey: true } });
      await sequelize.query('INSERT INTO website_write_lock (id) VALUES (1)');
    },
    async down(queryInterface) {
      for (const table of ['website_write_lock', 'websites']) await queryInterface.dropTable(table);
    },
  },
];
