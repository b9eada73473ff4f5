import type { Transaction } from 'sequelize';
import { conflict, files, notFound, reply, route } from '../../kit';
import { db, ProductImage } from '../database';
import { imageJson, removeImageObjects, uploads } from '../images';
import { run, select } from '../sql';
import { lockProduct } from '../rules';
import { bumpCatalogueVersion } from '../version';
import { idParams, idParamsOf } from './common';

const access = { permission: 'products.update' };
const imageParams = idParamsOf('id', 'imageId');
const imageFields = {
  type: { type: 'string', enum: ['main', 'gallery'] },
  alt_text: { type: ['string', 'null'], maxLength: 255 },
  position: { type: 'integer', minimum: 0, maximum: 1_000_000 },
};

/** Before storage is touched: the product must be there (the writes then lock it). */
async function ensureProduct(id: number) {
  const [product] = await select('SELECT id FROM products WHERE id = ? AND deleted_at IS NULL', [id]);
  if (!product) throw notFound('The product does not exist.');
}

async function imageOf(productId: number, imageId: number, transaction?: Transaction) {
  const image = await ProductImage.findOne({ where: { id: imageId, product_id: productId }, transaction });
  if (!image) throw notFound('The image does not exist.');
  return image;
}

/** One main image per product: a new main one makes the previous main a gallery image. */
async function demoteOtherMain(productId: number, exceptId: number, transaction: Transaction) {
  await run("UPDATE product_images SET type = 'gallery', updated_at = NOW() WHERE product_id = ? AND type = 'main' AND id <> ?", [productId, exceptId], transaction);
}

interface ConfirmBody {
  key: string;
  filename?: string;
  type?: 'main' | 'gallery';
  alt_text?: string | null;
  position?: number;
}

export const imageRoutes = [
  route<{ id: number }, {}, { filename: string; content_type: string; size: number }>({
    method: 'POST', path: '/admin/products/:id/images/upload-url', summary: 'A presigned PUT for a product image (JPEG, PNG, WebP, GIF; 5 MB)',
    access, params: idParams, body: files.uploadRequestSchema('products'), response: files.uploadUrlResponse,
    handler: async ({ user, params, body }) => {
      await ensureProduct(params.id);
      return uploads.createUrl(user.id, 'product', params.id, body);
    },
  }),
  route<{ id: number }, {}, ConfirmBody>({
    method: 'POST', path: '/admin/products/:id/images', summary: 'Record an uploaded image once its bytes are checked (refused and deleted: 422)',
    access, params: idParams,
    body: {
      ...files.uploadConfirmSchema,
      properties: { ...files.uploadConfirmSchema.properties, filename: { type: 'string', maxLength: 255, description: 'the original file name (sanitized)' }, ...imageFields },
    },
    handler: async ({ params, body }) => {
      await ensureProduct(params.id);
      const [known] = await select('SELECT id FROM product_images WHERE `key` = ?', [body.key]);
      if (known) throw conflict('This upload is already recorded.');
      const stored = await uploads.confirm(body.key, `product/${params.id}/`);
      const id = await db.sequelize.transaction(async (transaction) => {
        await lockProduct(params.id, transaction);
        const [{ count, last }] = await select<{ count: number; last: number | null }>(
          'SELECT COUNT(*) AS count, MAX(position) AS last FROM product_images WHERE product_id = ?', [params.id], transaction,
        );
        const image = await ProductImage.create({
          product_id: params.id, key: stored.key, size: stored.size, mime_type: stored.mime_type,
          filename: files.sanitizeFilename(body.filename ?? stored.key),
          type: body.type ?? (Number(count) === 0 ? 'main' : 'gallery'),
          alt_text: body.alt_text ?? null,
          position: body.position ?? (last === null ? 0 : Number(last) + 1),
        }, { transaction });
        if (image.type === 'main') await demoteOtherMain(params.id, image.id, transaction);
        await bumpCatalogueVersion(transaction);
        return image.id;
      });
      return reply.created(await imageJson((await imageOf(params.id, id)).get({ plain: true })));
    },
  }),
  route<{ id: number; imageId: number }, {}, Omit<ConfirmBody, 'key' | 'filename'>>({
    method: 'PUT', path: '/admin/products/:id/images/:imageId', summary: "Change an image's alt text, position or type",
    access, params: imageParams, body: { type: 'object', properties: imageFields },
    handler: async ({ params, body }) => {
      await db.sequelize.transaction(async (transaction) => {
        await lockProduct(params.id, transaction);
        const image = await imageOf(params.id, params.imageId, transaction);
        await image.update(body, { transaction });
        if (body.type === 'main') await demoteOtherMain(params.id, image.id, transaction);
        await bumpCatalogueVersion(transaction);
      });
      return imageJson((await imageOf(params.id, params.imageId)).get({ plain: true }));
    },
  }),
  route<{ id: number; imageId: number }>({
    method: 'DELETE', path: '/admin/products/:id/images/:imageId', summary: 'Delete an image and its stored file',
    access, params: imageParams, response: { status: 204 },
    handler: async ({ params }) => {
      const key = await db.sequelize.transaction(async (transaction) => {
        const image = await imageOf(params.id, params.imageId, transaction);
        await image.destroy({ transaction });
        await bumpCatalogueVersion(transaction);
        return image.key;
      });
      await removeImageObjects([key]);
      return reply.noContent();
    },
  }),
];
