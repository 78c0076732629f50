// Autoregressive forecasting: the next day's US births from the previous four weeks.
// `dlm train` prints the one-step-ahead MAE on the last 365 days in births (standardize undone) beside
// the seasonal-naive forecast's (the value 7 days earlier); `dlm forecast --checkpoint …` continues the
// series past its end, feeding each prediction back.

model Forecaster {
  input  window: f32[B, 28, 1]
  output next: f32[B, 1]

  next = window |> GRU(32) |> last |> Dense(1)
}

data Births = us_births()
  |> standardize
  |> windows(size: 28, horizon: 1)
  |> split(train: rest, test: 365, shuffle: false)

train Forecaster on Births {
  loss      mse(next, target)
  optimizer adam(lr: 3e-3)
  schedule  cosine(warmup: 100)
  batch     64
  epochs    40
  metrics   mae(next, target)
  seed      42
}
