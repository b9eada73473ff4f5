import { conflict, files, idParams, notFound, reply, route, type Route } from '../../kit';
import { CampaignAsset, db } from '../database';
import { campaignOr404 } from '../campaigns';
import { WRITE } from '../access';

const access = WRITE;
/** Campaign image uploads: URLs handed out wait in the kit's table until confirmed, else the tick removes them. */
const uploads = files.uploadsFor(db, 'newsletters');

async function assetJson(a: CampaignAsset) {
  const { id, campaign_id, key, filename, size, mime_type, created_at } = a;
  return { id, campaign_id, key, filename, size, mime_type, url: await files.downloadUrl('newsletters', key, undefined, mime_type), created_at };
}

export const assetRoutes: Route[] = [
  route<{ id: number }, {}, { filename: string; content_type: string; size: number }>({
    method: 'POST', path: '/campaigns/:id/assets/upload-url', summary: 'A presigned PUT for a campaign image (JPEG, PNG, GIF; 5 MB)', access, params: idParams,
    body: files.uploadRequestSchema('newsletters'), response: files.uploadUrlResponse,
    handler: async ({ user, params, body }) => {
      await campaignOr404(params.id);
      return uploads.createUrl(user.id, 'campaign', params.id, body);
    },
  }),
  route<{ id: number }, {}, { key: string; filename?: string }>({
    method: 'POST', path: '/campaigns/:id/assets', summary: 'Record an uploaded image once its bytes are checked (refused and deleted: 422)', access, params: idParams,
    body: { ...files.uploadConfirmSchema, properties: { ...files.uploadConfirmSchema.properties, filename: { type: 'string', maxLength: 255 } } },
    handler: async ({ params, body }) => {
      await campaignOr404(params.id);
      if (await CampaignAsset.findOne({ where: { key: body.key } })) throw conflict('This upload is already recorded.');
      const stored = await uploads.confirm(body.key, `campaign/${params.id}/`);
      const asset = await CampaignAsset.create({ campaign_id: params.id, key: stored.key, size: stored.size, mime_type: stored.mime_type, filename: files.sanitizeFilename(body.filename ?? stored.key) });
      return reply.created(await assetJson(asset));
    },
  }),
  route<{ id: number }>({
    method: 'GET', path: '/campaigns/:id/assets', summary: "A campaign's images", access, params: idParams,
    handler: async ({ params }) => {
      await campaignOr404(params.id);
      const assets = await CampaignAsset.findAll({ where: { campaign_id: params.id }, order: [['id', 'ASC']] });
      return { data: await Promise.all(assets.map(assetJson)) };
    },
  }),
  route<{ id: number; assetId: number }>({
    method: 'DELETE', path: '/campaigns/:id/assets/:assetId', summary: 'Delete a campaign image and its stored file', access,
    params: { type: 'object', required: ['id', 'assetId'], properties: { id: { type: 'integer', minimum: 1 }, assetId: { type: 'integer', minimum: 1 } } },
    response: { status: 204 },
    handler: async ({ params }) => {
      const asset = await CampaignAsset.findOne({ where: { id: params.assetId, campaign_id: params.id } });
      if (!asset) throw notFound('The asset does not exist.');
      await asset.destroy();
      await files.removeFiles('newsletters', [asset.key]);
      return reply.noContent();
    },
  }),
];
