// onnxruntime-node contender: not measured yet. dlm cannot export ONNX graphs, and building them by hand
// would be a second exporter. onnxruntime-node is not a dependency: its install script downloads the CUDA
// provider libraries from NuGet on linux/x64 unless ONNXRUNTIME_NODE_INSTALL=skip is set, which would
// make a plain `npm ci` fetch binaries (or fail offline). This module only says which of the two is why.

/** The line the report prints for onnxruntime. */
export async function onnxStatus(): Promise<string> {
  // A variable specifier: the package is optional and absent from package.json on purpose.
  const name = "onnxruntime-node";
  let installed = true;
  try {
    await import(name);
  } catch {
    installed = false;
  }
  return installed
    ? "onnxruntime: skipped (dlm has no ONNX export yet)"
    : "onnxruntime: skipped (dlm has no ONNX export yet; onnxruntime-node is not installed: ONNXRUNTIME_NODE_INSTALL=skip npm install --no-save onnxruntime-node)";
}
