import type { Transaction } from 'sequelize';
import { invalid, notFound } from '../kit';
import type { AddressJson } from '../contracts/commerce';
import { Address, Country, db, Region } from './database';
import { checkPostalCode } from './postal-codes';

/** Region and country come along even when they were deleted since: an address keeps its place. */
export const addressInclude = () => [
  { model: Region, as: 'region', paranoid: false },
  { model: Country, as: 'country', paranoid: false },
];

export type AddressResponse = AddressJson & { latitude: number | null; longitude: number | null; created_at: Date; updated_at: Date };

export function addressJson(address: Address): AddressResponse {
  const { region, country } = address;
  return {
    id: address.id,
    user_id: address.user_id,
    type: address.type,
    first_name: address.first_name,
    last_name: address.last_name,
    company: address.company,
    address_line_1: address.address_line_1,
    address_line_2: address.address_line_2,
    city: address.city,
    postal_code: address.postal_code,
    region_id: address.region_id,
    region: region ? { id: region.id, name: region.name, code: region.code } : null,
    country_id: address.country_id,
    country: { id: country!.id, name: country!.name, code: country!.code },
    phone: address.phone,
    is_default: Boolean(address.is_default),
    latitude: address.latitude,
    longitude: address.longitude,
    created_at: address.created_at,
    updated_at: address.updated_at,
  };
}

/** The caller's address; someone else's is as unknown as a missing one (404). */
export async function ownAddressOr404(userId: number, id: number, transaction?: Transaction): Promise<Address> {
  const address = await Address.findOne({ where: { id, user_id: userId }, include: addressInclude(), transaction });
  if (!address) throw notFound('Address not found.');
  return address;
}

const isDeadlock = (error: unknown) => (error as { original?: { code?: string } })?.original?.code === 'ER_LOCK_DEADLOCK';

/**
 * A transaction that changes a user's addresses. It first locks the user's row in
 * `address_owners`, so one user's changes run one after the other (defaults stay consistent and
 * never deadlock each other); a deadlock over index gaps shared with another user is retried.
 */
export async function userTransaction<T>(userId: number, work: (transaction: Transaction) => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.sequelize.transaction(async (transaction) => {
        await db.sequelize.query('INSERT INTO address_owners (user_id) VALUES (?) ON DUPLICATE KEY UPDATE user_id = user_id', { replacements: [userId], transaction });
        return work(transaction);
      });
    } catch (error) {
      if (attempt >= attempts || !isDeadlock(error)) throw error;
    }
  }
}

interface Place {
  country_id: number;
  region_id: number | null;
  postal_code: string;
}

/**
 * Checks where an address is: the country exists (and is active when it is being chosen), the
 * region belongs to it, the postal code has the country's format. Answers the postal code as stored.
 */
export async function checkPlace(place: Place, countryChosen: boolean, transaction: Transaction): Promise<string> {
  const errors: Record<string, string[]> = {};
  const country = await Country.findByPk(place.country_id, { transaction });
  if (!country || (countryChosen && !country.is_active)) errors.country_id = ['The selected country is invalid or not available.'];
  if (place.region_id !== null) {
    const region = await Region.findByPk(place.region_id, { transaction });
    if (!region) errors.region_id = ['The selected region is invalid.'];
    else if (country && region.country_id !== country.id) errors.region_id = [`The selected region is not in ${country.name}.`];
  }
  let postalCode = place.postal_code;
  if (country) {
    const check = checkPostalCode(country.code, place.postal_code);
    if (check.ok) postalCode = check.code;
    else errors.postal_code = [`The postal code is not valid for ${country.name} (e.g. ${check.example}).`];
  }
  if (Object.keys(errors).length) throw invalid(errors);
  return postalCode;
}

// ---- one default per user and type (the unique `default_slot` column guarantees it; these keep it so)

/** Makes an address its type's default and unsets the previous one (written first, so the unique slot never sees two). */
export async function makeDefault(address: Address, transaction: Transaction): Promise<void> {
  await db.sequelize.query(
    `UPDATE addresses SET is_default = (id = ?), updated_at = ?
     WHERE user_id = ? AND type = ? AND deleted_at IS NULL AND (is_default = 1 OR id = ?) ORDER BY is_default DESC`,
    { replacements: [address.id, new Date(), address.user_id, address.type, address.id], transaction },
  );
}

/** Makes an address the default of its type when that type has none (IGNORE: the unique slot says no otherwise). */
export async function makeDefaultIfNone(addressId: number, transaction: Transaction): Promise<void> {
  await db.sequelize.query('UPDATE IGNORE addresses SET is_default = 1, updated_at = ? WHERE id = ? AND deleted_at IS NULL', { replacements: [new Date(), addressId], transaction });
}

/** After a default left its type (deleted or retyped), the oldest remaining address of that type takes over. */
export async function promoteOldest(userId: number, type: Address['type'], transaction: Transaction): Promise<void> {
  const oldest = await Address.findOne({ where: { user_id: userId, type }, order: [['id', 'ASC']], attributes: ['id'], transaction });
  if (oldest) await makeDefaultIfNone(oldest.id, transaction);
}
