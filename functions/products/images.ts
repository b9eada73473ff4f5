import { files, log } from '../kit';
import { publicImagesUrl } from './config';
import { db } from './database';

/** Image uploads: URLs handed out wait in the kit's table until confirmed, else the tick removes them. */
export const uploads = files.uploadsFor(db, 'products');

/**
 * Presigned GETs live 15 minutes; one is reused for 10 so that every product of a list does not
 * cost a signature per request and a client (or a cache) sees a stable URL meanwhile.
 */
const REUSE_MS = 10 * 60_000;
const MAX_CACHED = 20_000;
const presigned = new Map<string, { url: string; until: number }>();

export async function imageUrl({ key, mime_type }: { key: string; mime_type: string }): Promise<string> {
  const base = publicImagesUrl();
  if (base) return `${base}/${key.split('/').map(encodeURIComponent).join('/')}`;
  const now = Date.now();
  const cached = presigned.get(key);
  if (cached && cached.until > now) return cached.url;
  // Served as the checked type whatever the object says: never as HTML from the store's origin.
  const url = await files.downloadUrl('products', key, undefined, mime_type);
  if (presigned.size >= MAX_CACHED) presigned.clear();
  presigned.set(key, { url, until: now + REUSE_MS });
  return url;
}


export interface ImageRow {
  id: number;
  product_id: number;
  key: string;
  filename: string;
  type: 'main' | 'gallery';
  alt_text: string | null;
  position: number;
  size: number;
  mime_type: string;
  created_at?: Date | string;
  updated_at?: Date | string;
}

export async function imageJson(image: ImageRow) {
  const { id, product_id, key, filename, type, alt_text, position, size, mime_type, created_at, updated_at } = image;
  return { id, product_id, key, filename, type, alt_text, position, size, mime_type, url: await imageUrl(image), created_at, updated_at };
}

/** Removes stored objects after the rows are gone; a failure leaves an orphan object, never a broken product. */
export async function removeImageObjects(keys: string[]) {
  for (const key of keys) presigned.delete(key);
  await files.removeFiles('products', keys).catch((error) => log.error({ err: error, keys }, 'could not remove product images from storage'));
}
