"""Models in the style of keras.io examples and textbook notebooks, small enough for tests.

Each has something a plain chain of layers does not: wrappers (TimeDistributed, Bidirectional),
recurrent layers over a time axis that may be unknown (``None``), branches that join (an
encoder-decoder with states, a U-Net), and custom layers made of Keras layers.
"""

import keras
from keras import layers, ops


def frame_cnn(size=32, channels=3, name="frame_cnn"):
    """A small CNN that turns one frame into a feature vector."""
    return keras.Sequential(
        [
            keras.Input((size, size, channels)),
            layers.Conv2D(8, 3, activation="relu", name="frame_conv"),
            layers.MaxPooling2D(2, name="frame_pool"),
            layers.Flatten(name="frame_flatten"),
            layers.Dense(16, activation="relu", name="frame_dense"),
        ],
        name=name,
    )


def video_classifier(frames=16, size=32, classes=5):
    """TimeDistributed CNN layers, then a model applied to every frame, then an LSTM over time."""
    video = keras.Input((frames, size, size, 3), name="video")
    x = layers.TimeDistributed(layers.Conv2D(3, 1, name="colour_mix"), name="per_frame_conv")(video)
    x = layers.TimeDistributed(layers.MaxPooling2D(1, name="noop_pool"), name="per_frame_pool")(x)
    x = layers.TimeDistributed(frame_cnn(size), name="per_frame_cnn")(x)
    x = layers.LSTM(24, name="over_time")(x)
    return keras.Model(video, layers.Dense(classes, name="label")(x), name="video_classifier")


def frame_classifier(frames=8, size=32, classes=5):
    """The frame CNN on every frame of a clip, the frames' features averaged, then classified."""
    video = keras.Input((frames, size, size, 3), name="video")
    x = layers.TimeDistributed(frame_cnn(size), name="per_frame_cnn")(video)
    x = layers.GlobalAveragePooling1D(name="average_frames")(x)
    return keras.Model(video, layers.Dense(classes, name="label")(x), name="frame_classifier")


def vgg19_frames(frames=16, size=224):
    """VGG19's convolutional base (no weights downloaded) on every frame of a clip."""
    base = keras.applications.VGG19(weights=None, include_top=False, input_shape=(size, size, 3))
    clip = keras.Input((frames, size, size, 3), name="clip")
    features = layers.TimeDistributed(base, name="vgg19_per_frame")(clip)
    return keras.Model(clip, features, name="vgg19_frames")


def speech_bigru(frames=None, features=193, units=64, vocabulary=31):
    """DeepSpeech2 in small: 2D convolutions over the spectrogram, bidirectional GRUs, a
    per-step classifier. ``frames=None`` leaves the time axis unknown, as in the original."""
    spectrogram = keras.Input((frames, features), name="spectrogram")
    x = layers.Reshape((-1, features, 1), name="expand")(spectrogram)
    x = layers.Conv2D(8, (11, 41), strides=(2, 2), padding="same", use_bias=False, name="conv_1")(x)
    x = layers.BatchNormalization(name="conv_1_bn")(x)
    x = layers.ReLU(name="conv_1_relu")(x)
    x = layers.Conv2D(8, (11, 21), strides=(1, 2), padding="same", use_bias=False, name="conv_2")(x)
    x = layers.BatchNormalization(name="conv_2_bn")(x)
    x = layers.ReLU(name="conv_2_relu")(x)
    x = layers.Reshape((-1, x.shape[-2] * x.shape[-1]), name="collapse")(x)
    x = layers.Bidirectional(layers.GRU(units, return_sequences=True), name="bigru_1")(x)
    x = layers.Bidirectional(layers.GRU(units, return_sequences=True), name="bigru_2")(x)
    x = layers.Dense(2 * units, activation="relu", name="dense")(x)
    x = layers.Dropout(0.5, name="dropout")(x)
    return keras.Model(spectrogram, layers.Dense(vocabulary + 1, name="characters")(x), name="speech_bigru")


def conv1d_gru(frames=None, features=13, classes=10):
    """Keyword spotting on MFCC frames: a Conv1D, a GRU, a classifier."""
    mfcc = keras.Input((frames, features), name="mfcc")
    x = layers.Conv1D(16, 5, strides=2, activation="relu", name="conv")(mfcc)
    x = layers.GRU(32, name="gru")(x)
    return keras.Model(mfcc, layers.Dense(classes, name="keyword")(x), name="conv1d_gru")


def next_frame(frames=None, size=40, filters=16):
    """ConvLSTM next-frame prediction (keras.io): stacked ConvLSTM2D, then a Conv3D."""
    movie = keras.Input((frames, size, size, 1), name="movie")
    x = layers.ConvLSTM2D(filters, 5, padding="same", return_sequences=True, name="convlstm_1")(movie)
    x = layers.BatchNormalization(name="bn_1")(x)
    x = layers.ConvLSTM2D(filters, 3, padding="same", return_sequences=True, name="convlstm_2")(x)
    x = layers.BatchNormalization(name="bn_2")(x)
    x = layers.ConvLSTM2D(filters, 1, padding="same", return_sequences=True, name="convlstm_3")(x)
    out = layers.Conv3D(1, 3, activation="sigmoid", padding="same", name="next")(x)
    return keras.Model(movie, out, name="next_frame")


def seq2seq(encoder_tokens=71, decoder_tokens=93, latent=64, steps=None):
    """Character-level translation (keras.io lstm_seq2seq): the encoder's final states start
    the decoder."""
    encoder_inputs = keras.Input((steps, encoder_tokens), name="encoder_inputs")
    _, state_h, state_c = layers.LSTM(latent, return_state=True, name="encoder")(encoder_inputs)
    decoder_inputs = keras.Input((steps, decoder_tokens), name="decoder_inputs")
    decoded, _, _ = layers.LSTM(latent, return_sequences=True, return_state=True, name="decoder")(
        decoder_inputs, initial_state=[state_h, state_c])
    outputs = layers.Dense(decoder_tokens, activation="softmax", name="next_token")(decoded)
    return keras.Model([encoder_inputs, decoder_inputs], outputs, name="seq2seq")


def unet(size=64, classes=3, widths=(16, 32)):
    """A small U-Net for segmentation: each encoder stage's output joins the decoder stage of
    its size; each stage also adds a strided 1 x 1 residual (the keras.io Oxford pets model)."""
    image = keras.Input((size, size, 3), name="image")
    x = layers.Conv2D(widths[0], 3, padding="same", activation="relu", name="stem")(image)
    skips = []
    for i, width in enumerate(widths):
        skips.append(x)
        y = layers.Conv2D(width, 3, padding="same", activation="relu", name=f"down_{i}_conv")(x)
        y = layers.MaxPooling2D(2, name=f"down_{i}_pool")(y)
        residual = layers.Conv2D(width, 1, strides=2, padding="same", name=f"down_{i}_residual")(x)
        x = layers.Add(name=f"down_{i}_add")([y, residual])
    for i, width in reversed(list(enumerate(widths))):
        x = layers.Conv2DTranspose(width, 3, strides=2, padding="same", name=f"up_{i}_conv")(x)
        x = layers.Concatenate(name=f"up_{i}_join")([x, skips[i]])
        x = layers.Conv2D(width, 3, padding="same", activation="relu", name=f"up_{i}_mix")(x)
    mask = layers.Conv2D(classes, 1, activation="softmax", name="mask")(x)
    return keras.Model(image, mask, name="unet")


@keras.saving.register_keras_serializable(package="architectures")
class TokenAndPositionEmbedding(layers.Layer):
    """Token embeddings plus learned position embeddings (keras.io text classification)."""

    def __init__(self, maxlen, vocab_size, embed_dim, **kwargs):
        super().__init__(**kwargs)
        self.maxlen, self.vocab_size, self.embed_dim = maxlen, vocab_size, embed_dim
        self.token_emb = layers.Embedding(input_dim=vocab_size, output_dim=embed_dim)
        self.pos_emb = layers.Embedding(input_dim=maxlen, output_dim=embed_dim)

    def call(self, x):
        positions = ops.arange(0, ops.shape(x)[-1], 1)
        return self.token_emb(x) + self.pos_emb(positions)

    def get_config(self):
        return {**super().get_config(), "maxlen": self.maxlen, "vocab_size": self.vocab_size,
                "embed_dim": self.embed_dim}


@keras.saving.register_keras_serializable(package="architectures")
class TransformerBlock(layers.Layer):
    """Self-attention and a feed-forward network, each with a residual and a layer norm."""

    def __init__(self, embed_dim, num_heads, ff_dim, rate=0.1, **kwargs):
        super().__init__(**kwargs)
        self.embed_dim, self.num_heads, self.ff_dim, self.rate = embed_dim, num_heads, ff_dim, rate
        self.att = layers.MultiHeadAttention(num_heads=num_heads, key_dim=embed_dim)
        self.ffn = keras.Sequential([layers.Dense(ff_dim, activation="relu"), layers.Dense(embed_dim)])
        self.layernorm1 = layers.LayerNormalization(epsilon=1e-6)
        self.layernorm2 = layers.LayerNormalization(epsilon=1e-6)
        self.dropout1 = layers.Dropout(rate)
        self.dropout2 = layers.Dropout(rate)

    def call(self, inputs):
        attended = self.dropout1(self.att(inputs, inputs))
        out1 = self.layernorm1(inputs + attended)
        return self.layernorm2(out1 + self.dropout2(self.ffn(out1)))

    def get_config(self):
        return {**super().get_config(), "embed_dim": self.embed_dim, "num_heads": self.num_heads,
                "ff_dim": self.ff_dim, "rate": self.rate}


@keras.saving.register_keras_serializable(package="architectures")
class ScaledDense(layers.Layer):
    """A dense layer written by hand, with a frozen output scale: weights named ``w``, ``b``, ``scale``."""

    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1], self.units))
        self.b = self.add_weight(shape=(self.units,), initializer="zeros")
        self.scale = self.add_weight(shape=(self.units,), initializer="ones", trainable=False)

    def call(self, x):
        return (ops.matmul(x, self.w) + self.b) * self.scale

    def get_config(self):
        return {**super().get_config(), "units": self.units}


def transformer_classifier(maxlen=200, vocab_size=20000, embed_dim=32, num_heads=2, ff_dim=32):
    """The keras.io text classifier with its two custom layers, and a hand-written head."""
    tokens = keras.Input((maxlen,), dtype="int32", name="tokens")
    x = TokenAndPositionEmbedding(maxlen, vocab_size, embed_dim, name="embedding")(tokens)
    x = TransformerBlock(embed_dim, num_heads, ff_dim, name="transformer")(x)
    x = layers.GlobalAveragePooling1D(name="pool")(x)
    return keras.Model(tokens, ScaledDense(2, name="head")(x), name="transformer_classifier")
