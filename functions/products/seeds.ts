import type { Transaction } from 'sequelize';
import type { Seed } from '../kit';
import { db } from './database';

/** Reference data only (VAT rates of France, a few types, brands, categories, catalogs); no demo products. */
const VAT = [['Normal', '20.00'], ['Intermédiaire', '10.00'], ['Réduit', '5.50'], ['Super-réduit', '2.10']] as const;
const TYPES: Array<[string, (typeof VAT)[number][0]]> = [
  ['Produit standard', 'Normal'], ['Restauration', 'Intermédiaire'], ['Alimentation', 'Réduit'], ['Livre', 'Réduit'], ['Presse', 'Super-réduit'],
];
const BRANDS = ['Générique', 'Marque maison'];
/** Top-level categories with their sub-categories. */
const CATEGORIES: Record<string, string[]> = {
  'Électronique': ['Téléphones', 'Ordinateurs'],
  Maison: ['Cuisine', 'Jardin'],
  Mode: [],
  Alimentation: [],
};
const CATALOGS: Record<string, string[]> = { 'Catalogue principal': ['Nouveautés', 'Soldes'] };

async function seedTree(model: typeof db.models.Category | typeof db.models.Catalog, tree: Record<string, string[]>, transaction: Transaction) {
  for (const [name, children] of Object.entries(tree)) {
    const parent = await model.create({ name, parent_id: null }, { transaction });
    for (const child of children) await model.create({ name: child, parent_id: parent.id }, { transaction });
  }
}

async function seedReferenceData() {
  const { Vat, Type, Brand, Category, Catalog } = db.models;
  await db.sequelize.transaction(async (transaction) => {
    const rates = new Map<string, number>();
    for (const [name, rate] of VAT) rates.set(name, (await Vat.create({ name, rate }, { transaction })).id);
    await Type.bulkCreate(TYPES.map(([name, vat]) => ({ name, vat_id: rates.get(vat)! })), { transaction });
    await Brand.bulkCreate(BRANDS.map((name) => ({ name, website: null })), { transaction });
    await seedTree(Category, CATEGORIES, transaction);
    await seedTree(Catalog, CATALOGS, transaction);
  });
}

export const seeds: Seed[] = [{ name: '001-reference-data', run: seedReferenceData }];
