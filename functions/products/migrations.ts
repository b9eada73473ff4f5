import { files, type Migration } from '../kit';

const id = 'id INT UNSIGNED AUTO_INCREMENT PRIMARY KEY';
const timestamps = 'created_at DATETIME NOT NULL, updated_at DATETIME NOT NULL';
const softDeleted = `${timestamps}, deleted_at DATETIME NULL`;
const named = (table: string, more = '') => `CREATE TABLE ${table} (${id}, name VARCHAR(255) NOT NULL, ${more}${softDeleted})`;
const link = (table: string, column: string, target: string) => `CREATE TABLE ${table} (
  product_id INT UNSIGNED NOT NULL, ${column} INT UNSIGNED NOT NULL,
  PRIMARY KEY (product_id, ${column}), KEY ${table}_reverse (${column}, product_id),
  CONSTRAINT ${table}_product FOREIGN KEY (product_id) REFERENCES products (id) ON DELETE CASCADE,
  CONSTRAINT ${table}_target FOREIGN KEY (${column}) REFERENCES ${target} (id) ON DELETE CASCADE)`;

/** Tables in creation order; dropped in reverse. */
const TABLES: Array<[string, string]> = [
  ['vat', named('vat', 'rate DECIMAL(5,2) NOT NULL, CONSTRAINT vat_rate_range CHECK (rate >= 0 AND rate <= 100), ')],
  ['brands', named('brands', 'website VARCHAR(255) NULL, ')],
  ['types', named('types', 'vat_id INT UNSIGNED NOT NULL, CONSTRAINT types_vat FOREIGN KEY (vat_id) REFERENCES vat (id), ')],
  ['categories', named('categories', 'parent_id INT UNSIGNED NULL, CONSTRAINT categories_parent FOREIGN KEY (parent_id) REFERENCES categories (id), ')],
  ['catalogs', named('catalogs', 'parent_id INT UNSIGNED NULL, CONSTRAINT catalogs_parent FOREIGN KEY (parent_id) REFERENCES catalogs (id), ')],
  ['products', `CREATE TABLE products (${id},
    name VARCHAR(255) NOT NULL,
    ref VARCHAR(100) NOT NULL,
    description TEXT NULL,
    price_ht DECIMAL(10,2) NOT NULL,
    stock INT NOT NULL DEFAULT 0,
    reserved INT NOT NULL DEFAULT 0,
    brand_id INT UNSIGNED NULL,
    is_active TINYINT(1) NOT NULL DEFAULT 1,
    ${softDeleted},
    -- A ref is unique among live products: a deleted product's ref may be used again.
    live_ref VARCHAR(100) AS (CASE WHEN deleted_at IS NULL THEN ref END) STORED,
    UNIQUE KEY products_live_ref (live_ref),
    KEY products_brand (brand_id),
    -- The public list filters on is_active and deleted_at and sorts by id (the primary key ends
    -- every index) or by one of these.
    KEY products_live (is_active, deleted_at),
    KEY products_by_name (is_active, deleted_at, name),
    KEY products_by_price (is_active, deleted_at, price_ht),
    KEY products_by_created (is_active, deleted_at, created_at),
    CONSTRAINT products_brand FOREIGN KEY (brand_id) REFERENCES brands (id),
    CONSTRAINT products_price CHECK (price_ht >= 0),
    CONSTRAINT products_stock CHECK (stock >= 0 AND reserved >= 0 AND reserved <= stock))`],
  ['product_types', link('product_types', 'type_id', 'types')],
  ['product_categories', link('product_categories', 'category_id', 'categories')],
  ['product_catalogs', link('product_catalogs', 'catalog_id', 'catalogs')],
  ['product_images', `CREATE TABLE product_images (${id},
    product_id INT UNSIGNED NOT NULL,
    \`key\` VARCHAR(500) NOT NULL,
    filename VARCHAR(255) NOT NULL,
    type ENUM('main', 'gallery') NOT NULL,
    alt_text VARCHAR(255) NULL,
    position INT UNSIGNED NOT NULL,
    size INT UNSIGNED NOT NULL,
    mime_type VARCHAR(100) NOT NULL,
    ${timestamps},
    UNIQUE KEY product_images_key (\`key\`),
    KEY product_images_order (product_id, type, position),
    CONSTRAINT product_images_product FOREIGN KEY (product_id) REFERENCES products (id) ON DELETE CASCADE)`],
  ['attribute_groups', named('attribute_groups')],
  ['attributes', `CREATE TABLE attributes (${id},
    product_id INT UNSIGNED NOT NULL,
    attribute_group_id INT UNSIGNED NOT NULL,
    value VARCHAR(255) NOT NULL,
    stock INT NOT NULL DEFAULT 0,
    ${timestamps},
    CONSTRAINT attributes_stock CHECK (stock >= 0),
    CONSTRAINT attributes_product FOREIGN KEY (product_id) REFERENCES products (id) ON DELETE CASCADE,
    CONSTRAINT attributes_group FOREIGN KEY (attribute_group_id) REFERENCES attribute_groups (id))`],
  ['characteristic_groups', named('characteristic_groups')],
  ['characteristics', named('characteristics', 'characteristic_group_id INT UNSIGNED NULL, CONSTRAINT characteristics_group FOREIGN KEY (characteristic_group_id) REFERENCES characteristic_groups (id), ')],
  ['related_characteristics', `CREATE TABLE related_characteristics (${id},
    product_id INT UNSIGNED NOT NULL,
    characteristic_id INT UNSIGNED NOT NULL,
    value VARCHAR(1000) NOT NULL,
    ${timestamps},
    UNIQUE KEY related_characteristics_pair (product_id, characteristic_id),
    CONSTRAINT related_characteristics_product FOREIGN KEY (product_id) REFERENCES products (id) ON DELETE CASCADE,
    CONSTRAINT related_characteristics_key FOREIGN KEY (characteristic_id) REFERENCES characteristics (id))`],
  // Bumped by every write that changes what a product's page shows besides its stock (details.ts).
  ['catalogue_version', 'CREATE TABLE catalogue_version (id TINYINT UNSIGNED NOT NULL PRIMARY KEY, version BIGINT UNSIGNED NOT NULL)'],
  // What this service did about each order, so the order's events apply once and in any order
  // (a cancellation that arrives before the creation leaves 'released' and nothing is reserved).
  ['stock_orders', `CREATE TABLE stock_orders (
    order_id INT UNSIGNED NOT NULL PRIMARY KEY,
    status ENUM('new', 'reserved', 'rejected', 'released', 'committed') NOT NULL,
    ${timestamps})`],
  ['stock_reservations', `CREATE TABLE stock_reservations (${id},
    order_id INT UNSIGNED NOT NULL,
    product_id INT UNSIGNED NOT NULL,
    quantity INT UNSIGNED NOT NULL,
    status ENUM('reserved', 'released', 'committed') NOT NULL,
    ${timestamps},
    UNIQUE KEY stock_reservations_line (order_id, product_id),
    KEY stock_reservations_product (product_id, status),
    CONSTRAINT stock_reservations_product FOREIGN KEY (product_id) REFERENCES products (id))`],
];

export const migrations: Migration[] = [
  files.pendingUploadsMigration,
  {
    name: '001-catalogue-and-stock',
    async up(_queryInterface, sequelize) {
      for (const [, ddl] of TABLES) await sequelize.query(ddl);
      await sequelize.query('INSERT INTO catalogue_version (id, version) VALUES (1, 0)');
    },
    async down(_queryInterface, sequelize) {
      for (const [table] of [...TABLES].reverse()) await sequelize.query(`DROP TABLE IF EXISTS ${table}`);
    },
  },
];
