import json, sys, collections
ev = json.load(open(sys.argv[1]))
t = collections.Counter(); c = collections.Counter(); runs = 0; total = 0
for e in ev:
    if e.get("cat") == "Node" and e["name"].endswith("_kernel_time"):
        op = e["args"]["op_name"]; t[op] += e["dur"]; c[op] += 1
    if e.get("cat") == "Session" and e["name"] == "model_run": runs += 1; total += e["dur"]
print(f"runs {runs} mean run {total/runs/1000:.2f} ms, kernels/run {sum(c.values())/runs:.0f}, kernel sum/run {sum(t.values())/runs/1000:.2f} ms")
for op, d in t.most_common(14): print(f"  {op:24s} {d/runs/1000:6.3f} ms  {c[op]/runs:5.0f} nodes")
