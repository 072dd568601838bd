"""A transformer encoder block (post-norm, as in "Attention Is All You Need").

Self-attention, a residual Add and LayerNormalization, then a two-layer feed-forward
network with its own residual Add and LayerNormalization.
"""

import keras
from keras import layers


def build_encoder_block(sequence_length=64, model_size=128, heads=4, feed_forward_size=512, dropout=0.1):
    tokens = keras.Input(shape=(sequence_length, model_size), name="tokens")

    attended = layers.MultiHeadAttention(
        num_heads=heads, key_dim=model_size // heads, dropout=dropout, name="self_attention"
    )(tokens, tokens)
    attended = layers.Dropout(dropout, name="attention_dropout")(attended)
    x = layers.Add(name="residual_1")([tokens, attended])
    x = layers.LayerNormalization(epsilon=1e-6, name="norm_1")(x)

    ff = layers.Dense(feed_forward_size, activation="relu", name="ff_expand")(x)
    ff = layers.Dense(model_size, name="ff_project")(ff)
    ff = layers.Dropout(dropout, name="ff_dropout")(ff)
    x = layers.Add(name="residual_2")([x, ff])
    outputs = layers.LayerNormalization(epsilon=1e-6, name="norm_2")(x)
    return keras.Model(tokens, outputs, name="encoder_block")
