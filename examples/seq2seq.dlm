// Sequence to sequence: English → German phrases, character by character, with an LSTM encoder and
// decoder and attention from the decoder over the encoder's outputs. After training, `dlm train` decodes
// greedily and prints the exact-match rate on the training pairs and the held-out character F-score
// (chrF) beside the copy-the-input baseline's.

model Translator(src_vocab: int = 96, tgt_vocab: int = 96) {
  input  src: i32[B, S]
  input  tgt_in: i32[B, T]
  output logits: f32[B, T, tgt_vocab]

  (encoded, state) = src |> Embedding(src_vocab, 64) |> LSTM(128, return_state: true)
  decoded = tgt_in |> Embedding(tgt_vocab, 64) |> LSTM(128, initial: state)
  attended = decoded |> MultiHeadAttention(heads: 1, context: encoded)
  logits = concat(decoded, attended, axis: -1) |> Dense(tgt_vocab)
}

// Debian's dict-freedict-eng-deu (GPL): read at run time, never copied into the repository.
data Phrases = phrase_pairs(file: "/usr/share/dictd/freedict-eng-deu.dict.dz", limit: 2000, seed: 3)
  |> char_pairs(src_len: 32, tgt_len: 32, vocab: 96)
  |> split(train: 0.9, test: 0.1, seed: 7)

train Translator on Phrases {
  loss      cross_entropy(logits, tgt_out, ignore: 0)   // 0 is padding
  optimizer adam(lr: 3e-3)
  schedule  cosine(warmup: 100)
  clip      1.0
  batch     32
  epochs    80
  metrics   accuracy(logits, tgt_out, ignore: 0)
  seed      42
}
