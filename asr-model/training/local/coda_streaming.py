"""Cache-based streaming encoder of a CoDA variant: one chunk of new frames per call, routed inside the chunk.

The streaming counterpart of `local/streaming.py` for `coda.CodaConformer` at one r. Per call (one chunk of t <= C
output frames) each routed layer keeps the top k = ceil(t / r) of the chunk's frames (router scores on the layer
input, sorted back into time order), so every shape is fixed for full chunks. Unrouted layers (the first
`dense_layers`, the last `dense_last_layers`, every layer at r = 1) run on all frames as in the dense encoder.

What a layer's attention cache holds follows the routing design of the checkpoint (`coda.CodaConfig`):
  * a routed layer attends among the frames it processed, so its cache holds the keys/values of the frames it
    selected in the last `left_chunks` chunks: left_chunks * ceil(C / r) slots;
  * an unrouted layer caches every frame of the left context: left_chunks * C slots, and so does a routed layer
    whose selected frames attend to every frame (`CodaConfig.attend_all_frames`; keys/values of the selected frames
    after the half-step FFN, of the others as they entered the layer).
The causal depthwise convolution of a routed layer runs at the frames' true time offsets
(`conv_at_true_positions`: unselected frames are zeros; its cache is the last kernel-1 frames of that sequence) or
over the gathered sequence (its cache: the last kernel-1 selected frames), as the training forward does.

Positions: keys are cached rotated (RoPE) to their offset from the start of the NEXT chunk (negative), so a cached
frame keeps its true distance to every later query without a position tensor; each call rotates the cache by -t.

Cache layout (per stream; a batch stacks streams on dim 0), one tensor for all layers:
  att_cache  [B, 2, slots, d_model]  layer i's keys/values in slots [offset_i, offset_i + slots_i), oldest first;
             only the newest ones are valid: cache_len for an unrouted layer, ceil(cache_len / C) * ceil(C / r)
             for a routed one (every chunk before the last of a stream is full)
  conv_cache [B, layers, d_model, kernel-1]  as in local/streaming.py
  cache_len  [B] int64  valid frames of left context (the caller adds the chunk's frames, capped at left_chunks * C)

`chunk_routed_forward` is the same computation over a whole utterance with chunk masks (what the streaming graph
must equal, as `ConformerCTC.forward(chunk=...)` is for the dense streaming graph).
"""
import inspect
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

from local import coda as C
from local import model as M
from local import streaming as S


def attends_all_frames(coda_cfg) -> bool:
    """The routed-backbone design where routed frames' queries attend to every frame (CodaConfig.attend_all_frames,
    added after this module; absent = False)."""
    return bool(getattr(coda_cfg, "attend_all_frames", False))


def chunk_topk(s, r: int, chunk: int):
    """Router scores s [1, T] -> selected frame indices [1, K] in time order: the top ceil(n_c / r) of every chunk
    of `chunk` frames (n_c = the chunk's frames; the last chunk may be shorter)."""
    t = s.size(1)
    out = []
    for start in range(0, t, chunk):
        piece = s[:, start:start + chunk]
        k = -(-piece.size(1) // r)
        out.append(torch.topk(piece, k, dim=1)[1].sort(dim=1)[0] + start)
    return torch.cat(out, dim=1)


@torch.no_grad()
def chunk_routed_forward(net: C.CodaConformer, features, r: int, chunk: int, left_chunks: int):
    """One utterance [T, 80] through `net` with chunk masks and per-chunk routing -> log_probs [T', V]."""
    attend_all = attends_all_frames(net.coda.cfg)
    if attend_all and "full_input" not in inspect.signature(C.layer_forward_at).parameters:
        raise NotImplementedError("attend_all_frames needs coda.layer_forward_at(full_input=...)")
    bb = net.backbone
    x, _ = bb.subsample(bb.cmvn(features.unsqueeze(0)), torch.tensor([features.size(0)]))
    t = x.size(1)
    cm = M.chunk_mask(t, chunk, left_chunks, x.device)
    for i, layer in enumerate(bb.layers):
        a = net.coda.adapters[i](x)
        w = net.coda.routers[str(i)] if str(i) in net.coda.routers else None
        if r == 1 or w is None:
            x_new = layer(x, cm.unsqueeze(0))
        else:
            idx = chunk_topk(torch.matmul(x, w), r, chunk)
            full_like = x if net.coda.cfg.conv_at_true_positions else None
            if attend_all:  # [1, K, T]: the selected queries' chunk mask over every frame
                y = C.layer_forward_at(layer, C.gather_rows(x, idx), cm[idx], idx, full_like, full_input=x)
            else:  # [1, K, K]: chunk mask at the original indices
                y = C.layer_forward_at(layer, C.gather_rows(x, idx), cm[idx.unsqueeze(2), idx.unsqueeze(1)], idx,
                                       full_like)
            x_new = C.scatter_rows(x, idx, y)
        x = x_new + a
    return F.log_softmax(bb.head(x).float(), dim=-1)[0]


class CodaStreamingEncoder(nn.Module):
    """(features [B, T, 80], cache_len [B], att_cache, conv_cache) -> (log_probs, new_att_cache, new_conv_cache)."""

    def __init__(self, net: C.CodaConformer, r: int, chunk: int, left_chunks: int):
        super().__init__()
        self.attend_all = attends_all_frames(net.coda.cfg)
        self.net, self.r, self.chunk, self.left_chunks = net, r, chunk, left_chunks
        self.cache_frames = chunk * left_chunks
        self.routed = [r > 1 and str(i) in net.coda.routers for i in range(net.backbone.cfg.layers)]
        self.chunk_k = -(-chunk // r)
        # a layer caches what its queries attend to: a routed layer its own frames, unless they attend to all
        self.routed_cache = [routed and not self.attend_all for routed in self.routed]
        self.slots = [left_chunks * self.chunk_k if rc else self.cache_frames for rc in self.routed_cache]
        self.offsets = [sum(self.slots[:i]) for i in range(len(self.slots))]

    @property
    def total_slots(self):
        return sum(self.slots)

    def empty_caches(self, batch: int):
        cfg = self.net.backbone.cfg
        return (torch.zeros(batch, dtype=torch.int64), torch.zeros(batch, 2, self.total_slots, cfg.d_model),
                torch.zeros(batch, cfg.layers, cfg.d_model, cfg.kernel - 1))

    def forward(self, features, cache_len, att_cache, conv_cache):
        bb = self.net.backbone
        x = bb.cmvn(features)
        x = bb.subsample.conv(x.unsqueeze(1))
        b, ch, t, f = x.size()
        x = bb.subsample.out(x.transpose(1, 2).reshape(b, t, ch * f))
        lengths = torch.ones_like(x[:, :, 0], dtype=torch.int64).sum(1)  # [B] = t, traced as a dynamic size
        # per call, shared by the layers: rotary tables of the chunk's positions and of the shift by -t that re-bases
        # the kept keys on the next chunk, and each cache size's key mask
        dk = bb.layers[0].att.dk
        cos, sin = M.rotary_tables(t, dk, x.device, x.dtype)  # [T, dk]
        shift = C.rotary_tables_at(-lengths[:1].unsqueeze(1), dk, x.dtype)  # [1, 1, 1, dk] each
        chunks_cached = torch.div(cache_len + (self.chunk - 1), self.chunk, rounding_mode="trunc")
        routed_valid = chunks_cached * self.chunk_k
        masks = {}
        for i in range(len(self.slots)):
            valid = torch.clamp(routed_valid, max=self.slots[i]) if self.routed_cache[i] else cache_len
            key = (self.routed_cache[i], self.slots[i])
            if key not in masks:
                slot = torch.arange(self.slots[i], device=x.device).unsqueeze(0)
                masks[key] = (slot >= (self.slots[i] - valid).unsqueeze(1)).view(b, 1, 1, self.slots[i])
        new_att, new_conv = [], []
        for i, layer in enumerate(bb.layers):
            a = self.net.coda.adapters[i](x)
            cache = att_cache[:, :, self.offsets[i]:self.offsets[i] + self.slots[i]]
            mask = masks[(self.routed_cache[i], self.slots[i])]
            if self.routed[i]:
                s = torch.matmul(x, self.net.coda.routers[str(i)])  # [B, T]
                k = torch.div(lengths.max() + (self.r - 1), self.r, rounding_mode="trunc")
                idx = torch.topk(s, k, dim=1)[1].sort(dim=1)[0]  # top ceil(t / r) in time order
                rot = (cos[idx].unsqueeze(1), sin[idx].unsqueeze(1))
                y, kv, cc = self._layer(layer, C.gather_rows(x, idx), idx, rot, shift, cache, mask,
                                        conv_cache[:, i], x, (cos, sin) if self.attend_all else None)
                x_new = C.scatter_rows(x, idx, y)
            else:
                x_new, kv, cc = self._layer(layer, x, None, (cos, sin), shift, cache, mask, conv_cache[:, i], None)
            new_att.append(kv)
            new_conv.append(cc)
            x = x_new + a
        log_probs = F.log_softmax(bb.head(x).float(), dim=-1)
        return log_probs, torch.cat(new_att, dim=2), torch.stack(new_conv, dim=1)

    def _layer(self, layer, x, pos, rot, shift, cache, mask, conv_cache, full_like, all_rot=None):
        """ConformerLayer on frames x [B, K, D] (at chunk positions pos [B, K]; None: the whole chunk) with this
        layer's caches; rot: their rotary tables; full_like: the whole chunk [B, T, D] of a routed layer (its conv
        runs at true offsets; all_rot, the chunk's rotary tables, given: its queries attend to every frame, keys and
        values from the selected frames after the half-step FFN and the others as they entered, as
        coda.layer_forward_at(full_input=...))."""
        x = x + 0.5 * layer.ff1(x)
        kv_in = None
        if all_rot is not None:
            kv_in = (layer.norm_att(C.scatter_rows(full_like, pos, x)), all_rot)
        a, kv = self._attention(layer.att, layer.norm_att(x), rot, shift, cache, mask, kv_in)
        x = x + a
        y, cc = self._conv(layer.conv, x, pos, conv_cache,
                           full_like if self.net.coda.cfg.conv_at_true_positions else None)
        x = x + y
        x = x + 0.5 * layer.ff2(x)
        return layer.norm_out(x), kv, cc

    @staticmethod
    def _attention(att, x, rot, shift, cache, key_ok, kv_in=None):
        """kv_in: (the keys' and values' frames [B, T, D], their rotary tables) where they are not the queries'."""
        b, k, d = x.size()
        lc = cache.size(2)
        heads = lambda z: z.reshape(b, lc, att.h, att.dk).transpose(1, 2)  # noqa: E731
        if kv_in is None:
            qkv = att.qkv(x).view(b, k, 3, att.h, att.dk).transpose(1, 3)  # [B, H, 3, K, dk]
            q, new_k, new_v, kv_rot = qkv[:, :, 0], qkv[:, :, 1], qkv[:, :, 2], rot
        else:
            frames, kv_rot = kv_in
            w, bias = att.qkv.weight, att.qkv.bias
            q = F.linear(x, w[:d], bias[:d]).view(b, k, att.h, att.dk).transpose(1, 2)
            kv = F.linear(frames, w[d:], bias[d:]).view(b, -1, 2, att.h, att.dk).transpose(1, 3)
            new_k, new_v = kv[:, :, 0], kv[:, :, 1]
        qh = M.apply_rotary(q, *rot)
        kh = torch.cat([heads(cache[:, 0]), M.apply_rotary(new_k, *kv_rot)], dim=2)
        vh = torch.cat([heads(cache[:, 1]), new_v], dim=2)
        key_ok = torch.cat([key_ok, torch.ones_like(key_ok[:, :, :, :1]).expand(-1, -1, -1, new_k.size(2))], dim=3)
        scores = torch.matmul(qh, kh.transpose(-2, -1)) / math.sqrt(att.dk)
        scores = scores.masked_fill(~key_ok, -1e4)
        probs = torch.softmax(scores, dim=-1).masked_fill(~key_ok, 0.0)
        out = torch.matmul(probs, vh).transpose(1, 2).reshape(b, k, d)
        # re-base the kept keys on the next chunk's first frame: rotate by -t (RoPE angles add)
        flat = lambda z: z.transpose(1, 2).reshape(b, lc, d)  # noqa: E731
        keys = flat(M.apply_rotary(kh[:, :, kh.size(2) - lc:], *shift))
        values = flat(vh[:, :, vh.size(2) - lc:])
        return att.proj(out), torch.stack([keys, values], dim=1)

    @staticmethod
    def _conv(conv, x, pos, cache, full_like):
        g = F.glu(conv.pw1(conv.norm(x)), dim=-1)  # [B, K, D]
        if full_like is not None:  # true offsets: the chunk's frames with zeros where a frame was not selected
            g = C.scatter_rows(torch.zeros_like(full_like), pos, g)
        full = torch.cat([cache, g.transpose(1, 2)], dim=2)  # [B, D, kernel-1+T]
        y = conv.dw(full).transpose(1, 2)
        if full_like is not None:
            y = C.gather_rows(y, pos)
        y = conv.pw2(F.silu(conv.norm2(y)))
        return y, full[:, :, full.size(2) - cache.size(2):]


def run_chunked(enc: CodaStreamingEncoder, features: torch.Tensor):
    """Streams one utterance [T, 80] through `enc` chunk by chunk; returns log_probs [T', V]."""
    cache_len, att, conv = enc.empty_caches(1)
    outs = []
    with torch.no_grad():
        for piece in S.chunk_features(features, enc.chunk, enc.net.backbone.cfg.subsampling):
            lp, att, conv = enc(piece.unsqueeze(0), cache_len, att, conv)
            outs.append(lp[0])
            cache_len = (cache_len + lp.size(1)).clamp(max=enc.cache_frames)
    return torch.cat(outs, dim=0)
