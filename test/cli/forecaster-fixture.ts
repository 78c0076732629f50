// A tiny forecaster the CLI tests train: a GRU over windows of 8 days of a trending sine series, its last
// 20 windows the test part.

import { writeFileSync } from "node:fs";
import { join } from "node:path";

/** The series' values: 100 + 10·sin(i/3) + i. */
export function seriesValues(days: number): number[] {
  return Array.from({ length: days }, (_, i) => 100 + 10 * Math.sin(i / 3) + i);
}

/** Writes DIR/series.csv (`days` values) and DIR/fc.dlm (model Fc on it); returns the .dlm path. */
export function writeForecaster(dir: string, days: number): string {
  const seriesPath = join(dir, "series.csv");
  writeFileSync(seriesPath, "day,value\n" + seriesValues(days).map((v, i) => `${i},${v}`).join("\n") + "\n");
  const dlm = join(dir, "fc.dlm");
  writeFileSync(dlm, `model Fc {
  input  window: f32[B, 8, 1]
  output next: f32[B, 1]
  next = window |> GRU(8) |> last |> Dense(1)
}
data Series = csv_series(file: ${JSON.stringify(seriesPath)}, column: "value") |> standardize |> windows(size: 8) |> split(train: rest, test: 20, shuffle: false)
train Fc on Series {
  loss      mse(next, target)
  optimizer adam(lr: 1e-2)
  batch     8
  epochs    2
  metrics   mae(next, target)
  seed      1
}
`);
  return dlm;
}
