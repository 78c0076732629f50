// Lazy access to binaryen.js: importing it costs ~0.5 s and ~80 MB, so nothing loads it until a Wasm
// module is actually built. Only module.ts and ops.ts touch the binaryen API; generated code never does.

export type BinaryenApi = typeof import("binaryen").default;
export type BinaryenModule = InstanceType<BinaryenApi["Module"]>;

let loading: Promise<BinaryenApi> | undefined;

export function loadBinaryen(): Promise<BinaryenApi> {
  // binaryen 132 is ESM with top-level await: the default export is ready once the import resolves.
  loading ??= import("binaryen").then((m) => m.default);
  return loading;
}
