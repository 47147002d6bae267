// Reading what an image says about itself without decoding its pixels: sharp reads only the header
// for metadata, so a tiny file declaring 50,000 × 50,000 pixels costs nothing here.
import sharp from 'sharp';

export interface ImageHeader {
  /** As displayed, i.e. after the EXIF orientation is applied. */
  width: number;
  height: number;
  pixels: number;
}

export async function imageHeader(bytes: Buffer): Promise<ImageHeader | null> {
  try {
    const m = await sharp(bytes, { limitInputPixels: false, failOn: 'none' }).metadata();
    if (!m.width || !m.height) return null;
    const turned = (m.orientation ?? 1) >= 5;
    const pages = m.pages ?? 1;
    return { width: turned ? m.height : m.width, height: turned ? m.width : m.height, pixels: m.width * m.height * pages };
  } catch {
    return null;
  }
}
