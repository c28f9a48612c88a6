#!/usr/bin/env bash
# Issue 24 (continuous part): the regret teacher against the partial-return (oracle) teacher on
# LunarLanderContinuous, for PrefPPO and PEBBLE (Bradley–Terry + RL, `sandbox pbrl`) and for CPL
# (`sandbox cpl`), at equal labels. Results go to bench/RESULTS.md by hand (mean ± std over seeds of
# `sandbox eval --episodes 10`, deterministic, true reward).
#
# usage: bench/regret_lander.sh [expert|data|cpl|prefppo|pebble|summary ...]   (default: all but pebble)
# environment: SANDBOX (binary, default .build/release/sandbox), OUT (default /tmp/regret-lander),
#   SEEDS (default "1 2 3"), LABELS (1000), PPO_STEPS (1000000), SAC_STEPS (200000),
#   BC_STEPS (2000), CPL_STEPS (8000), TEACHERS ("oracle regret").
# The expert is PPO on the true reward (seed 1, the Zoo's 1M steps, about a minute in release).
# CPL learns offline from one fixed store of 1,000 pairs: 200 pairs within each of five sources' 20
# episodes (random actions, the heuristic, the expert's checkpoints at 115k and 344k steps, the final
# expert), answered once by each teacher. PrefPPO and PEBBLE ask their 1,000 labels about their own
# episodes, as `sandbox pbrl` always does. PEBBLE takes about 80 min per run on one core.
set -euo pipefail
SANDBOX=${SANDBOX:-.build/release/sandbox}
OUT=${OUT:-/tmp/regret-lander}
SEEDS=${SEEDS:-"1 2 3"}
LABELS=${LABELS:-1000}
PPO_STEPS=${PPO_STEPS:-1000000}
SAC_STEPS=${SAC_STEPS:-200000}
BC_STEPS=${BC_STEPS:-2000}
CPL_STEPS=${CPL_STEPS:-8000}
TEACHERS=${TEACHERS:-"oracle regret"}
TASK=LunarLanderContinuous-v1
PARTS=${*:-expert data cpl prefppo summary}
mkdir -p "$OUT"
export SANDBOX_BLAS_THREADS=1

expert() { ls -d "$OUT"/expert/"${TASK%-v1}"__ppo__1__* 2>/dev/null | tail -1; }
teacher() { if [ "$1" = regret ]; then echo "regret:$(expert)"; else echo oracle; fi; }

for part in $PARTS; do
  case $part in
  expert)
    [ -n "$(expert)" ] || "$SANDBOX" train --task $TASK --algo ppo --seed 1 --out "$OUT/expert"
    "$SANDBOX" eval --policy "$(expert)" --episodes 10 | tail -1
    "$SANDBOX" regret teacher --task $TASK --expert "$(expert)" --episodes 3 ;;
  data)
    E=$(expert); rm -f "$OUT/data.db"
    seed=100
    for policy in random heuristic "$E/checkpoints/step_114688.safetensors" "$E/checkpoints/step_344064.safetensors" "$E"; do
      "$SANDBOX" queries make --store "$OUT/data.db" --task $TASK --policy "$policy" --episodes 20 --pairs $((LABELS / 5)) --seed $seed
      seed=$((seed + 100))
    done
    for t in $TEACHERS; do
      cp "$OUT/data.db" "$OUT/$t.db"
      "$SANDBOX" queries answer --store "$OUT/$t.db" --teacher "$(teacher $t)" --endings zero | tail -1
    done ;;
  cpl)
    for t in $TEACHERS; do for s in $SEEDS; do
      "$SANDBOX" cpl --task $TASK --store "$OUT/$t.db" --bc-steps $BC_STEPS --steps $CPL_STEPS --seed $s --out "$OUT/cpl-$t"
    done; done ;;
  prefppo|pebble)
    algo=ppo; steps=$PPO_STEPS; [ $part = pebble ] && { algo=sac; steps=$SAC_STEPS; }
    for t in $TEACHERS; do for s in $SEEDS; do
      "$SANDBOX" pbrl --task $TASK --algo $algo --teacher "$(teacher $t)" --labels $LABELS --steps $steps --seed $s --out "$OUT/$part-$t"
    done; done ;;
  summary)
    for d in "$OUT"/cpl-* "$OUT"/prefppo-* "$OUT"/pebble-*; do
      [ -d "$d" ] || continue
      for run in "$d"/*/; do
        [ -f "$run/policy.safetensors" ] || continue
        echo "$(basename "$d") $(basename "$run"): $("$SANDBOX" eval --policy "$run" --episodes 10 | tail -1)"
      done
    done ;;
  *) echo "unknown part $part" >&2; exit 2 ;;
  esac
done
