#!/usr/bin/env bash
# Coverage-guided fuzzing of one reader with afl++ and SharpFuzz.
#   fuzz/run.sh TARGET SECONDS      TARGET: onnx | safetensors | npy | markdown
# Needs afl++ (apt-get install -y afl++) and the SharpFuzz.CommandLine 2.3.0 dotnet tool (installed into
# .fuzz/tool on first use). Builds the harness, instruments the engine and profiler assemblies, seeds afl++ with
# small valid files the engine writes itself, runs afl-fuzz for SECONDS and copies each crash to
# .fuzz/TARGET/crashes (add one to tests/GpuEngine.Tests/Data/fuzz/TARGET/ once its reader is fixed).
set -euo pipefail
target=${1:?usage: fuzz/run.sh TARGET SECONDS}
seconds=${2:?usage: fuzz/run.sh TARGET SECONDS}
root=$(cd "$(dirname "$0")/.." && pwd)
work="$root/.fuzz"
out="$work/$target"
bin="$work/bin"
command -v afl-fuzz >/dev/null || { echo "fuzz/run.sh: afl-fuzz not found; apt-get install -y afl++" >&2; exit 2; }
if [ ! -x "$work/tool/sharpfuzz" ]; then
  dotnet tool install --tool-path "$work/tool" SharpFuzz.CommandLine --version 2.3.0 >/dev/null
fi
# Two copies: plain (writes the seeds; instrumented code may run only under afl-fuzz) and instrumented.
if [ ! -f "$bin/.instrumented" ]; then
  dotnet build "$root/fuzz/GpuEngine.Fuzz/GpuEngine.Fuzz.csproj" -c Release -o "$work/plain" -v q -nologo >/dev/null
  rm -rf "$bin" && cp -r "$work/plain" "$bin"
  for assembly in GpuEngine.Engine.dll GpuEngine.Profiler.dll; do "$work/tool/sharpfuzz" "$bin/$assembly"; done
  touch "$bin/.instrumented"
fi
rm -rf "$out" && mkdir -p "$out"
dotnet "$work/plain/GpuEngine.Fuzz.dll" "$target" --seeds "$out/seeds" "$root/tests/GpuEngine.Tests/Data/seeds"
# Regression cases kept from earlier runs are seeds too: they sit on paths that once crashed.
cp "$root/tests/GpuEngine.Tests/Data/fuzz/$target/"* "$out/seeds/" 2>/dev/null || true
export AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_FORKSRV_INIT_TMOUT=60000
# -t: a .NET start-up is slow; a hang is an input that runs past 5 s. -m none: the CLR reserves far more address space than it uses.
afl-fuzz -i "$out/seeds" -o "$out/findings" -t 5000 -m none -V "$seconds" -- dotnet "$bin/GpuEngine.Fuzz.dll" "$target" || true
stats="$out/findings/default/fuzzer_stats"
[ -f "$stats" ] && grep -E "^(execs_done|execs_per_sec|saved_crashes|saved_hangs|corpus_count|bitmap_cvg) " "$stats"
mkdir -p "$out/crashes"
cp "$out/findings/default/crashes/id:"* "$out/crashes/" 2>/dev/null || true
echo "fuzz/run.sh: $target: $(ls "$out/crashes" | wc -l) crash input(s) in $out/crashes"
