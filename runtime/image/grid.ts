// Tiles N same-sized images into one picture with a border between and around them (GAN sample sheets,
// autoencoder input/reconstruction pairs). Gray and colour tiles may be mixed: the sheet is then RGB.

import type { Image, ImageChannels } from "./png.js";
import { ImageError, createImage, scaleImage } from "./png.js";

export interface GridOptions {
  /** Tiles per row; default ceil(sqrt(N)). */
  readonly columns?: number;
  /** Border width in pixels (after scaling), between tiles and around the sheet; default 2. */
  readonly border?: number;
  /** Border colour: a gray level or an RGB triple; default 128 (mid gray, visible on black and white digits). */
  readonly borderColor?: number | readonly [number, number, number];
  /** Integer nearest-neighbour enlargement of every tile; default 1. */
  readonly scale?: number;
}

function toChannels(image: Image, channels: ImageChannels): Image {
  if (image.channels === channels) return image;
  if (image.channels !== 1 || channels === 1) {
    throw new ImageError(`cannot combine ${image.channels}-channel and ${channels}-channel tiles`);
  }
  const n = image.width * image.height;
  const data = new Uint8Array(n * channels);
  for (let p = 0; p < n; p++) {
    const v = image.data[p] ?? 0;
    for (let c = 0; c < 3; c++) data[p * channels + c] = v;
    if (channels === 4) data[p * 4 + 3] = 255;
  }
  return { width: image.width, height: image.height, channels, data };
}

/** One image with the tiles in row-major order; empty cells of the last row are border-coloured. */
export function tileGrid(images: readonly Image[], options: GridOptions = {}): Image {
  const first = images[0];
  if (first === undefined) throw new ImageError("a grid needs at least one image");
  for (const im of images) {
    if (im.width !== first.width || im.height !== first.height) {
      throw new ImageError(`grid tiles must have one size: ${first.width}x${first.height} and ${im.width}x${im.height}`);
    }
  }
  const border = options.border ?? 2;
  const scale = options.scale ?? 1;
  const columns = options.columns ?? Math.ceil(Math.sqrt(images.length));
  if (!Number.isInteger(border) || border < 0) throw new ImageError(`border must be a non-negative integer, got ${border}`);
  if (!Number.isInteger(columns) || columns < 1) throw new ImageError(`columns must be a positive integer, got ${columns}`);
  const color = options.borderColor ?? 128;
  const maxChannels = Math.max(...images.map((im) => im.channels));
  const channels: ImageChannels = typeof color !== "number" && maxChannels === 1 ? 3 : (maxChannels as ImageChannels);
  const fill = typeof color === "number" ? (channels === 1 ? [color] : channels === 3 ? [color, color, color] : [color, color, color, 255])
    : channels === 4 ? [...color, 255] : [...color];

  const rows = Math.ceil(images.length / columns);
  const tw = first.width * scale;
  const th = first.height * scale;
  const sheet = createImage(columns * tw + (columns + 1) * border, rows * th + (rows + 1) * border, channels, fill);
  const rowBytes = tw * channels;
  images.forEach((im, i) => {
    const tile = toChannels(scaleImage(im, scale), channels);
    const x0 = border + (i % columns) * (tw + border);
    const y0 = border + Math.floor(i / columns) * (th + border);
    for (let y = 0; y < th; y++) {
      sheet.data.set(tile.data.subarray(y * rowBytes, (y + 1) * rowBytes), ((y0 + y) * sheet.width + x0) * channels);
    }
  });
  return sheet;
}
