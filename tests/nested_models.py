"""Models whose inner shapes are only known at the call: a size-agnostic VGG16 run on every
frame, a model called on two image sizes, a subclassed VAE with a nested functional encoder,
and custom layers that compute with ``keras.ops`` on weights of their own."""

import keras
from keras import layers, ops

from examples.nested import MatmulDense  # noqa: F401 (the issue's custom layer, as the docs show it)


def vgg16_frames(frames=16, size=224):
    """The issue's example: VGG16 built for any image size, run on frames of ``size``."""
    base = keras.applications.VGG16(include_top=False, weights=None, input_shape=(None, None, 3))
    return keras.Sequential([keras.Input((frames, size, size, 3)), layers.TimeDistributed(base, name="per_frame")],
                            name="vgg16_frames")


def any_size_encoder():
    image = keras.Input((None, None, 3))
    x = layers.Conv2D(4, 3, name="conv")(image)
    return keras.Model(image, layers.GlobalAveragePooling2D(name="pool")(x), name="encoder")


def two_sizes():
    """One encoder called on a 32 x 32 image, then twice on a 64 x 64 one."""
    encoder = any_size_encoder()
    small, large = keras.Input((32, 32, 3), name="small"), keras.Input((64, 64, 3), name="large")
    return keras.Model([small, large], [encoder(small), encoder(large), encoder(large)], name="two_sizes")


class Sampling(layers.Layer):
    """The VAE's reparameterisation: z = mean + exp(log_var / 2) * noise (as on keras.io)."""

    def call(self, inputs):
        z_mean, z_log_var = inputs
        noise = keras.random.normal(ops.shape(z_mean))
        return z_mean + ops.exp(0.5 * z_log_var) * noise


def vae_encoder(latent=2):
    image = keras.Input((28, 28, 1))
    x = layers.Conv2D(32, 3, strides=2, padding="same", activation="relu", name="enc_conv")(image)
    x = layers.Dense(16, activation="relu", name="enc_dense")(layers.Flatten(name="enc_flatten")(x))
    z_mean, z_log_var = layers.Dense(latent, name="z_mean")(x), layers.Dense(latent, name="z_log_var")(x)
    return keras.Model(image, [z_mean, z_log_var, Sampling(name="sampling")([z_mean, z_log_var])], name="encoder")


def vae_decoder(latent=2):
    z = keras.Input((latent,))
    x = layers.Reshape((7, 7, 8), name="dec_reshape")(layers.Dense(7 * 7 * 8, name="dec_dense")(z))
    return keras.Model(z, layers.Conv2DTranspose(1, 3, strides=4, padding="same", name="dec_conv")(x),
                       name="decoder")


class VAE(keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.encoder, self.decoder = vae_encoder(), vae_decoder()

    def call(self, images):
        z_mean, z_log_var, z = self.encoder(images)
        return self.decoder(z)


def vae():
    return VAE(name="vae")


class Heads(layers.Layer):
    """Per-head projections with ``ops.einsum``, then a Dense layer over the heads."""

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1], 3, 4))
        self.out = layers.Dense(5, name="out")

    def call(self, x):
        heads = ops.einsum("btd,dhk->bthk", x, self.w)
        return self.out(ops.reshape(heads, (-1, x.shape[1], 12)))


class Filters(layers.Layer):
    """A convolution, a depthwise convolution and a transposed one, each through keras.ops."""

    def build(self, input_shape):
        self.k = self.add_weight(shape=(3, 3, input_shape[-1], 8))
        self.d = self.add_weight(shape=(3, 3, 8, 2))
        self.t = self.add_weight(shape=(2, 2, 4, 16))

    def call(self, x):
        x = ops.conv(x, self.k, strides=2, padding="same")
        x = ops.depthwise_conv(x, self.d, padding="valid")
        return ops.conv_transpose(x, self.t, strides=2)


class Opaque(layers.Layer):
    """A call written in TensorFlow, not keras.ops: Keras builds it, tracing cannot see into it."""

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1], 2))

    def call(self, x):
        import tensorflow as tf

        return tf.linalg.matmul(x, self.w)


class Projected(layers.Layer):
    """A Sequential feed-forward block, then a projection by a weight of its own."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.ffn = keras.Sequential([layers.Dense(8, activation="relu"), layers.Dense(6)], name="ffn")

    def build(self, input_shape):
        self.ffn.build(input_shape)
        self.w = self.add_weight(shape=(6, 2))

    def call(self, x):
        return ops.matmul(self.ffn(x), self.w)


def projected():
    tokens = keras.Input((10, 12))
    return keras.Model(tokens, Projected(name="projected")(tokens), name="projected_model")


def custom_ops():
    tokens, image = keras.Input((10, 12), name="tokens"), keras.Input((16, 16, 3), name="image")
    outputs = [MatmulDense(5, name="matmul_dense")(tokens), Heads(name="heads")(tokens),
               Filters(name="filters")(image)]
    return keras.Model([tokens, image], outputs, name="custom_ops")


def opaque():
    tokens = keras.Input((10, 12))
    return keras.Model(tokens, Opaque(name="opaque")(tokens), name="opaque_model")
