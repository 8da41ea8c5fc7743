# The GPU training profile, sourced by gpu_session.sh, gpu_extend.sh and run.sh --gpu (one place to change it).
# fp32 (TF32 matmuls): the 10-layer model is bound by kernel launches on an H100, so bf16 buys little.
# ff 512 (10.3M params): fp16-stored shared weights (share_weights.py --fp16, 20.6 MB) plus the int8 variant
# (~10 MB) stay inside the repository's 40 MB budget; ff 640 (11.6M) would not.
GPU_MODEL=(--d-model 256 --heads 4 --layers 10 --ff 512 --subsampling-channels 64 --subsampling-act silu
           --max-frames 40000 --dropout 0.1 --freq-mask 27 --log-every 50 --amp off --threads 4)
# Schedule. Plateau check: the stuck first H100 model scored 3.01 nats/char, the CPU model that had just left the
# plateau 1.91; the second H100 run (this profile) passed at step 1800 with 1.40. (The stuck model had lost 49/64
# ReLU channels of its subsampling; every suspect changed: SiLU there, fp32, lr 1e-3 and a longer warm-up.)
GPU_SCHEDULE=(--lr 1e-3 --warmup 1000 --plateau-check 1800:2.6)
# CoDA routers/adapters on the frozen backbone
GPU_CODA_ARGS=(--max-frames 40000 --warmup 50 --lr 1.5e-3 --log-every 25 --ckpt-every 200 --amp off --threads 4)
