import type { Seed } from '../kit';
import { db } from './database';
import { COUNTRIES, REGIONS } from './seed-data';

async function seedCountriesAndRegions() {
  const { Country, Region } = db.models;
  await db.sequelize.transaction(async (transaction) => {
    await Country.bulkCreate(
      COUNTRIES.map(([code, iso3, name, phone_code]) => ({ code, iso3, name, phone_code, is_active: true })),
      { ignoreDuplicates: true, transaction },
    );
    const idOf = new Map((await Country.findAll({ attributes: ['id', 'code'], transaction })).map((c) => [c.code, c.id]));
    const regions = Object.entries(REGIONS).flatMap(([country, list]) => list.map(([code, name]) => ({ country_id: idOf.get(country)!, code, name })));
    await Region.bulkCreate(regions, { ignoreDuplicates: true, transaction });
  });
}

export const seeds: Seed[] = [{ name: '001-countries-and-regions', run: seedCountriesAndRegions }];
