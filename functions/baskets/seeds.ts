import type { Seed } from '../kit';
import { db } from './database';

export const SEEDED_TYPES = [
  { name: 'Pourcentage', kind: 'percentage', symbol: '%', description: 'A percentage of the subtotal excluding VAT.' },
  { name: 'Montant fixe', kind: 'fixed_amount', symbol: '€', description: 'A fixed amount off the subtotal excluding VAT.' },
  { name: 'Livraison gratuite', kind: 'free_shipping', symbol: null, description: 'The shipping cost is waived.' },
  { name: 'Première commande', kind: 'first_order', symbol: '%', description: "A percentage of the subtotal on a customer's first order." },
] as const;

export const seeds: Seed[] = [
  {
    name: '001-promo-types',
    run: async () => {
      await db.models.PromoType.bulkCreate(SEEDED_TYPES.map((type) => ({ ...type })), { ignoreDuplicates: true });
    },
  },
];
