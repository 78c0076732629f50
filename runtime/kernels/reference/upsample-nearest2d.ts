// Reference nearest upsampling: each output pixel reads x[floor(oy/f), floor(ox/f)].

export function refUpsampleNearest2d(x: Float32Array, y: Float32Array, n: number, c: number, h: number, w: number, f: number): void {
  const oh = h * f;
  const ow = w * f;
  for (let p = 0; p < n * c; p++)
    for (let oy = 0; oy < oh; oy++)
      for (let ox = 0; ox < ow; ox++) y[(p * oh + oy) * ow + ox] = x[(p * h + Math.floor(oy / f)) * w + Math.floor(ox / f)]!;
}

export function refUpsampleNearest2dBackward(dy: Float32Array, dx: Float32Array, n: number, c: number, h: number, w: number, f: number): void {
  const oh = h * f;
  const ow = w * f;
  const acc = new Float64Array(n * c * h * w);
  for (let p = 0; p < n * c; p++)
    for (let oy = 0; oy < oh; oy++)
      for (let ox = 0; ox < ow; ox++) acc[(p * h + Math.floor(oy / f)) * w + Math.floor(ox / f)]! += dy[(p * oh + oy) * ow + ox]!;
  dx.set(acc);
}
