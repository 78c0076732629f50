// Sequence to sequence: English → German example phrases, character by character. An LSTM encoder reads
// the English; an LSTM decoder, started from the encoder's last state, writes the German. At each step
// the decoder attends over the encoder's outputs (padding masked out) and mixes two distributions over
// the next character with a learned gate: the one it generates, and a copy of the source characters it
// attends to (a pointer-generator). Technical terms often share letters with their translation
// ("Tamerlane" → "Tamerlan"), and copying is how a model that has learned its 1,800 training pairs by
// heart still scores on phrases it has never seen.
//
// `logits` holds log-probabilities: cross_entropy's log-softmax gives them back unchanged, and greedy
// decoding takes their argmax. After training, `dlm train` decodes greedily and prints the exact-match
// rate on the training pairs and the held-out character F-score (chrF) beside the copy-the-input
// baseline's. About 7 minutes with --target wasm.

model Translator(vocab: int = 96) {
  input  src: i32[B, S]
  input  tgt_in: i32[B, T]
  output logits: f32[B, T, vocab]

  (encoded, state) = src |> Embedding(vocab, 64) |> LSTM(128, return_state: true)
  target = tgt_in |> Embedding(vocab, 64)
  decoded = target |> LSTM(128, initial: state)

  // scaled dot-product attention by hand, as its weights also pick the characters to copy
  skip = (padding_mask(src) - 1) * 1e9 |> reshape([B, 1, S])
  weights = softmax(matmul(decoded |> Dense(128), transpose(encoded |> Dense(128), 1, 2)) * 0.08838834764831845 + skip)   // 1/√128
  features = concat(decoded, matmul(weights, encoded), axis: -1)

  gate = concat(features, target, axis: -1) |> Dense(1) |> sigmoid
  generated = features |> Dense(vocab) |> softmax
  copied = matmul(weights, one_hot(src, vocab))
  logits = log(gate * generated + (1 - gate) * copied + 1e-9)
}

// Debian's dict-freedict-eng-deu (GPL): read at run time, never copied into the repository.
data Phrases = phrase_pairs(file: "/usr/share/dictd/freedict-eng-deu.dict.dz", limit: 2000, seed: 3, max_length: 20)
  |> char_pairs(src_len: 32, tgt_len: 32, vocab: 96)
  |> split(train: 0.9, test: 0.1, seed: 7)

train Translator on Phrases {
  loss      cross_entropy(logits, tgt_out, ignore: 0)   // 0 is padding
  optimizer adam(lr: 3e-3)
  schedule  cosine(warmup: 100)
  clip      1.0
  batch     32
  epochs    200
  metrics   accuracy(logits, tgt_out, ignore: 0)
  seed      42
}
