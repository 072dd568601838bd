"""Text classifiers on sequences of token ids: Embedding -> recurrent layer -> Dense."""

import keras
from keras import layers


def build_lstm(vocab_size=10000, sequence_length=100, embedding_size=64, units=32):
    """A sentiment classifier: an LSTM reads the embedded tokens, a Dense layer decides."""
    return keras.Sequential(
        [
            keras.Input(shape=(sequence_length,), dtype="int32", name="tokens"),
            layers.Embedding(vocab_size, embedding_size, name="embedding"),
            layers.LSTM(units, name="lstm"),
            layers.Dense(1, activation="sigmoid", name="positive"),
        ],
        name="lstm_classifier",
    )


def build_bigru(vocab_size=10000, sequence_length=100, embedding_size=64, units=32, classes=4):
    """A topic classifier: a bidirectional GRU, max pooling over time, a softmax layer."""
    return keras.Sequential(
        [
            keras.Input(shape=(sequence_length,), dtype="int32", name="tokens"),
            layers.Embedding(vocab_size, embedding_size, name="embedding"),
            layers.Bidirectional(layers.GRU(units, return_sequences=True), name="bigru"),
            layers.GlobalMaxPooling1D(name="max_over_time"),
            layers.Dense(classes, activation="softmax", name="topic"),
        ],
        name="bigru_classifier",
    )
