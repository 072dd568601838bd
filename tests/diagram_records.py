"""Records made by hand for the diagram's tests (no Keras): a chain of image layers, a
model with two inputs and two outputs, a long model of repeated blocks, a nested one."""

from sphinx_modelsummary.model.summary import build_record


def fact(name: str, out: list, sources=(), params: int = 0, cls: str = "Thing", depth: int = 0,
         parent: str | None = None) -> dict:
    """One layer's facts as the adapter gives them: ``params`` weights in one vector."""
    weights = [{"name": f"{name}/w", "path": "w", "shape": [params], "trainable": True, "dtype": "float32"}] \
        if params else []
    return {"name": name, "label": name, "class": cls, "module": "mypkg", "depth": depth, "parent": parent,
            "call": 0, "shared": False, "is_model": cls == "Sequential", "is_layer": True, "config": {},
            "input_shapes": [[None, *out[1:]]], "output_shapes": [out], "real_output_shapes": None,
            "weights": weights, "connected_to": list(sources), "wraps": [], "sublayers": []}


def record(name: str, facts: list[dict]) -> dict:
    total = sum(f["weights"][0]["shape"][0] for f in facts if f["weights"] and not f["depth"])
    model = {"name": name, "class": "Functional", "spec": f"models:{name}", "input_shapes": None,
             "inputs": [], "outputs": [], "keras_version": "3", "backend": "x", "sources": []}
    return build_record(facts, model=model, keras_totals={"params": total, "trainable": total, "non_trainable": 0},
                        memory={"float32": 4 * total})


def chain() -> dict:
    """28 × 28 × 1 -> conv 26 × 26 × 32 (320) -> pool 13 × 13 × 32 -> flatten 5,408 -> dense 10."""
    return record("chain", [
        fact("image", [None, 28, 28, 1], cls="InputLayer"),
        fact("conv", [None, 26, 26, 32], ["image"], 320, "Conv2D"),
        fact("pool", [None, 13, 13, 32], ["conv"], cls="MaxPooling2D"),
        fact("flatten", [None, 5408], ["pool"], cls="Flatten"),
        fact("dense", [None, 10], ["flatten"], 54090, "Dense"),
    ])


def two_inputs() -> dict:
    """An image and a vector meet in ``joined``; two heads read ``hidden``."""
    return record("listing", [
        fact("picture", [None, 32, 32, 3], cls="InputLayer"),
        fact("conv", [None, 15, 15, 8], ["picture"], 224, "Conv2D"),
        fact("pool", [None, 8], ["conv"], cls="GlobalAveragePooling2D"),
        fact("numbers", [None, 12], cls="InputLayer"),
        fact("meta", [None, 4], ["numbers"], 52, "Dense"),
        fact("joined", [None, 12], ["pool", "meta"], cls="Concatenate"),
        fact("hidden", [None, 6], ["joined"], 78, "Dense"),
        fact("category", [None, 3], ["hidden"], 21, "Dense"),
        fact("price", [None, 1], ["hidden"], 7, "Dense"),
    ])


def skip_connection() -> dict:
    """``add`` reads ``stem`` (two layers up) and ``b``: a long edge past ``a``."""
    return record("skip", [
        fact("stem", [None, 8, 8, 4], cls="InputLayer"),
        fact("a", [None, 8, 8, 4], ["stem"], 148, "Conv2D"),
        fact("b", [None, 8, 8, 4], ["a"], 148, "Conv2D"),
        fact("add", [None, 8, 8, 4], ["b", "stem"], cls="Add"),
    ])


def blocks(count: int = 10) -> dict:
    """A stem, ``count`` blocks of four layers (``block_N_expand`` ... ``block_N_add``, 10
    parameters each in ``expand`` and ``project``), a head: 2 + 4 × count + 1 rows."""
    facts = [fact("input", [None, 16, 16, 8], cls="InputLayer"), fact("stem", [None, 8, 8, 8], ["input"], 584, "Conv2D")]
    before = "stem"
    for n in range(1, count + 1):
        names = [f"block_{n}_{part}" for part in ("expand", "relu", "project", "add")]
        facts += [fact(names[0], [None, 8, 8, 16], [before], 10, "Conv2D"),
                  fact(names[1], [None, 8, 8, 16], [names[0]], cls="ReLU"),
                  fact(names[2], [None, 8, 8, 8], [names[1]], 10, "Conv2D"),
                  fact(names[3], [None, 8, 8, 8], [names[2], before], cls="Add")]
        before = names[3]
    facts.append(fact("predictions", [None, 2], [before], 130, "Dense"))
    return record("long", facts)


def nested() -> dict:
    """``encoder``, a Sequential of three layers, between an input and a head."""
    return record("outer", [
        fact("inputs", [None, 28, 28, 1], cls="InputLayer"),
        fact("encoder", [None, 32], ["inputs"], 86600, "Sequential"),
        fact("input_layer", [None, 28, 28, 1], cls="InputLayer", depth=1, parent="encoder"),
        fact("conv", [None, 26, 26, 4], ["input_layer"], 40, "Conv2D", depth=1, parent="encoder"),
        fact("embed", [None, 32], ["conv"], 86560, "Dense", depth=1, parent="encoder"),
        fact("head", [None, 1], ["encoder"], 33, "Dense"),
    ])
