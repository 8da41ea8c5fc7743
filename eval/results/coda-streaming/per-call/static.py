# A copy of a streaming graph with static input dims: static.py SRC DST BATCH|dyn FRAMES|dyn (same weights file)
import sys, onnx, collections
src, dst, batch, frames = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
m = onnx.load(src, load_external_data=False)
def setdim(d, v):
    if v == "dyn": return
    d.ClearField("dim_param"); d.dim_value = int(v)
for vi in list(m.graph.input) + list(m.graph.output):
    dims = vi.type.tensor_type.shape.dim
    if len(dims): setdim(dims[0], batch)
    if vi.name == "features": setdim(dims[1], frames)
    if vi.name == "log_probs" and frames != "dyn": setdim(dims[1], "16")
del m.graph.value_info[:]
onnx.save(m, dst)
print(collections.Counter(n.op_type for n in m.graph.node).most_common(12), len(m.graph.node))
