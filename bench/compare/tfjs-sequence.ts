// TensorFlow.js on the sequence workloads. TF.js cannot train an Embedding on its wasm backend (no
// UnsortedSegmentSum kernel: the gather's gradient), so, as the anchors did, every TF.js contender reads
// one-hot characters [32, 64, 96] and multiplies them by a 96×d matrix without bias: the same function as
// an Embedding, at the cost of a dense product. The LSTM is tf.layers.lstm; TF.js has no attention layer,
// so the Transformer block is written with tf ops (pre-LN, causal mask, 4 heads, feed-forward 512 with
// gelu as x·sigmoid(1.702x): TF.js has no gelu op) and trained through the same optimizer.minimize.

type TFNS = typeof import("@tensorflow/tfjs");
import type { Contender, Workload } from "./protocol.js";
import { LEARNING_RATE } from "./protocol.js";
import { SEQ_LENGTH, SEQ_VOCAB } from "./sequence-workloads.js";

type TF = TFNS;

function lstmModel(tf: TF) {
  const model = tf.sequential();
  model.add(tf.layers.dense({ inputShape: [SEQ_LENGTH, SEQ_VOCAB], units: 64, useBias: false }));
  model.add(tf.layers.lstm({ units: 128, returnSequences: true }));
  model.add(tf.layers.dense({ units: SEQ_VOCAB }));
  return { apply: (x: import("@tensorflow/tfjs").Tensor) => model.apply(x, { training: true }) as import("@tensorflow/tfjs").Tensor, dispose: () => model.dispose() };
}

function transformerModel(tf: TF, batch: number) {
  const d = 128;
  const heads = 4;
  const dh = d / heads;
  const ff = 512;
  const T = SEQ_LENGTH;
  const w = (shape: number[], std: number) => tf.variable(tf.randomNormal(shape, 0, std, "float32"));
  const z = (shape: number[]) => tf.variable(tf.zeros(shape));
  const o = (shape: number[]) => tf.variable(tf.ones(shape));
  const p = {
    emb: w([SEQ_VOCAB, d], 1), pos: w([T, d], 0.02),
    g1: o([d]), b1: z([d]), qkv: w([d, 3 * d], Math.sqrt(1 / d)), bqkv: z([3 * d]), proj: w([d, d], Math.sqrt(1 / d)), bproj: z([d]),
    g2: o([d]), b2: z([d]), w1: w([d, ff], Math.sqrt(1 / d)), bw1: z([ff]), w2: w([ff, d], Math.sqrt(1 / ff)), bw2: z([d]),
    g3: o([d]), b3: z([d]), out: w([d, SEQ_VOCAB], Math.sqrt(1 / d)), bout: z([SEQ_VOCAB]),
  };
  // −1e9 above the diagonal: position t attends to 0..t only.
  const mask = tf.tidy(() => tf.mul(tf.sub(1, tf.linalg.bandPart(tf.ones([T, T]), -1, 0)), -1e9));
  const layerNorm = (x: import("@tensorflow/tfjs").Tensor, g: import("@tensorflow/tfjs").Tensor, b: import("@tensorflow/tfjs").Tensor) => {
    const { mean, variance } = tf.moments(x, -1, true);
    return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, 1e-5))), g), b);
  };
  const dense = (x: import("@tensorflow/tfjs").Tensor, wt: import("@tensorflow/tfjs").Tensor, bias: import("@tensorflow/tfjs").Tensor) => tf.add(tf.matMul(x as import("@tensorflow/tfjs").Tensor2D, wt as import("@tensorflow/tfjs").Tensor2D), bias);
  const apply = (x: import("@tensorflow/tfjs").Tensor): import("@tensorflow/tfjs").Tensor => {
    const rows = batch * T;
    let h = tf.add(tf.reshape(tf.matMul(tf.reshape(x, [rows, SEQ_VOCAB]) as import("@tensorflow/tfjs").Tensor2D, p.emb), [batch, T, d]), p.pos);
    const a = tf.reshape(layerNorm(h, p.g1, p.b1), [rows, d]);
    const qkv = dense(a, p.qkv, p.bqkv);
    const [q, k, v] = tf.split(qkv, 3, 1).map((t) => tf.transpose(tf.reshape(t, [batch, T, heads, dh]), [0, 2, 1, 3]));
    const scores = tf.add(tf.mul(tf.matMul(q!, k!, false, true), 1 / Math.sqrt(dh)), mask);
    const att = tf.reshape(tf.transpose(tf.matMul(tf.softmax(scores), v!), [0, 2, 1, 3]), [rows, d]);
    h = tf.add(h, tf.reshape(dense(att, p.proj, p.bproj), [batch, T, d]));
    const f = dense(tf.reshape(layerNorm(h, p.g2, p.b2), [rows, d]), p.w1, p.bw1);
    const g = tf.mul(f, tf.sigmoid(tf.mul(f, 1.702)));
    h = tf.add(h, tf.reshape(dense(g, p.w2, p.bw2), [batch, T, d]));
    return tf.reshape(dense(tf.reshape(layerNorm(h, p.g3, p.b3), [rows, d]), p.out, p.bout), [batch, T, SEQ_VOCAB]);
  };
  return { apply, dispose: () => tf.dispose([...Object.values(p), mask]) };
}

/** One-hot characters and next-character targets, random but fixed. */
function oneHotBatch(tf: TF, batch: number) {
  return tf.tidy(() => tf.oneHot(tf.randomUniform([batch, SEQ_LENGTH], 0, SEQ_VOCAB, "int32") as unknown as import("@tensorflow/tfjs").Tensor1D, SEQ_VOCAB).toFloat());
}

export function makeTfSequence(tf: TF, backend: string, workload: Workload): Contender {
  const model = workload.name === "lstm" ? lstmModel(tf) : transformerModel(tf, workload.trainBatch);
  const optimizer = tf.train.adam(LEARNING_RATE);
  const x = oneHotBatch(tf, workload.trainBatch);
  const y = oneHotBatch(tf, workload.trainBatch);
  const xInfer = workload.inferBatch === workload.trainBatch ? x : oneHotBatch(tf, workload.inferBatch);
  return {
    name: `tfjs-${backend}`,
    batch: workload.trainBatch,
    predictBatch: workload.inferBatch,
    trainStep() {
      tf.tidy(() => {
        optimizer.minimize(() => tf.losses.softmaxCrossEntropy(y, model.apply(x)) as import("@tensorflow/tfjs").Scalar, false);
      });
    },
    predict() {
      tf.tidy(() => void model.apply(xInfer).dataSync());
    },
    liveObjects: () => tf.memory().numTensors,
    dispose() {
      model.dispose();
      optimizer.dispose();
      tf.dispose(xInfer === x ? [x, y] : [x, y, xInfer]);
    },
  };
}
