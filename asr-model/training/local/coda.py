"""CoDA (Conditional Adapters, Lei et al. 2023) on top of the frozen dense conformer-CTC of `model.py`.

Per conformer layer i (the dense `ConformerLayer` is reused unchanged and stays frozen):

    s      = X . w_i                                  router score per frame (padded frames: -inf)
    idx    = top-k(s), k = ceil(n / r) per utterance  n = valid frames of the utterance (or streaming window)
             sorted back into TIME ORDER
    X_sel  = gather(X, idx)
    F_sel  = layer(X_sel) with self-attention among the selected frames only (attend_all_frames: the selected
             frames' queries over the keys/values of every frame), rotary positions = their ORIGINAL
             frame indices, FFNs on the selected frames, and the causal depthwise conv at the frames' TRUE time
             offsets: the selected frames are scattered into a zero sequence of full length, convolved, gathered
             back (conv_at_true_positions; the pointwise parts still run on the selected frames only)
    X'     = scatter(X, idx, X_sel + g(s_sel) * (F_sel - X_sel))     the other frames pass through unchanged
    Y      = X' + Adapter_i(X)                        parallel adapter on ALL frames: LN -> Linear d->a -> SiLU ->
                                                      Linear a->d (zero-initialised, so step 0 == hard routing)

Gate g: the value is exactly 1 in training and inference (train == inference numerically), but in training it
carries the router gradient: g = sigmoid(s) / stop_grad(sigmoid(s)), so dL/ds_i = (1 - sigmoid(s_i)) <dL/dX'_i,
F_i - X_i>: frames whose layer update lowers the loss get higher scores (a straight-through estimator of the hard
top-k, as in Mixture-of-Depths style routers). With g = 1 the frozen layer's update is never rescaled, so r = 1
reproduces the dense layer exactly. This replaces the paper's iterative soft top-k, which would need a loop in the
exported graph.

Layers with index < dense_layers, and the last dense_last_layers layers, are never routed (r = 1) but still get an
adapter. r = 1 on every layer is the
"parallel adapter" baseline (every frame through every layer): the speed reference.

Batches: k_b = ceil(n_b / r) differs per row; the graph uses K = max_b k_b slots per row. Slots beyond k_b (rank
order) are invalid: they are sorted to the end of the gathered sequence (so the causal conv never sees them before
a valid slot), masked as attention keys, and written back unchanged. All K indices of a row are distinct (top-k of
one row), so the scatter has no duplicate indices and is deterministic.
"""
import math
from dataclasses import asdict, dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F

from . import model as M  # the dense conformer (frozen; reused unchanged)

CODA_R_VALUES = (1, 2, 4, 8)


@dataclass
class CodaConfig:
    adapter_dim: int = 0  # 0 -> d_model // 4
    dense_layers: int = 1  # the first layers are never routed (r = 1)
    dense_last_layers: int = 0  # nor are the last ones (the full-rate ends of Token Dropping / Skipformer designs)
    adapter_dropout: float = 0.1
    router_init_std: float = 0.02
    # True: the depthwise conv sees the selected frames at their true time offsets (others zero). False (the first
    # CoDA runs): it ran over the gathered sequence, so its 15 taps spanned irregular gaps. Measured on the 10-layer
    # backbone (zero adapters, trained routers, r=2 on layers 1-9, 8 utterances one at a time): KL(dense || CoDA) per
    # frame 2.38 -> 2.22, argmax agreement with dense 31.5 -> 36.7 %. (Running the conv over all frames would give
    # 1.87 / 44.8 % but costs the pointwise conv on every frame.)
    conv_at_true_positions: bool = True
    # True: in a routed layer the selected frames' attention queries attend to the keys/values of EVERY valid frame
    # (K/V projected for all frames from their current representation: the selected ones after the first half-step
    # FFN, the others as they entered the layer); the FFNs and the conv still run on the selected frames only.
    # False: attention among the selected frames only.
    attend_all_frames: bool = False

    @classmethod
    def from_checkpoint(cls, stored: dict) -> "CodaConfig":
        """The config a checkpoint was trained with; checkpoints from before conv_at_true_positions existed were
        trained with the gathered conv."""
        return cls(**{"conv_at_true_positions": False, **stored})

    def __post_init__(self):
        if self.adapter_dim < 0 or self.dense_layers < 0 or self.dense_last_layers < 0:
            raise ValueError("adapter_dim, dense_layers and dense_last_layers must be >= 0")
        if not 0.0 <= self.adapter_dropout < 1.0:
            raise ValueError("adapter_dropout must be in [0, 1)")

    def to_dict(self):
        return asdict(self)


class ParallelAdapter(nn.Module):
    def __init__(self, d_model: int, dim: int, dropout: float):
        super().__init__()
        self.norm = nn.LayerNorm(d_model)
        self.down = nn.Linear(d_model, dim)
        self.up = nn.Linear(dim, d_model)
        self.drop = nn.Dropout(dropout)
        nn.init.zeros_(self.up.weight)
        nn.init.zeros_(self.up.bias)

    def forward(self, x):
        return self.up(self.drop(F.silu(self.down(self.norm(x)))))


def rotary_tables_at(pos: torch.Tensor, dim: int, dtype):
    """cos/sin [B, 1, K, dim] for frame positions pos [B, K]; the same angles as model.rotary_tables(t) at
    positions 0..t-1, so rotary attention over gathered frames sees their original relative distances."""
    inv_freq = 1.0 / (10000 ** (torch.arange(0, dim, 2, device=pos.device, dtype=torch.float32) / dim))
    ang = pos.to(torch.float32).unsqueeze(-1) * inv_freq  # [B, K, dim/2]
    ang = torch.cat([ang, ang], dim=-1).unsqueeze(1)
    return ang.cos().to(dtype), ang.sin().to(dtype)


def attention_at(att: "M.RotarySelfAttention", x, mask, pos, kv=None):
    """RotarySelfAttention.forward with explicit frame positions pos [B, K] (same weights, same math). kv [B, T, D]:
    the queries of x attend to the keys/values of kv's frames at positions 0..T-1 instead (mask [B, K|1, T]); only
    the query projection runs on x and only the key/value projections on kv."""
    b, t, d = x.size()
    if kv is None:
        qkv = att.qkv(x).view(b, t, 3, att.h, att.dk).permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0], qkv[1], qkv[2]
    else:
        q = F.linear(x, att.qkv.weight[:d], att.qkv.bias[:d]).view(b, t, att.h, att.dk).transpose(1, 2)
        kvp = F.linear(kv, att.qkv.weight[d:], att.qkv.bias[d:]).view(b, kv.size(1), 2, att.h, att.dk)
        kvp = kvp.permute(2, 0, 3, 1, 4)
        k, v = kvp[0], kvp[1]
    cos, sin = rotary_tables_at(pos, att.dk, q.dtype)
    q = M.apply_rotary(q, cos, sin)
    k = M.apply_rotary(k, cos, sin) if kv is None else M.apply_rotary(k, *M.rotary_tables(kv.size(1), att.dk,
                                                                                          kv.device, k.dtype))
    scores = torch.matmul(q, k.transpose(-2, -1)) / math.sqrt(att.dk)
    m = mask.unsqueeze(1)
    scores = scores.masked_fill(~m, -1e4)
    attn = torch.softmax(scores, dim=-1).masked_fill(~m, 0.0)
    out = torch.matmul(att.drop(attn), v).transpose(1, 2).reshape(b, t, d)
    return att.proj(out)


def _flat_rows(idx, t: int):
    """[B, K] frame indices -> [B*K] row indices into the [B*T, D] view of a batch."""
    return (idx + torch.arange(idx.size(0), device=idx.device).unsqueeze(1) * t).reshape(-1)


def gather_rows(x, idx):
    """x [B, T, D], idx [B, K] -> x[b, idx[b, k], :] as [B, K, D]. Whole frames are copied as rows of the flattened
    batch (ONNX Gather on axis 0, one memcpy per frame) instead of GatherElements with an index per element."""
    b, t, d = x.shape
    return x.reshape(b * t, d).index_select(0, _flat_rows(idx, t)).view(b, -1, d)


def scatter_rows(x, idx, src):
    """x with the frames idx [B, K] (distinct per row) replaced by src [B, K, D]: ONNX ScatterND on whole rows
    instead of ScatterElements with an index per element (same values; no measurable time change in ONNX Runtime)."""
    b, t, d = x.shape
    return torch.index_put(x.reshape(b * t, d), (_flat_rows(idx, t),), src.reshape(-1, d)).view(b, t, d)


def conv_at(conv: "M.CausalConvModule", x, pos, full_like, slot_valid=None):
    """CausalConvModule.forward on gathered frames x [B, K, D] whose depthwise conv runs at their original frame
    indices pos [B, K] in a zero sequence shaped like full_like [B, T, D]. pos holds distinct indices per row;
    slots with slot_valid False (padding of a shorter row in a batch) contribute zeros, as unselected frames do."""
    y = F.glu(conv.pw1(conv.norm(x)), dim=-1)
    if slot_valid is not None:
        y = y * slot_valid.unsqueeze(-1).to(y.dtype)
    full = scatter_rows(torch.zeros_like(full_like, dtype=y.dtype), pos, y)
    z = conv.dw(F.pad(full.transpose(1, 2), (conv.kernel - 1, 0))).transpose(1, 2)
    return conv.drop(conv.pw2(F.silu(conv.norm2(gather_rows(z, pos)))))


def layer_forward_at(layer: "M.ConformerLayer", x, mask, pos, full_like=None, slot_valid=None, full_input=None):
    """ConformerLayer.forward on a gathered frame subset whose original frame indices are pos [B, K]. With
    full_like ([B, T, D], the layer's whole input) the depthwise conv runs at the true positions (conv_at). With
    full_input ([B, T, D], the layer's whole input; CodaConfig.attend_all_frames) the subset's queries attend to
    every frame (mask [B, K|1, T]): the subset after its half-step FFN, the other frames as they entered."""
    x = x + 0.5 * layer.ff1(x)
    kv = None
    if full_input is not None:
        upd = x if slot_valid is None else torch.where(slot_valid.unsqueeze(-1), x, gather_rows(full_input, pos))
        kv = layer.norm_att(scatter_rows(full_input, pos, upd.to(full_input.dtype)))
    x = x + layer.drop(attention_at(layer.att, layer.norm_att(x), mask, pos, kv))
    x = x + (layer.conv(x) if full_like is None else conv_at(layer.conv, x, pos, full_like, slot_valid))
    x = x + 0.5 * layer.ff2(x)
    return layer.norm_out(x)


@torch.no_grad()
def check_layer_replica(layer: "M.ConformerLayer"):
    """layer_forward_at re-implements ConformerLayer.forward with explicit positions (model.py has no position
    argument): fail loudly if model.py's layer changed so the replica no longer matches it."""
    was_training = layer.training
    layer.eval()
    g = torch.Generator().manual_seed(0)
    d = layer.norm_out.normalized_shape[0]
    dev = layer.norm_out.weight.device
    x = torch.randn(2, 9, d, generator=g).to(dev)
    mask = torch.ones(2, 1, 9, dtype=torch.bool, device=dev)
    mask[1, 0, 6:] = False
    pos = torch.arange(9, device=dev).unsqueeze(0).expand(2, -1)
    ref = layer(x, mask)
    diff = max(float((layer_forward_at(layer, x, mask, pos) - ref).abs().max()),
               float((layer_forward_at(layer, x, mask, pos, full_like=x) - ref).abs().max()),
               float((layer_forward_at(layer, x, mask, pos, full_like=x, full_input=x) - ref).abs().max()))
    layer.train(was_training)
    if diff > 1e-5:
        raise RuntimeError(f"coda.layer_forward_at no longer matches model.ConformerLayer.forward (max diff {diff:.2e}):"
                           " update coda.py to the changed model.py")


def select_frames(scores, valid, lengths, r: int):
    """Hard top-k routing. scores [B, T] float, valid [B, T] bool, lengths [B] int64 (valid frames per row).
    Returns idx [B, K] (selected frames in time order first, then the unused slots), slot_valid [B, K] bool,
    K = max_b ceil(n_b / r). k is computed from the lengths tensor so the exported graph keeps it dynamic."""
    k = torch.div(lengths + (r - 1), r, rounding_mode="trunc")  # ceil(n / r); lengths >= 0
    kmax = k.max()
    masked = scores.masked_fill(~valid, float("-inf"))
    _, idx = torch.topk(masked, kmax, dim=1)  # rank order, distinct indices
    rank = torch.arange(idx.size(1), device=idx.device).unsqueeze(0)
    slot_valid = rank < k.unsqueeze(1)
    key = idx.to(torch.float32).masked_fill(~slot_valid, float("inf"))  # unused slots after all used ones
    order = torch.sort(key, dim=1)[1]
    idx = torch.gather(idx, 1, order)
    slot_valid = torch.gather(slot_valid, 1, order)
    return idx, slot_valid


def routed_layers(coda: CodaConfig, layers: int):
    """Indices of the layers that get a router: all but the first dense_layers and the last dense_last_layers."""
    return range(min(coda.dense_layers, layers), max(min(coda.dense_layers, layers), layers - coda.dense_last_layers))


class CodaAdapters(nn.Module):
    """The new (trainable) parameters: one router vector per routed layer, one parallel adapter per layer."""

    def __init__(self, cfg: "M.ConformerConfig", coda: CodaConfig):
        super().__init__()
        self.cfg = coda
        d = cfg.d_model
        dim = coda.adapter_dim or max(1, d // 4)
        self.adapters = nn.ModuleList([ParallelAdapter(d, dim, coda.adapter_dropout) for _ in range(cfg.layers)])
        self.routers = nn.ParameterDict({
            str(i): nn.Parameter(torch.randn(d) * coda.router_init_std)
            for i in routed_layers(coda, cfg.layers)})

    def num_params(self):
        return sum(p.numel() for p in self.parameters())


class CodaConformer(nn.Module):
    """Frozen dense ConformerCTC + CodaAdapters. forward(features, lengths, r, chunk, left_chunks) ->
    (log_probs [B, T', V], out_lengths [B], selected [B, layers, T'] bool)."""

    def __init__(self, backbone: "M.ConformerCTC", coda: CodaAdapters, freeze_backbone: bool = True):
        """freeze_backbone=False only for train.py --route-r: the backbone itself trains under random routing."""
        super().__init__()
        self.backbone = backbone
        self.coda = coda
        self.freeze_backbone = freeze_backbone
        if freeze_backbone:
            for p in self.backbone.parameters():
                p.requires_grad_(False)
        check_layer_replica(backbone.layers[0])

    def train(self, mode: bool = True):
        super().train(mode)
        if self.freeze_backbone:
            self.backbone.eval()  # frozen: no dropout in the backbone, ever
        return self

    def encode(self, features, lengths, r: int = 1, chunk: int = 0, left_chunks: int = -1, shared=None,
               random_routing: bool = False, router_logits=None):
        """shared: (subsampling output, out_len, first layer output) of teacher_forward on the SAME features and
        mask, to skip recomputing them (training only; layer 0 must be dense, which it is when dense_layers >= 1).
        random_routing: the backbone alone under uniformly random top-k routing, for train.py --route-r (the backbone
        learns to work on any subset): no router scores or gradient, no adapters.
        router_logits: a list that receives, per routed layer at r >= 2, the router score of every frame computed on
        the detached layer input ([B, T]; train_coda.py --router-guide trains them towards the label frames)."""
        bb = self.backbone
        if shared is None:
            x = bb.cmvn(features)
            x, out_len = bb.subsample(x, lengths)
            x = bb.drop(x)
        else:
            x, out_len, first = shared
        t = x.size(1)
        valid = torch.arange(t, device=x.device).unsqueeze(0) < out_len.unsqueeze(1)  # [B, T]
        mask = valid.unsqueeze(1)
        cm = None
        if chunk > 0:
            cm = M.chunk_mask(t, chunk, left_chunks, x.device)
            mask = mask & cm.unsqueeze(0)
        selected = []
        for i, layer in enumerate(bb.layers):
            a = 0.0 if random_routing else self.coda.adapters[i](x)
            w = self.coda.routers[str(i)] if str(i) in self.coda.routers else None
            if shared is not None and i == 0 and w is None:
                x_new = first
                sel = valid
            elif r == 1 or w is None:
                x_new = layer(x, mask)
                sel = valid
            else:
                # one score per frame on the detached input serves the selection (no gradient through top-k), the
                # gate and the guidance loss: their gradient trains w only, never the representation
                s = torch.rand(x.shape[:2], device=x.device) if random_routing else torch.matmul(x.detach(), w)
                if router_logits is not None and not random_routing:
                    router_logits.append(s)
                idx, slot_valid = select_frames(s, valid, out_len, r)
                x_sel = gather_rows(x, idx)
                if self.coda.cfg.attend_all_frames:
                    m = valid.unsqueeze(1)  # [B, 1, T]: every valid frame is a key
                    if cm is not None:
                        m = m & cm[idx]  # [B, K, T] chunk mask of the selected queries
                else:
                    m = slot_valid.unsqueeze(1)  # [B, 1, K]: unused slots are never keys
                    if cm is not None:
                        m = m & cm[idx.unsqueeze(2), idx.unsqueeze(1)]  # [B, K, K] chunk mask at original indices
                full_like = x if self.coda.cfg.conv_at_true_positions else None
                delta = layer_forward_at(layer, x_sel, m, idx, full_like, slot_valid,
                                         x if self.coda.cfg.attend_all_frames else None) - x_sel
                if self.training and not random_routing:
                    # g = sigmoid(s) / stop_grad(sigmoid(s)) in log space (no 0/0 when s << 0)
                    ls = F.logsigmoid(torch.gather(s, 1, idx))
                    delta = delta * torch.exp(ls - ls.detach()).unsqueeze(-1)  # value 1, router gradient
                delta = delta * slot_valid.unsqueeze(-1).to(delta.dtype)
                x_new = scatter_rows(x, idx, (x_sel + delta).to(x.dtype))  # dtypes differ under autocast
                sel = torch.scatter(torch.zeros_like(valid), 1, idx, slot_valid)
            x = x_new + a
            selected.append(sel)
        return x, out_len, torch.stack(selected, dim=1)

    def forward(self, features, lengths, r: int = 1, chunk: int = 0, left_chunks: int = -1, shared=None,
                random_routing: bool = False, router_logits=None):
        x, out_len, selected = self.encode(features, lengths, r, chunk, left_chunks, shared, random_routing,
                                           router_logits)
        return F.log_softmax(self.backbone.head(x).float(), dim=-1), out_len, selected


@torch.no_grad()
def teacher_forward(backbone: "M.ConformerCTC", features, lengths, chunk: int = 0, left_chunks: int = -1):
    """ConformerCTC.forward (eval) that also returns (subsampling output, out_len, first layer output) for
    CodaConformer.forward(shared=...): the student's first, dense layer sees exactly the teacher's input."""
    x = backbone.drop(backbone.subsample(backbone.cmvn(features), lengths)[0])
    out_len = M.subsampled_lengths(lengths, backbone.cfg.subsampling)
    t = x.size(1)
    mask = (torch.arange(t, device=x.device).unsqueeze(0) < out_len.unsqueeze(1)).unsqueeze(1)
    if chunk > 0:
        mask = mask & M.chunk_mask(t, chunk, left_chunks, x.device).unsqueeze(0)
    shared_x, h = x, x
    first = None
    for i, layer in enumerate(backbone.layers):
        h = layer(h, mask)
        if i == 0:
            first = h
    return F.log_softmax(backbone.head(h).float(), dim=-1), (shared_x, out_len, first)


class CodaExport(nn.Module):
    """Inference graph for one r with the ONNX contract: (features, feature_lengths) ->
    (log_probs, log_prob_lengths, coda_selected bool [B, layers, T'])."""

    def __init__(self, net: CodaConformer, r: int):
        super().__init__()
        self.net, self.r = net, r

    def forward(self, features, feature_lengths):
        return self.net(features, feature_lengths, r=self.r)


def load_coda(backbone: "M.ConformerCTC", path, map_location="cpu"):
    """CoDA checkpoint (train_coda.py format) on top of a loaded backbone -> (CodaConformer in eval, state)."""
    state = torch.load(path, map_location=map_location)
    coda = CodaAdapters(backbone.cfg, CodaConfig.from_checkpoint(state["coda_config"]))
    coda.load_state_dict(state["coda"])
    return CodaConformer(backbone, coda).eval(), state
