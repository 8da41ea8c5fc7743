"""Conformer-CTC acoustic model (export-friendly: ONNX opset 17 with torch >= 1.13).

Design choices:
* Rotary positional encoding (RoPE) in self-attention: truly relative, no learned tables, exports as plain
  Range/Sin/Cos ops with a dynamic number of frames.
* CAUSAL depthwise convolution in the conv module, so chunked streaming sees the same context as training and
  padded frames at the end of a batch cannot leak into valid frames.
* LayerNorm everywhere (no BatchNorm: padding- and batch-size-independent).
* Global CMVN is a buffer applied as the very first op, so the exported graph takes raw fbank.
* `ConformerLayer.forward(x, mask)` takes frames [B, T, D] and a boolean attention mask broadcastable to
  [B, T, T] (True = may attend) and returns the new x: a CoDA router can wrap each layer unchanged.
"""
import math
from dataclasses import asdict, dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F


@dataclass
class ConformerConfig:
    d_model: int = 144
    heads: int = 4
    ff: int = 576
    layers: int = 6
    kernel: int = 15
    subsampling: int = 4  # 4 or 8
    subsampling_channels: int = 64
    vocab: int = 29
    feature_dim: int = 80
    dropout: float = 0.1
    # "silu" cannot die: the first H100 run (ReLU, lr 2e-3, 500 warm-up steps, bf16) ended with 49 of its 64
    # subsampling channels dead, stuck on the CTC blank plateau
    subsampling_act: str = "relu"

    def __post_init__(self):
        if self.d_model % self.heads or (self.d_model // self.heads) % 2:
            raise ValueError("d_model must be divisible by heads with an even head size (RoPE)")
        if self.subsampling not in (4, 8):
            raise ValueError("subsampling must be 4 or 8")
        if self.kernel < 1:
            raise ValueError("kernel must be >= 1")
        if self.subsampling_act not in ("relu", "silu"):
            raise ValueError("subsampling_act must be relu or silu")

    def to_dict(self):
        return asdict(self)


def subsampled_lengths(lengths: torch.Tensor, factor: int) -> torch.Tensor:
    """Output frames of the Conv2d subsampling (3x3 kernels, stride 2, no padding):
    4x: ((T-1)//2 - 1)//2 ; 8x: (((T-1)//2 - 1)//2 - 1)//2."""
    out = torch.div(lengths - 1, 2, rounding_mode="floor")
    out = torch.div(out - 1, 2, rounding_mode="floor")
    if factor == 8:
        out = torch.div(out - 1, 2, rounding_mode="floor")
    return out.clamp(min=0)


def subsampling_receptive_field(factor: int):
    """(input frames seen by one output frame, input-frame stride). Output frame i covers input frames
    [factor*i, factor*i + rf - 1]: rf=7 for 4x, rf=15 for 8x."""
    return (7, 4) if factor == 4 else (15, 8)


class GlobalCMVN(nn.Module):
    def __init__(self, dim: int):
        super().__init__()
        self.register_buffer("mean", torch.zeros(dim))
        self.register_buffer("istd", torch.ones(dim))

    def set_stats(self, mean: torch.Tensor, std: torch.Tensor):
        self.mean.copy_(mean)
        self.istd.copy_(1.0 / std.clamp_min(1e-5))

    def forward(self, x):
        return (x - self.mean) * self.istd


class Conv2dSubsampling(nn.Module):
    def __init__(self, cfg: ConformerConfig):
        super().__init__()
        c = cfg.subsampling_channels
        act = nn.SiLU if cfg.subsampling_act == "silu" else nn.ReLU
        convs = [nn.Conv2d(1, c, 3, 2), act(), nn.Conv2d(c, c, 3, 2), act()]
        f = ((cfg.feature_dim - 1) // 2 - 1) // 2
        if cfg.subsampling == 8:
            convs += [nn.Conv2d(c, c, 3, 2), act()]
            f = (f - 1) // 2
        self.conv = nn.Sequential(*convs)
        self.out = nn.Linear(c * f, cfg.d_model)
        self.factor = cfg.subsampling

    def forward(self, x, lengths):
        x = self.conv(x.unsqueeze(1))  # [B, C, T', F']
        b, c, t, f = x.size()
        x = self.out(x.transpose(1, 2).reshape(b, t, c * f))
        return x, subsampled_lengths(lengths, self.factor)


def rotary_tables(t: int, dim: int, device, dtype):
    inv_freq = 1.0 / (10000 ** (torch.arange(0, dim, 2, device=device, dtype=torch.float32) / dim))
    pos = torch.arange(t, device=device, dtype=torch.float32)
    ang = pos.unsqueeze(1) * inv_freq.unsqueeze(0)  # [T, dim/2]
    ang = torch.cat([ang, ang], dim=-1)
    return ang.cos().to(dtype), ang.sin().to(dtype)


def apply_rotary(x, cos, sin):
    half = x.size(-1) // 2
    x1, x2 = x[..., :half], x[..., half:]
    return x * cos + torch.cat([-x2, x1], dim=-1) * sin


class RotarySelfAttention(nn.Module):
    def __init__(self, d_model: int, heads: int, dropout: float):
        super().__init__()
        self.h, self.dk = heads, d_model // heads
        self.qkv = nn.Linear(d_model, 3 * d_model)
        self.proj = nn.Linear(d_model, d_model)
        self.drop = nn.Dropout(dropout)

    def forward(self, x, mask):
        b, t, d = x.size()
        qkv = self.qkv(x).view(b, t, 3, self.h, self.dk).permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0], qkv[1], qkv[2]  # each [B, H, T, dk]
        cos, sin = rotary_tables(t, self.dk, x.device, q.dtype)
        q, k = apply_rotary(q, cos, sin), apply_rotary(k, cos, sin)
        scores = torch.matmul(q, k.transpose(-2, -1)) / math.sqrt(self.dk)
        m = mask.unsqueeze(1)  # [B, 1, T|1, T]
        scores = scores.masked_fill(~m, -1e4)
        attn = torch.softmax(scores, dim=-1).masked_fill(~m, 0.0)
        out = torch.matmul(self.drop(attn), v).transpose(1, 2).reshape(b, t, d)
        return self.proj(out)


class FeedForward(nn.Module):
    def __init__(self, d_model: int, ff: int, dropout: float):
        super().__init__()
        self.net = nn.Sequential(nn.LayerNorm(d_model), nn.Linear(d_model, ff), nn.SiLU(), nn.Dropout(dropout),
                                 nn.Linear(ff, d_model), nn.Dropout(dropout))

    def forward(self, x):
        return self.net(x)


class CausalConvModule(nn.Module):
    def __init__(self, d_model: int, kernel: int, dropout: float):
        super().__init__()
        self.norm = nn.LayerNorm(d_model)
        self.pw1 = nn.Linear(d_model, 2 * d_model)
        self.kernel = kernel
        self.dw = nn.Conv1d(d_model, d_model, kernel, groups=d_model)
        self.norm2 = nn.LayerNorm(d_model)
        self.pw2 = nn.Linear(d_model, d_model)
        self.drop = nn.Dropout(dropout)

    def forward(self, x):
        x = F.glu(self.pw1(self.norm(x)), dim=-1)
        x = F.pad(x.transpose(1, 2), (self.kernel - 1, 0))  # left padding only: causal
        x = self.dw(x).transpose(1, 2)
        x = self.pw2(F.silu(self.norm2(x)))
        return self.drop(x)


class ConformerLayer(nn.Module):
    """Macaron FFN (half step) -> MHSA (RoPE) -> causal conv -> FFN (half step) -> LayerNorm."""

    def __init__(self, cfg: ConformerConfig):
        super().__init__()
        d = cfg.d_model
        self.ff1 = FeedForward(d, cfg.ff, cfg.dropout)
        self.norm_att = nn.LayerNorm(d)
        self.att = RotarySelfAttention(d, cfg.heads, cfg.dropout)
        self.conv = CausalConvModule(d, cfg.kernel, cfg.dropout)
        self.ff2 = FeedForward(d, cfg.ff, cfg.dropout)
        self.norm_out = nn.LayerNorm(d)
        self.drop = nn.Dropout(cfg.dropout)

    def forward(self, x, mask):
        x = x + 0.5 * self.ff1(x)
        x = x + self.drop(self.att(self.norm_att(x), mask))
        x = x + self.conv(x)
        x = x + 0.5 * self.ff2(x)
        return self.norm_out(x)


def chunk_mask(t: int, chunk: int, left_chunks: int, device) -> torch.Tensor:
    """[T, T] bool: frame i attends to frames of its own chunk and of `left_chunks` chunks before (all if < 0)."""
    idx = torch.div(torch.arange(t, device=device), chunk, rounding_mode="floor")
    m = idx.unsqueeze(0) <= idx.unsqueeze(1)
    if left_chunks >= 0:
        m = m & (idx.unsqueeze(0) >= idx.unsqueeze(1) - left_chunks)
    return m


class ConformerCTC(nn.Module):
    def __init__(self, cfg: ConformerConfig):
        super().__init__()
        self.cfg = cfg
        self.cmvn = GlobalCMVN(cfg.feature_dim)
        self.subsample = Conv2dSubsampling(cfg)
        self.drop = nn.Dropout(cfg.dropout)
        self.layers = nn.ModuleList([ConformerLayer(cfg) for _ in range(cfg.layers)])
        self.head = nn.Linear(cfg.d_model, cfg.vocab)

    def forward(self, features, lengths, chunk: int = 0, left_chunks: int = -1, frame_skip: float = 0.0):
        """features [B, T, 80] raw fbank, lengths [B] int64 -> (log_probs [B, T', V], out_lengths [B]).
        chunk > 0 restricts attention to chunks of `chunk` output frames (with `left_chunks` of history).
        frame_skip > 0 (training only): in every layer but the first, each frame keeps its input instead of the
        layer's output with this probability, so later layers and the head learn to read frames that skipped layers,
        which is what CoDA routing does to the frozen backbone at inference."""
        x = self.cmvn(features)
        x, out_len = self.subsample(x, lengths)
        t = x.size(1)
        mask = (torch.arange(t, device=x.device).unsqueeze(0) < out_len.unsqueeze(1)).unsqueeze(1)  # [B, 1, T]
        if chunk > 0:
            mask = mask & chunk_mask(t, chunk, left_chunks, x.device).unsqueeze(0)
        x = self.drop(x)
        for i, layer in enumerate(self.layers):
            if frame_skip > 0.0 and self.training and i > 0:
                keep = torch.rand(x.shape[:2], device=x.device) < frame_skip  # [B, T]: frames that skip
                x = torch.where(keep.unsqueeze(-1), x, layer(x, mask))
            else:
                x = layer(x, mask)
        return F.log_softmax(self.head(x).float(), dim=-1), out_len

    def num_params(self):
        return sum(p.numel() for p in self.parameters())


RECOMMENDED_CHUNK_OUT = 16  # output frames per streaming chunk (x subsampling x 10 ms)
RECOMMENDED_LEFT_CHUNKS = 4


def onnx_metadata(cfg, version):
    """metadata_props of an exported dense model (the Java runtime reads these); CoDA exports extend them."""
    rf, stride = subsampling_receptive_field(cfg.subsampling)
    return {
        "model_type": "conformer-ctc",
        "subsampling_factor": str(cfg.subsampling),
        "subsampling_receptive_field_frames": str(rf),
        "subsampling_right_context_frames": str(rf - stride),
        "feature_dim": "80",
        "sample_rate": "16000",
        "frame_shift_ms": "10",
        "frame_length_ms": "25",
        "vocab_size": str(cfg.vocab),
        "blank_id": "0",
        "chunk_frames": str(RECOMMENDED_CHUNK_OUT * cfg.subsampling),
        "left_context_frames": str(RECOMMENDED_CHUNK_OUT * RECOMMENDED_LEFT_CHUNKS * cfg.subsampling),
        "streaming_frame_unit": "input fbank frames (10 ms)",
        "causal_conv_kernel": str(cfg.kernel),
        "version": version,
        "coda_r": "0",
    }


class OnnxWrapper(nn.Module):
    """Full-attention inference graph with the exact ONNX input/output contract (features, feature_lengths ->
    log_probs, log_prob_lengths)."""

    def __init__(self, net):
        super().__init__()
        self.net = net

    def forward(self, features, feature_lengths):
        return self.net(features, feature_lengths)
