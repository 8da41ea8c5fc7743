# GPU profile: sourced by run.sh --gpu and gpu_session.sh (the one place to change it). What each choice measured:
# RESULTS.md.
#
# Model: 10 layers, d 256, ff 512 = 10.3M params, fp32 with TF32 matmuls (at this size the encoder is bound by kernel
# launches, so bf16 buys little). ff 512 keeps the fp16-shared weights (~21 MB) plus the int8 variant (~11 MB)
# inside the repository's 40 MB model budget; ff 640 (11.6M params) would not.
GPU_MODEL=(--d-model 256 --heads 4 --layers 10 --ff 512 --subsampling-channels 64 --subsampling-act silu
           --max-frames 40000 --dropout 0.1 --freq-mask 27 --log-every 50 --amp off --threads 4)
# Schedule: SiLU in the subsampling (ReLU channels can die at high learning rates), lr 1e-3 after 1000 warm-up steps.
# Plateau check: a run still above 2.6 nats per target character at step 1800 is on the CTC blank plateau (a model
# that only knows character frequencies sits near 3; a healthy run passes with ~1.4) and stops with exit code 3,
# so gpu_session.sh can retry with a gentler configuration instead of spending the budget.
GPU_SCHEDULE=(--lr 1e-3 --warmup 1000 --plateau-check 1800:2.6)
# CoDA routers/adapters on the frozen backbone, every layer routed (--dense-layers 0): with a dense first layer the
# front end and that layer were 39 % of the r=4 graph's time in ONNX Runtime, which capped the speed-up below 2x.
GPU_CODA_ARGS=(--max-frames 40000 --warmup 50 --lr 1.5e-3 --log-every 25 --ckpt-every 200 --amp off --threads 4
               --dense-layers 0)
# Routing fine-tune of a given backbone (gpu_session.sh --route-finetune MIN): train.py --route-r, the backbone learns
# to work on uniformly random top-k frame subsets before routers are trained on it (costs dense accuracy).
GPU_ROUTE_ARGS=(--route-r 1,2,4,4,8 --lr 3e-4 --warmup 100 --min-lr-ratio 0.1)
# Dense fine-tune of a given backbone (gpu_session.sh --finetune MIN), e.g. on real + synthetic speech; the shipped
# model's CPU fine-tunes used lr 2e-4 with 8000-frame batches and the same frame skipping.
GPU_FINETUNE_ARGS=(--lr 3e-4 --warmup 200 --min-lr-ratio 0.05 --frame-skip 0.3)
# Routing-aware backbone stage (run.sh --joint, gpu_session.sh --joint MIN): train_coda.py --train-backbone-lr, the
# backbone jointly with learned routers/adapters, r = 0 (backbone alone) in a third of the batches to keep the dense
# model. Backbone LR 1e-4 kept the dense WER; 3e-4 lost 3 points.
GPU_JOINT_ARGS=(--max-frames 40000 --warmup 50 --lr 1.5e-3 --train-backbone-lr 1e-4 --log-every 25 --ckpt-every 200
                --amp off --threads 4 --dense-layers 0 --r-values 0,0,2,4,4,8)
# Word-piece routing design (gpu_session.sh --bpe): first and last layers dense, routers guided towards the dense
# teacher's label frames; the joint stage trains the backbone at a fine-tuning LR with r drawn from 0 (backbone
# alone), 2, 4 and 8 (RESULTS.md, "Word-piece backbones").
GPU_BPE_ROUTING=(--dense-layers 1 --dense-last-layers 1 --router-guide 1)
# its dense fine-tune (a new head on a character backbone: the CPU arms' peak LR, no frame skipping)
GPU_BPE_FINETUNE_ARGS=(--lr 5e-4 --warmup 200 --min-lr-ratio 0.05)
GPU_BPE_JOINT_ARGS=(--max-frames 40000 --warmup 50 --lr 1.5e-3 --train-backbone-lr 3e-4 --log-every 25
                    --ckpt-every 200 --amp off --threads 4 --kd-weight 0.3 --r-values 0,2,4,8 "${GPU_BPE_ROUTING[@]}")

# The stages of run.sh --gpu (a GPU host with ../shared/data or a carry/, wall-time budgets in minutes)
JOBS=$(( $(nproc) > 2 ? $(nproc) - 1 : 2 ))
PREPARE_ARGS=()
TRAIN_ARGS=("${GPU_MODEL[@]}" "${GPU_SCHEDULE[@]}" --steps 100000 --ckpt-every 1000 --ckpt-minutes 3
            --max-minutes 6 --time-schedule)
JOINT_ARGS=("${GPU_JOINT_ARGS[@]}" --steps 100000 --max-minutes 3)
CODA_R=2,4,8
CODA_ARGS=("${GPU_CODA_ARGS[@]}" --steps 100000 --max-minutes 3)
ADAPTER_ARGS=(--max-minutes 0.4)
EXPORT_CODA_ARGS=()
EVAL_ARGS=()
