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
# CoDA routers/adapters on the frozen backbone. Every layer routed (--dense-layers 0): in the ONNX Runtime profile of
# the r=4 graph (1 thread) a dense first layer took 18 % of the time and the front end 20 %, which capped the
# speed-up vs the parallel adapter below 2x; routing it did not raise the routing loss (KL) measurably.
GPU_CODA_ARGS=(--max-frames 40000 --warmup 50 --lr 1.5e-3 --log-every 25 --ckpt-every 200 --amp off --threads 4
               --dense-layers 0)
# Routing fine-tune of a given backbone (gpu_session.sh --route-finetune MIN): train.py --route-r, so the backbone
# learns to work on any top-k subset of frames before routers are trained on it. CPU pilot (22 min, 688 steps at
# these settings but 8000 frames per batch): random-routing KL at r=4 2.76 -> 2.16, dense dev WER 71.74 -> 74.04 %.
# H100 (session 5, r from 1,2,4,4,8, 2.1 min, 1184 steps): trained-CoDA KL at r=4 1.71 -> 1.55, dense 71.74 -> 77.01 %.
GPU_ROUTE_ARGS=(--route-r 1,2,4,4,8 --lr 3e-4 --warmup 100 --min-lr-ratio 0.1)
# Dense fine-tune of a given backbone (gpu_session.sh --finetune MIN), e.g. on real + synthetic speech. The shipped
# model's CPU stages 2 and 3 were this at lr 2e-4 with 8000-frame batches (model card, Provenance).
GPU_FINETUNE_ARGS=(--lr 3e-4 --warmup 200 --min-lr-ratio 0.05 --frame-skip 0.3)
# Routing-aware backbone stage (gpu_session.sh --joint MIN): train_coda.py --train-backbone-lr, the backbone jointly
# with learned routers/adapters, r = 0 (backbone alone) in a third of the batches to keep the dense model. CPU
# (session 6, 12000-frame batches): backbone LR 1e-4 kept the dense WER over 1070 steps (72.03 -> 71.46 %), 3e-4 lost
# 3 points by step 400.
GPU_JOINT_ARGS=(--max-frames 40000 --warmup 50 --lr 1.5e-3 --train-backbone-lr 1e-4 --log-every 25 --ckpt-every 200
                --amp off --threads 4 --dense-layers 0 --r-values 0,0,2,4,4,8)
