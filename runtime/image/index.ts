// dlm/runtime image output: 8-bit images, PNG files (atomic), grids, colormaps.

export type { FromFloatOptions, Image, ImageChannels } from "./png.js";
export { ImageError, createImage, encodeImagePng, imageFromFloats, scaleImage, writePng } from "./png.js";
export type { GridOptions } from "./grid.js";
export { tileGrid } from "./grid.js";
export type { ColormapName, HeatmapOptions } from "./colormap.js";
export { colormapColor, heatmap, overlay } from "./colormap.js";
