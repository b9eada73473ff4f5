import { env, envInt, formatCents, toBasisPoints } from '../kit';

/** The VAT rate of a product that has no type (parts.ts): "20.00" unless PRODUCTS_DEFAULT_VAT_RATE says otherwise. */
export const defaultVatRate = (): string => formatCents(toBasisPoints(env('PRODUCTS_DEFAULT_VAT_RATE', '20.00')));

/**
 * Where product images are read from: `PRODUCT_IMAGES_PUBLIC_URL` (the products bucket made
 * public, or a CDN in front of it) gives plain URLs; without it images get presigned GETs.
 */
export const publicImagesUrl = (): string | undefined => env('PRODUCT_IMAGES_PUBLIC_URL')?.replace(/\/$/, '');


/** How long a product list's total, and a public page, are reused (lists.ts). */
export const listCacheMs = (): number => envInt('PRODUCTS_LIST_CACHE_MS', 1000);

/** How many product pages are kept in memory (catalogue.ts, version.ts). */
export const detailCacheSize = (): number => envInt('PRODUCTS_DETAIL_CACHE_SIZE', 10_000);
