/** Great-circle distances (haversine) on a sphere of the Earth's mean radius. */
const EARTH_RADIUS_KM = 6371.0088;
const radians = (degrees: number) => (degrees * Math.PI) / 180;

export interface Position {
  lat: number;
  lng: number;
}

export function distanceKm(a: Position, b: Position): number {
  const dLat = radians(b.lat - a.lat);
  const dLng = radians(b.lng - a.lng);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(radians(a.lat)) * Math.cos(radians(b.lat)) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

/**
 * The latitude/longitude box holding every point within `radiusKm`, for an indexed first cut;
 * no longitude bounds near a pole or across the antimeridian.
 */
export function boundingBox(center: Position, radiusKm: number) {
  const dLat = (radiusKm / EARTH_RADIUS_KM) * (180 / Math.PI);
  const cosLat = Math.cos(radians(center.lat));
  const dLng = cosLat > 1e-6 ? dLat / cosLat : 360;
  const lng = center.lng - dLng >= -180 && center.lng + dLng <= 180 ? { min: center.lng - dLng, max: center.lng + dLng } : null;
  return { lat: { min: center.lat - dLat, max: center.lat + dLat }, lng };
}
