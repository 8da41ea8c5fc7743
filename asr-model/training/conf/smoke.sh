# Smoke profile (run.sh --smoke, used by smoke_test.sh): a tiny model (d 32, 1 layer) on the handful of files of
# prepare_data.py --limit 4, a few steps per stage. It checks the plumbing of every stage and learns nothing.
JOBS=1
PREPARE_ARGS=(--limit 4)
TRAIN_ARGS=(--d-model 32 --heads 2 --layers 1 --subsampling-channels 4 --max-frames 4000 --warmup 2 --log-every 2
            --steps 5 --ckpt-every 100)
JOINT_ARGS=(--train-backbone-lr 1e-3 --r-values 0,2 --dense-layers 0 --max-frames 4000 --warmup 2 --log-every 1
            --ckpt-every 2 --threads 1 --steps 2)
CODA_R=2,4,8
CODA_ARGS=(--dense-layers 0 --max-frames 4000 --warmup 2 --log-every 2 --ckpt-every 2 --threads 1 --steps 4)
ADAPTER_ARGS=(--steps 2)
EXPORT_CODA_ARGS=(--timing-repeats 1 --threads 1)
EVAL_ARGS=(--dev-limit 4)
