"""More of torch.nn.functional: the layers of the language-model and normalisation lessons
(embedding, layer_norm, batch_norm, gelu, leaky_relu, pad, l1_loss). Each one checks its
arguments with torch's messages and calls one Function from ``tinygrad_edu/ops``."""
