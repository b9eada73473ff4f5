import type { Seed } from '../kit';
import { db, type OpeningHours } from './database';
import { STATUS_DESCRIPTIONS } from './lifecycle';

const shopHours: OpeningHours = {
  monday: '09:00-19:30', tuesday: '09:00-19:30', wednesday: '09:00-19:30', thursday: '09:00-19:30',
  friday: '09:00-19:30', saturday: '09:30-18:00', sunday: 'closed',
};

/** Relay shops in the main French cities; the positions are the real places'. */
const SALE_POINTS = [
  { code: 'PAR-BASTILLE', name: 'Relais Bastille', address: '12 rue de la Roquette', city: 'Paris', postal_code: '75011', phone: '+33 1 43 55 12 40', latitude: 48.8537, longitude: 2.3725 },
  { code: 'PAR-MONTPARNASSE', name: 'Relais Montparnasse', address: '5 rue du Départ', city: 'Paris', postal_code: '75014', phone: '+33 1 45 38 71 02', latitude: 48.8418, longitude: 2.3221 },
  { code: 'PAR-BATIGNOLLES', name: 'Relais Batignolles', address: '48 rue des Batignolles', city: 'Paris', postal_code: '75017', phone: '+33 1 42 93 18 66', latitude: 48.8856, longitude: 2.3191 },
  { code: 'LYS-PARTDIEU', name: 'Relais Part-Dieu', address: '17 rue du Docteur Bouchut', city: 'Lyon', postal_code: '69003', phone: '+33 4 78 62 30 15', latitude: 45.7606, longitude: 4.8590 },
  { code: 'MRS-VIEUXPORT', name: 'Relais Vieux-Port', address: '8 quai du Port', city: 'Marseille', postal_code: '13002', phone: '+33 4 91 90 24 78', latitude: 43.2963, longitude: 5.3690 },
  { code: 'BOD-SAINTJEAN', name: 'Relais Saint-Jean', address: '3 rue Charles Domercq', city: 'Bordeaux', postal_code: '33800', phone: '+33 5 56 91 44 20', latitude: 44.8259, longitude: -0.5560 },
  { code: 'LIL-FLANDRES', name: 'Relais Lille Flandres', address: '1 place des Buisses', city: 'Lille', postal_code: '59800', phone: '+33 3 20 06 51 37', latitude: 50.6365, longitude: 3.0712 },
  { code: 'TLS-CAPITOLE', name: 'Relais Capitole', address: '2 rue Lafayette', city: 'Toulouse', postal_code: '31000', phone: '+33 5 61 21 09 84', latitude: 43.6047, longitude: 1.4442 },
  { code: 'NTE-COMMERCE', name: 'Relais Commerce', address: '4 place du Commerce', city: 'Nantes', postal_code: '44000', phone: '+33 2 40 48 17 59', latitude: 47.2131, longitude: -1.5582 },
];

async function seedStatuses() {
  await db.models.Status.bulkCreate(
    Object.entries(STATUS_DESCRIPTIONS).map(([name, [color, description]]) => ({ name, color, description })),
    { ignoreDuplicates: true },
  );
}

async function seedSalePoints() {
  await db.models.SalePoint.bulkCreate(
    SALE_POINTS.map((point) => ({ ...point, email: `${point.code.toLowerCase()}@relais-colis.example.fr`, opening_hours: shopHours, is_active: true })),
    { ignoreDuplicates: true },
  );
}

export const seeds: Seed[] = [
  { name: '001-status', run: seedStatuses },
  { name: '002-sale-points', run: seedSalePoints },
];
