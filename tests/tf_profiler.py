"""FLOPs of a Keras model as TensorFlow's profiler counts them (2 per multiply-accumulate).

The model is traced at batch 1 into a frozen graph; ``ops`` picks the operation types to count
(``["Conv2D", "MatMul"]``: the regular expressions the profiler takes), all by default.
"""

import pytest

tf = pytest.importorskip("tensorflow")


def profiler_flops(model, ops=None) -> int:
    from tensorflow.python.framework.convert_to_constants import convert_variables_to_constants_v2

    specs = [tf.TensorSpec([1, *t.shape[1:]], t.dtype) for t in model.inputs]

    def run(*inputs):
        return model(list(inputs) if len(inputs) > 1 else inputs[0], training=False)

    frozen = convert_variables_to_constants_v2(tf.function(run).get_concrete_function(*specs))
    options = tf.compat.v1.profiler.ProfileOptionBuilder.float_operation()
    options["output"] = "none"
    if ops:
        options["account_type_regexes"] = ops
    return tf.compat.v1.profiler.profile(graph=frozen.graph, options=options).total_float_ops
