# CPU profile (run.sh --cpu, the default): sized for ~2 contended cores.
# Dense: a 2.1M-param conformer (d 144, 4 layers), about 2 h of training (cosine over 105 minutes of wall time).
# CoDA: the settings of the shipped model's CoDA graphs (28 + 12 CPU minutes, one thread each, every layer routed).
JOBS=2
PREPARE_ARGS=()
TRAIN_ARGS=(--d-model 144 --heads 4 --layers 4 --ff 576 --subsampling-channels 32 --max-frames 8000 --steps 3000
            --warmup 200 --lr 1.5e-3 --max-minutes 105 --time-schedule --ckpt-every 200 --ckpt-minutes 10
            --log-every 10 --threads 2)
# routing-aware backbone stage (run.sh --joint): backbone LR 1e-4 kept the dense WER over 75 CPU minutes
JOINT_ARGS=(--train-backbone-lr 1e-4 --r-values 0,0,2,4,4,8 --dense-layers 0 --threads 1 --steps 100000
            --max-minutes 75)
CODA_R=2,4,4,8
CODA_ARGS=(--dense-layers 0 --threads 1 --steps 100000 --max-minutes 28)
ADAPTER_ARGS=(--max-minutes 12)
EXPORT_CODA_ARGS=()
EVAL_ARGS=()
