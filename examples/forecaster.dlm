// Autoregressive forecasting: the next day's US births from the previous four weeks.

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
  optimizer adam(lr: 1e-3)
  batch     64
  epochs    20
  metrics   mae(next, target)
  seed      42
}
