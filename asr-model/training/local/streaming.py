"""Cache-based streaming encoder: one chunk of new frames per call, the left context carried as caches.

The windowed streaming path re-encodes `left_context` frames of history with every chunk (five times the work for
16 new frames after 64 of context). This module computes the same thing the chunk-masked training forward computes
(`ConformerCTC.forward(..., chunk=C, left_chunks=N)`): every layer's attention sees the keys and values of its own
input over the last N chunks, and the causal depthwise convolution its last kernel-1 inputs. Those are exactly what
a call returns as caches for the next one, so a chunk is encoded once.

Cache layout (per stream; a batch stacks streams on dim 0):
  att_cache  [B, layers, 2, cache_frames, d_model]  keys (before the rotary rotation) and values of the last
             cache_frames frames, oldest first; only the newest `cache_len` slots are valid
  conv_cache [B, layers, d_model, kernel-1]  the depthwise convolution's inputs (GLU outputs) of the last frames
             (zeros at the start of a stream, which is the causal convolution's own left padding)
  cache_len  [B] int64  valid frames in att_cache (0 for a new stream; the caller adds the chunk's frames, capped)

Rotary positions are relative, so keys are cached un-rotated and the window [cache | chunk] is rotated with positions
0 .. cache_frames + chunk - 1 at each call; the invalid (oldest) slots are masked out of the attention.
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

from local import model as M


class StreamingEncoder(nn.Module):
    def __init__(self, net: M.ConformerCTC, cache_frames: int):
        super().__init__()
        self.net = net
        self.cache_frames = cache_frames

    def forward(self, features, cache_len, att_cache, conv_cache):
        """features [B, T, 80] raw fbank of one chunk (T = subsampling * (chunk - 1) + receptive field) ->
        (log_probs [B, chunk, V], new_att_cache, new_conv_cache)."""
        net = self.net
        x = net.cmvn(features)
        x = net.subsample.conv(x.unsqueeze(1))
        b, ch, t, f = x.size()
        x = net.subsample.out(x.transpose(1, 2).reshape(b, t, ch * f))
        lc = att_cache.size(3)
        slots = torch.arange(lc + t, device=x.device).unsqueeze(0)
        key_ok = (slots >= (lc - cache_len).unsqueeze(1)).view(b, 1, 1, lc + t)  # [B, 1, 1, Lc+T]
        new_att, new_conv = [], []
        for i, layer in enumerate(net.layers):
            x = x + 0.5 * layer.ff1(x)
            a, kv = self._attention(layer.att, layer.norm_att(x), att_cache[:, i], key_ok)
            new_att.append(kv)
            x = x + a
            y, cc = self._conv(layer.conv, x, conv_cache[:, i])
            new_conv.append(cc)
            x = x + y
            x = x + 0.5 * layer.ff2(x)
            x = layer.norm_out(x)
        log_probs = F.log_softmax(net.head(x).float(), dim=-1)
        return log_probs, torch.stack(new_att, dim=1), torch.stack(new_conv, dim=1)

    @staticmethod
    def _attention(att, x, cache, key_ok):
        b, t, d = x.size()
        lc = cache.size(2)
        qkv = att.qkv(x).view(b, t, 3, d)
        q, k, v = qkv[:, :, 0], qkv[:, :, 1], qkv[:, :, 2]  # [B, T, D]
        k_all = torch.cat([cache[:, 0], k], dim=1)  # [B, Lc+T, D]
        v_all = torch.cat([cache[:, 1], v], dim=1)
        heads = lambda z: z.reshape(b, z.size(1), att.h, att.dk).transpose(1, 2)  # noqa: E731
        qh, kh, vh = heads(q), heads(k_all), heads(v_all)
        cos, sin = M.rotary_tables(lc + t, att.dk, x.device, qh.dtype)
        qh = M.apply_rotary(qh, cos[lc:], sin[lc:])
        kh = M.apply_rotary(kh, cos, sin)
        scores = torch.matmul(qh, kh.transpose(-2, -1)) / math.sqrt(att.dk)
        scores = scores.masked_fill(~key_ok, -1e4)
        probs = torch.softmax(scores, dim=-1).masked_fill(~key_ok, 0.0)
        out = torch.matmul(probs, vh).transpose(1, 2).reshape(b, t, d)
        new_cache = torch.stack([k_all[:, -lc:], v_all[:, -lc:]], dim=1)  # [B, 2, Lc, D]
        return att.proj(out), new_cache

    @staticmethod
    def _conv(conv, x, cache):
        g = F.glu(conv.pw1(conv.norm(x)), dim=-1).transpose(1, 2)  # [B, D, T]
        full = torch.cat([cache, g], dim=2)  # [B, D, K-1+T]
        y = conv.dw(full).transpose(1, 2)
        y = conv.pw2(F.silu(conv.norm2(y)))
        return y, full[:, :, full.size(2) - cache.size(2):]


def empty_caches(cfg: M.ConformerConfig, batch: int, cache_frames: int):
    att = torch.zeros(batch, cfg.layers, 2, cache_frames, cfg.d_model)
    conv = torch.zeros(batch, cfg.layers, cfg.d_model, cfg.kernel - 1)
    return torch.zeros(batch, dtype=torch.int64), att, conv


def chunk_features(features: torch.Tensor, chunk: int, subsampling: int):
    """Splits [T, 80] fbank into the per-call feature slices of a stream: chunk k covers input frames
    [s*chunk*k, s*(chunk*(k+1) - 1) + rf); the last slice may give fewer output frames."""
    rf, stride = M.subsampling_receptive_field(subsampling)
    total = features.size(0)
    out_frames = 0 if total < rf else (total - rf) // stride + 1
    slices = []
    done = 0
    while done < out_frames:
        n = min(chunk, out_frames - done)
        start = stride * done
        end = stride * (done + n - 1) + rf
        slices.append(features[start:end])
        done += n
    return slices


def run_chunked(enc: StreamingEncoder, features: torch.Tensor, chunk: int):
    """Streams one utterance [T, 80] through the encoder chunk by chunk; returns log_probs [T', V]."""
    cfg = enc.net.cfg
    cache_len, att, conv = empty_caches(cfg, 1, enc.cache_frames)
    outs = []
    with torch.no_grad():
        for piece in chunk_features(features, chunk, cfg.subsampling):
            lp, att, conv = enc(piece.unsqueeze(0), cache_len, att, conv)
            outs.append(lp[0])
            cache_len = (cache_len + lp.size(1)).clamp(max=enc.cache_frames)
    return torch.cat(outs, dim=0)
