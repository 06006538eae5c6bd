#!/usr/bin/env bash
# Issue #6 — does glossator stay instant on a 100 MB document and a 10,000-
# document archive? Measures `gloss` against `less`, `vim -u NONE` and `cat`
# on inputs generated here (deterministically, in a temporary folder), and
# prints every target of the issue as a ratio with "met" or "NOT MET".
#
#   bash benches/compare.sh            # everything (about 10 minutes)
#   RUNS=11 bash benches/compare.sh    # more runs of each terminal timing
#   QUICK=1 bash benches/compare.sh    # terminal timings only, no criterion
#   PANDOC_RUNS=3 bash benches/compare.sh  # runs of pandoc on the 10 MB page (default 2)
#   ONLY="actors export" bash benches/compare.sh  # only these groups of rows
#                 # (open session export actors formats criterion search corpus; spaces or commas;
#                 #  formats: the 300-page PDF and the 10 MB HTML page of #13, also as ONLY=html)
#
# Needs tmux, less, vim, hyperfine, jq, rg (installed with apt-get when run as
# root; otherwise it says what to install). Terminal timings run in a detached
# 120×40 tmux session and poll its pane (`capture-pane`, through one tmux
# control-mode client) until a marker text shows,
# so every program pays the same terminal overhead. In-process figures come
# from the criterion benches in this folder (target/criterion/*/new/estimates.json).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
RUNS=${RUNS:-7}
QUICK=${QUICK:-}
ONLY=${ONLY:-}
# want GROUP: is this group of rows measured in this run?
want() { [ -z "$ONLY" ] || [[ " ${ONLY//,/ } " == *" $1 "* ]]; }

# ---------- tools ----------
# (command:package; rg, the actors row's baseline, is Debian's ripgrep)
missing=()
for t in tmux:tmux less:less vim:vim hyperfine:hyperfine jq:jq rg:ripgrep; do
  command -v "${t%%:*}" >/dev/null 2>&1 || missing+=("${t#*:}")
done
if ((${#missing[@]})); then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "installing: ${missing[*]}" >&2
    apt-get update -qq >/dev/null && apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "compare.sh needs: ${missing[*]} — install them (e.g. sudo apt-get install ${missing[*]}) and run again" >&2
    exit 2
  fi
fi

echo "building (release)…" >&2
cargo build --release --quiet
GLOSS=$ROOT/target/release/gloss
TMP=$(mktemp -d "${TMPDIR:-/tmp}/gloss-compare.XXXXXX")
SESSION=gloss-compare-$$
LOOKER=gloss-looker-$$ # no prefix of $SESSION: tmux matches session names by prefix
cleanup() {
  tmux kill-session -t "$SESSION" 2>/dev/null || true
  tmux kill-session -t "$LOOKER" 2>/dev/null || true
  rm -rf "$TMP"
}
trap cleanup EXIT

# Looking at the pane: one tmux client in control mode (`tmux -C`), attached
# for the whole run to a session of its own, asks for each look with
# `capture-pane -t $SESSION` and reads the answer between its %begin and %end
# lines. A look then costs about 0.4 ms of CPU; a `tmux capture-pane` process
# for each look cost 2.4 ms, which at one look every 5 ms took about a third
# of one of the 2 cores from the program measured.
tmux new-session -d -s "$LOOKER" -x 80 -y 24 "sleep 1000000"
coproc LOOK { exec tmux -C attach -t "$LOOKER" 2>/dev/null; }
exec {LOOK_TO}>&"${LOOK[1]}" {LOOK_FROM}<&"${LOOK[0]}"
# look: the pane's text into PANE (empty while there is no session). Blocks
# flagged 0 answer no command of ours (the attach's own); 1 are our answers.
look() {
  local line in=0
  PANE=
  printf 'capture-pane -p -t %s\n' "$SESSION" >&"$LOOK_TO"
  while IFS= read -r -u "$LOOK_FROM" line; do
    case $line in
    "%begin "*" 1") in=1 ;;
    "%end "*" 1") ((in)) && return 0 ;;
    "%error "*" 1") PANE= && return 0 ;;
    *) ((in)) && PANE+=$line$'\n' ;;
    esac
  done
  echo "compare.sh: the tmux control client is gone" >&2
  exit 1
}

SIZE=0
if want open || want session || want export || want actors || want criterion || want search; then
echo "generating inputs in $TMP (100 MB document, 10,000-document corpus)…" >&2
GLOSS_GENERATE=$TMP cargo bench --quiet --bench export >/dev/null
BIG=$TMP/big.txt
SIZE=$(stat -c %s "$BIG")
cat "$BIG" "$TMP"/corpus/*/* >/dev/null # warm the page cache for everyone
sync # on disk now, not by the kernel's writeback in the middle of the runs
fi
FIRST_MARKER="Pak Chang-ok advised the grain"
LAST_MARKER="THE END MARKER"

# now_ms: the clock in ms, from bash's own $EPOCHREALTIME (a `date` process
# per reading added its start, 1–2 ms, to every timing).
now_ms() { echo $((${EPOCHREALTIME/[.,]/} / 1000)); }
# The polling loops below look at the pane with bash builtins only: the
# clock from $EPOCHREALTIME, matching with [[ ]], and a 5 ms pause that is
# a `read` timing out on a descriptor nothing writes to. Each look is one
# request to the control client (see `look`), not four processes (tmux,
# grep, date, sleep) that would take CPU from the program measured on a
# 2-core machine.
exec {PAUSE_FD}<> <(:)
pause() { read -r -t 0.005 -u "$PAUSE_FD" _ || true; }
clock_ms() { CLOCK_MS=$((${EPOCHREALTIME/[.,]/} / 1000)); }

# wait_for TEXT [TIMEOUT_MS]: poll the pane until TEXT shows; prints ms waited.
wait_for() {
  local text=$1 limit=${2:-20000} start pane
  clock_ms
  start=$CLOCK_MS
  while :; do
    look
    pane=$PANE
    clock_ms
    if [[ $pane == *"$text"* ]]; then
      echo $((CLOCK_MS - start))
      return 0
    fi
    if ((CLOCK_MS - start > limit)); then
      echo "timeout waiting for '$text'" >&2
      tmux capture-pane -p -t "$SESSION" >&2 || true
      echo $limit
      return 1
    fi
    # Polling without a pause would take a core from the program measured
    # (on 2 cores, half the machine): 5 ms between looks.
    pause
  done
}

# start_in_tmux CMD: CMD in a new session. Every measurement ends with
# stop_tmux, so there is no session to kill first: a `tmux kill-session`
# here would be a process started (2–3 ms) inside every timing that
# begins just before this call, and no part of the program measured.
start_in_tmux() {
  tmux new-session -d -s "$SESSION" -x 120 -y 40 -c "$TMP" "$1"
}

stop_tmux() {
  tmux kill-session -t "$SESSION" 2>/dev/null || true
  rm -f "$TMP"/.big.txt.sw? "$TMP"/big.txt.*.gloss.ron "$TMP"/.big.txt.*journal* 2>/dev/null || true
}

# first_screen CMD QUIT_KEYS: ms from starting the program until the first
# paragraph is on screen.
first_screen() {
  local cmd=$1 quit=$2 t0 t
  clock_ms
  t0=$CLOCK_MS
  start_in_tmux "$cmd"
  wait_for "$FIRST_MARKER" >/dev/null
  clock_ms
  t=$((CLOCK_MS - t0))
  tmux send-keys -t "$SESSION" $quit 2>/dev/null || true
  sleep 0.1
  stop_tmux
  echo "$t"
}

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# ratio A B: A/B with two decimals.
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }
# verdict VALUE LIMIT: met when VALUE <= LIMIT.
verdict() { awk -v v="$1" -v l="$2" 'BEGIN { print (v <= l ? "met" : "NOT MET") }'; }

ROWS=()
row() { ROWS+=("$(printf '| %s | %s | %s | %s |' "$1" "$2" "$3" "$4")"); }

# ---------- open: first screen ----------
if want open; then
echo "first screen, $RUNS runs each (gloss, less, vim -u NONE)…" >&2
g=() l=() v=()
for _ in $(seq "$RUNS"); do
  g+=("$(first_screen "exec $GLOSS --as bench big.txt" q)")
  l+=("$(first_screen "exec less big.txt" q)")
  v+=("$(first_screen "exec vim -u NONE big.txt" ': q ! Enter')")
done
G_FIRST=$(printf '%s\n' "${g[@]}" | median)
L_FIRST=$(printf '%s\n' "${l[@]}" | median)
V_FIRST=$(printf '%s\n' "${v[@]}" | median)
r=$(ratio "$G_FIRST" "$L_FIRST")
row "Open: first screen vs less (≤ 2×)" "gloss ${G_FIRST} ms, less ${L_FIRST} ms" "${r}×" "$(verdict "$r" 2)"
r=$(ratio "$G_FIRST" "$V_FIRST")
row "Open: first screen vs vim -u NONE (≤ 0.5×)" "gloss ${G_FIRST} ms, vim ${V_FIRST} ms" "${r}×" "$(verdict "$r" 0.5)"
fi

# ---------- a session: G, search, tag near the end, quit ----------
T_G=0 T_IDLE_KEY=0
if want session; then
echo "session: open, G, search, tag near the end, quit…" >&2
start_in_tmux "exec $GLOSS --as bench big.txt"
wait_for "$FIRST_MARKER" >/dev/null
PID=$(tmux display -p -t "$SESSION" '#{pane_pid}')
tmux send-keys -t "$SESSION" G
T_G=$(wait_for "$LAST_MARKER")
# Keys while a search scans the whole document: '?' must open help at once.
tmux send-keys -t "$SESSION" g
wait_for "¶1/" >/dev/null
tmux send-keys -t "$SESSION" ? ; T_IDLE_KEY=$(wait_for " Help ")
tmux send-keys -t "$SESSION" Escape; sleep 0.1
tmux send-keys -t "$SESSION" / "$LAST_MARKER" Enter ? ; T_BUSY_KEY=$(wait_for " Help ")
tmux send-keys -t "$SESSION" Escape
T_SEARCH=$(wait_for "paragraph 1 of 1 with matches")
# Tag the paragraph before the last one.
tmux send-keys -t "$SESSION" k
wait_for "¶1000000/" >/dev/null
tmux send-keys -t "$SESSION" c "Nam Il" Enter
T_TAG=$(wait_for "Tagged ¶1000000")
HWM=$(awk '/VmHWM/ {print $2 * 1024}' "/proc/$PID/status")
tq=$(now_ms)
tmux send-keys -t "$SESSION" q
# Exited = gone or a zombie: tmux may take a second or two to reap its pane's
# process (measured here for less too), so `kill -0` would time tmux, not gloss.
while [ -e "/proc/$PID/stat" ] && [ "$(cut -d' ' -f3 "/proc/$PID/stat" 2>/dev/null)" != Z ]; do sleep 0.005; done
T_QUIT=$(($(now_ms) - tq))
SAVED=$(grep -c "Nam Il" "$TMP"/big.txt.bench.gloss.ron || true)
stop_tmux
row "Search: a key during a 100 MB search (never blocks)" "${T_BUSY_KEY} ms (idle: ${T_IDLE_KEY} ms); hit in the last paragraph shown ${T_SEARCH} ms later" "—" "$(verdict "$T_BUSY_KEY" $((T_IDLE_KEY + 30)))"
row "Session: tag near the end / quit" "tag ${T_TAG} ms, quit ${T_QUIT} ms, saved: $SAVED" "—" "$(verdict "$((T_TAG > T_QUIT ? T_TAG : T_QUIT))" 250)"
r=$(ratio "$HWM" "$SIZE")
row "Memory: peak RSS vs document size (≤ 1.2×)" "$((HWM / 1048576)) MiB for $((SIZE / 1048576)) MiB" "${r}×" "$(verdict "$r" 1.2)"
fi

# ---------- corpus export ----------
if want export; then
echo "corpus export (hyperfine)…" >&2
hyperfine --style none --warmup 2 --runs 10 --export-json "$TMP/export.json" \
  -n cat "cat $TMP/corpus/*/* > /dev/null" \
  -n gloss "$GLOSS export --format jsonl $TMP/corpus > /dev/null" >/dev/null
CAT_MS=$(jq '.results[] | select(.command=="cat") | .mean * 1000 | round' "$TMP/export.json")
EXP_MS=$(jq '.results[] | select(.command=="gloss") | .mean * 1000 | round' "$TMP/export.json")
r=$(ratio "$EXP_MS" "$CAT_MS")
row "Corpus: 10,000 documents to jsonl vs cat (≤ 3×)" "gloss ${EXP_MS} ms, cat ${CAT_MS} ms" "${r}×" "$(verdict "$r" 3)"
fi

# ---------- actor detection (issue #14) ----------
if want actors; then
  echo "actor detection vs rg (hyperfine)…" >&2
  # Every registry name and alias the corpus's sidecars hold (the names in
  # `actors: [(name: …, aliases: […])]`), as one case-insensitive alternation.
  # (rg exits 1 when it finds nothing — no sidecar has aliases — which
  # pipefail would turn into the end of the script.)
  NAMES=$( (rg -o -N --no-filename '^ {12}name: "([^"]*)",$' -r '$1' "$TMP/corpus" -g '*.gloss.ron' || true
    rg -o -N --no-filename '^ {16}"([^"]*)",$' -r '$1' "$TMP/corpus" -g '*.gloss.ron' || true) | sort -u)
  PATTERN=$(printf '%s\n' "$NAMES" | sed 's/[][\\.^$*+?(){}|]/\\&/g' | paste -sd'|')
  # rg-all: the floor under gloss — rg reading every file gloss must read
  # (the documents, and the sidecars whose registries name the actors).
  hyperfine --style none --warmup 1 --runs 5 --export-json "$TMP/actors.json" \
    -n rg "rg -c -i '$PATTERN' -g '!*.gloss.ron' $TMP/corpus > /dev/null" \
    -n rg-all "rg -c -i '$PATTERN' $TMP/corpus > /dev/null" \
    -n gloss "$GLOSS actors $TMP/corpus > /dev/null" >/dev/null
  RG_MS=$(jq '.results[] | select(.command=="rg") | .mean * 1000 | round' "$TMP/actors.json")
  RG_ALL_MS=$(jq '.results[] | select(.command=="rg-all") | .mean * 1000 | round' "$TMP/actors.json")
  ACT_MS=$(jq '.results[] | select(.command=="gloss") | .mean * 1000 | round' "$TMP/actors.json")
  r=$(ratio "$ACT_MS" "$RG_MS")
  row "Actors: detection over 10,000 documents vs rg for the $(printf '%s\n' "$NAMES" | wc -l) registry names (≤ 2×)" "gloss actors ${ACT_MS} ms, rg -c -i ${RG_MS} ms" "${r}×" "$(verdict "$r" 2)"
  row "Reference: rg -c -i over the documents and their sidecars (every file gloss actors reads; the floor under the row above)" "${RG_ALL_MS} ms" "$(ratio "$RG_ALL_MS" "$RG_MS")× rg" "reported"
fi

# ---------- formats: a 300-page PDF and a 10 MB HTML page (#13) ----------
# The PDF is made by LibreOffice from generated text (tests/data/pdf/make.py
# long), the page by benches/extract.rs (navigation, sidebar, footer). First
# screen in tmux with the extraction cache empty (a fresh GLOSS_STATE_DIR:
# the first paragraphs come from a preview of the first pages / bytes) and
# filled (`gloss text` ran before); full extraction `gloss text` (cache
# empty) against pdftotext / pandoc, the two alternating in one loop so
# that both see the same load. Wall-clock medians decide; CPU time (user +
# system) is reported beside them.
if want formats || want html; then
  echo "formats: 300-page PDF and 10 MB HTML page (first screen, full extraction vs pdftotext / pandoc)…" >&2
  need=()
  command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
  command -v pandoc >/dev/null 2>&1 || need+=(pandoc)
  command -v soffice >/dev/null 2>&1 || need+=(libreoffice-writer-nogui)
  command -v python3 >/dev/null 2>&1 || need+=(python3)
  if ((${#need[@]})) && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "installing: ${need[*]}" >&2
    apt-get update -qq >/dev/null && apt-get install -y -qq "${need[@]}" >/dev/null
  fi
  for t in pdftotext pandoc soffice python3; do
    command -v "$t" >/dev/null 2>&1 || { echo "formats rows need $t (poppler-utils, pandoc, libreoffice-writer-nogui, python3)" >&2; exit 2; }
  done
  GLOSS_GENERATE=$TMP cargo bench --quiet --bench extract >/dev/null
  PDF=$TMP/long.pdf HTML=$TMP/big.html
  [ -s "$PDF" ] && [ -s "$HTML" ] || { echo "the bench did not write $PDF and $HTML" >&2; exit 2; }
  cat "$PDF" "$HTML" >/dev/null
  FSTATE=$TMP/formats-state
  SAVED_MARKER=$FIRST_MARKER
  # cpu_ms CMD…: run CMD (output to /dev/null); prints "wall_ms cpu_ms".
  cpu_ms() {
    local TIMEFORMAT='%R %U %S' t
    t=$({ time "$@" >/dev/null 2>&1; } 2>&1 | tail -1)
    awk -v t="$t" 'BEGIN { split(t, a, " "); printf "%d %d\n", a[1] * 1000, (a[2] + a[3]) * 1000 }'
  }
  # first_screens NAME FILE MARKER: cold and warm first screens, RUNS each.
  first_screens() {
    local name=$1 file=$2 cold=() warm=() c w
    FIRST_MARKER=$3
    for _ in $(seq "$RUNS"); do
      rm -rf "$FSTATE"
      cold+=("$(first_screen "exec env GLOSS_STATE_DIR=$FSTATE $GLOSS --as bench $file" q)")
      # Quitting at the first screen leaves the extraction unfinished and
      # uncached: `gloss text` fills the cache for the warm row.
      GLOSS_STATE_DIR=$FSTATE "$GLOSS" text "$file" >/dev/null
      warm+=("$(first_screen "exec env GLOSS_STATE_DIR=$FSTATE $GLOSS --as bench $file" q)")
      rm -f "$file".*.gloss.ron
    done
    c=$(printf '%s\n' "${cold[@]}" | median) w=$(printf '%s\n' "${warm[@]}" | median)
    row "$name: first screen, extraction not cached (≤ 300 ms)" "${c} ms (runs: ${cold[*]})" "—" "$(verdict "$c" 300)"
    row "$name: first screen, extraction cached (≤ 300 ms)" "${w} ms (runs: ${warm[*]})" "—" "$(verdict "$w" 300)"
    FIRST_MARKER=$SAVED_MARKER
  }
  # full RUNS NAME FILE OTHER_NAME OTHER_CMD…: gloss text FILE against OTHER.
  full() {
    local runs=$1 name=$2 file=$3 other=$4 gw=() gc=() ow=() oc=() t
    shift 4
    for _ in $(seq "$runs"); do
      rm -rf "$FSTATE"
      t=$(cpu_ms env GLOSS_STATE_DIR="$FSTATE" "$GLOSS" text "$file")
      gw+=("${t% *}") gc+=("${t#* }")
      t=$(cpu_ms "$@")
      ow+=("${t% *}") oc+=("${t#* }")
    done
    local a b ca cb r
    a=$(printf '%s\n' "${gw[@]}" | median) b=$(printf '%s\n' "${ow[@]}" | median)
    ca=$(printf '%s\n' "${gc[@]}" | median) cb=$(printf '%s\n' "${oc[@]}" | median)
    r=$(ratio "$a" "$b")
    row "$name: full extraction (gloss text) vs $other (≤ 1×)" "gloss ${a} ms, $other ${b} ms (CPU: ${ca} vs ${cb} ms, $(ratio "$ca" "$cb")×; runs gloss ${gw[*]}, $other ${ow[*]})" "${r}×" "$(verdict "$r" 1)"
  }
  # What any first screen costs on this machine now (gloss starting in tmux
  # on a 3 KB plain-text file): the floor under the rows below.
  head -c 3000 "$TMP/long.txt" >"$TMP/small.txt"
  FIRST_MARKER="Record of a Conversation on the Armistice"
  base=()
  for _ in $(seq "$RUNS"); do base+=("$(first_screen "exec $GLOSS --as bench small.txt" q)"); done
  rm -f "$TMP"/small.txt.*.gloss.ron
  FIRST_MARKER=$SAVED_MARKER
  b=$(printf '%s\n' "${base[@]}" | median)
  row "Reference: first screen of a 3 KB text file (the floor)" "${b} ms (runs: ${base[*]})" "—" "reported"
  first_screens "PDF 300 pages" "$PDF" "Record of a Conversation on the Armistice"
  first_screens "HTML 10 MB" "$HTML" "Section 1 opens, as the record says"
  full "$RUNS" "PDF 300 pages" "$PDF" "pdftotext" pdftotext "$PDF" -
  # pandoc takes about 30 s of CPU and 4 GB of memory on the page: few runs.
  full "${PANDOC_RUNS:-2}" "HTML 10 MB" "$HTML" "pandoc -t plain" pandoc -f html -t plain "$HTML" -o /dev/null
  rm -rf "$FSTATE"
fi

# ---------- the corpus view: 10,000 documents, 20,000 sidecars (#11) ----------
# `gloss DIR` in tmux: the first screen (status line "10000 documents"), then
# complete counts (no "counting"/"reading documents" left in the status
# line) with no cache, then again with the cache the first open left;
# `cat` of every sidecar timed in the same run. Peak memory is VmHWM at
# completion, against all the sidecars plus the largest document.
# Reading the reopen row: a tmux figure holds tmux's and the process's start
# and the first frame (the floor row: the first screen of a 3 KB document,
# measured alongside), which alone is near 0.2× cat here; the decisive
# figure for "reopen ≤ 0.2× cat" is the in-process one (benches/corpus.rs,
# index_reopen against cat_sidecars, in the full run).
if want corpus; then
  echo "corpus view: first screen, complete counts cold and cached, vs cat of the sidecars…" >&2
  ARCHIVE=$TMP/archive CSTATE=$TMP/corpus-state
  GLOSS_GENERATE_CORPUS=$ARCHIVE cargo bench --quiet --bench corpus >/dev/null 2>&1
  find "$ARCHIVE" -type f -exec cat {} + >/dev/null # warm the page cache (30,000 names: too many for one argument list)
  # Written to disk now, not by the kernel's writeback (about 30 s after the
  # writing) in the middle of the runs measured.
  sync
  sleep 3 # files written just now are "racy" for the cache (re-hashed until they settle)
  # complete_ms: poll the pane until the counting is over; prints ms waited.
  complete_ms() {
    local start pane
    clock_ms
    start=$CLOCK_MS
    while :; do
      look
      pane=$PANE
      clock_ms
      if [[ $pane == *"10000 documents"* && $pane != *counting* && $pane != *"reading documents"* ]]; then
        echo $((CLOCK_MS - start))
        return 0
      fi
      if ((CLOCK_MS - start > 60000)); then
        echo "timeout waiting for complete counts" >&2
        echo 60000
        return 1
      fi
      pause # as in wait_for: leave the cores to gloss
    done
  }
  # corpus_open: prints "first complete hwm" (ms from start, ms from start, bytes).
  corpus_open() {
    local t0 first done pid hwm
    clock_ms
    t0=$CLOCK_MS
    start_in_tmux "exec env GLOSS_STATE_DIR=$CSTATE $GLOSS --as bench $ARCHIVE"
    wait_for "10000 documents" >/dev/null
    clock_ms
    first=$((CLOCK_MS - t0))
    complete_ms >/dev/null
    clock_ms
    done=$((CLOCK_MS - t0))
    pid=$(tmux display -p -t "$SESSION" '#{pane_pid}')
    hwm=$(awk '/VmHWM/ {print $2 * 1024}' "/proc/$pid/status")
    tmux send-keys -t "$SESSION" q
    sleep 0.2
    stop_tmux
    echo "$first $done $hwm"
  }
  hyperfine --style none --warmup 2 --runs 10 --export-json "$TMP/cat-sidecars.json" \
    -n cat "find $ARCHIVE -name '*.gloss.ron' -exec cat {} + > /dev/null" >/dev/null
  CAT_SC=$(jq '.results[0].mean * 1000 | round' "$TMP/cat-sidecars.json")
  firsts=() colds=() warms=() hwms=()
  for _ in $(seq "$RUNS"); do
    rm -rf "$CSTATE"
    read -r f c h < <(corpus_open)
    firsts+=("$f") colds+=("$c") hwms+=("$h")
    read -r f w h < <(corpus_open)
    firsts+=("$f") warms+=("$w") hwms+=("$h")
  done
  C_FIRST=$(printf '%s\n' "${firsts[@]}" | median)
  C_COLD=$(printf '%s\n' "${colds[@]}" | median)
  C_WARM=$(printf '%s\n' "${warms[@]}" | median)
  C_HWM=$(printf '%s\n' "${hwms[@]}" | sort -n | tail -1)
  # The floor under the tmux rows: gloss's first screen of a 3 KB document.
  SAVED_MARKER=$FIRST_MARKER FIRST_MARKER="Floor paragraph 1 of the small memo"
  for i in $(seq 1 30); do printf 'Floor paragraph %d of the small memo, about a hundred bytes of plain text to show.\n\n' "$i"; done >"$TMP/floor.txt"
  floors=()
  for _ in $(seq "$RUNS"); do floors+=("$(first_screen "exec env GLOSS_STATE_DIR=$CSTATE $GLOSS --as bench floor.txt" q)"); done
  FIRST_MARKER=$SAVED_MARKER
  rm -f "$TMP"/floor.txt*
  C_FLOOR=$(printf '%s\n' "${floors[@]}" | median)
  SIDECAR_BYTES=$(find "$ARCHIVE" -name '*.gloss.ron' -printf '%s\n' | awk '{s += $1} END {print s}')
  LARGEST_DOC=$(find "$ARCHIVE" -name '*.txt' -printf '%s\n' | sort -n | tail -1)
  row "Corpus view: first screen of 10,000 documents (≤ 150 ms)" "${C_FIRST} ms (${firsts[*]})" "—" "$(verdict "$C_FIRST" 150)"
  r=$(ratio "$C_COLD" "$CAT_SC")
  row "Corpus view: complete counts, 20,000 sidecars, vs cat of them (≤ 1.5×)" "gloss ${C_COLD} ms, cat ${CAT_SC} ms" "${r}×" "$(verdict "$r" 1.5)"
  r=$(ratio "$C_WARM" "$CAT_SC")
  row "Corpus view: reopen with the cache, complete counts vs cat (≤ 0.2×; in tmux, see the floor)" "gloss ${C_WARM} ms, cat ${CAT_SC} ms" "${r}×" "$(verdict "$r" 0.2)"
  row "Reference: first screen of a 3 KB document in tmux (the floor under the corpus rows)" "${C_FLOOR} ms (runs: ${floors[*]}; $(ratio "$C_FLOOR" "$CAT_SC")× cat)" "—" "reported"
  r=$(ratio "$C_HWM" "$((SIDECAR_BYTES + LARGEST_DOC))")
  row "Corpus view: peak memory vs sidecars + largest document (≤ 1.2×)" "$((C_HWM / 1048576)) MiB for $((SIDECAR_BYTES / 1048576)) MiB + $((LARGEST_DOC / 1024)) KiB" "${r}×" "$(verdict "$r" 1.2)"
  if [ -z "$QUICK" ]; then
    # In process (benches/corpus.rs): the index alone, no terminal.
    GLOSS_CORPUS=$ARCHIVE cargo bench --quiet --bench corpus >/dev/null 2>&1
    cest() { jq '.mean.point_estimate / 1e6' "$ROOT/target/criterion/corpus/$1/new/estimates.json"; }
    CB_CAT=$(cest cat_sidecars) CB_COLD=$(cest index_cold) CB_WARM=$(cest index_reopen) CB_LIST=$(cest listed)
    r=$(ratio "$CB_COLD" "$CB_CAT")
    row "Corpus index in process: complete, cold vs cat (≤ 1.5×)" "$(printf '%.0f' "$CB_COLD") ms vs $(printf '%.0f' "$CB_CAT") ms (walk alone $(printf '%.0f' "$CB_LIST") ms)" "${r}×" "$(verdict "$r" 1.5)"
    r=$(ratio "$CB_WARM" "$CB_CAT")
    row "Corpus index in process: complete, reopened with the cache vs cat (≤ 0.2×; the decisive figure)" "$(printf '%.0f' "$CB_WARM") ms vs $(printf '%.0f' "$CB_CAT") ms" "${r}×" "$(verdict "$r" 0.2)"
  fi
  rm -rf "$ARCHIVE" "$CSTATE"
fi

# ---------- in-process figures (criterion) ----------
est() { # est GROUP/NAME -> mean in ms
  jq '.mean.point_estimate / 1e6' "$ROOT/target/criterion/$1/new/estimates.json"
}
if [ -z "$QUICK" ] && want criterion; then
  echo "criterion benches (load, frame, sidecar)…" >&2
  cargo bench --quiet --bench load -- load/ >/dev/null 2>&1
  cargo bench --quiet --bench frame >/dev/null 2>&1
  cargo bench --quiet --bench sidecar 2>"$TMP/sidecar.err" >/dev/null
  IDX=$(est load/index_ready) RD=$(est load/read_memchr)
  r=$(ratio "$IDX" "$RD")
  row "Open: full index ready vs read + memchr (≤ 2×)" "$(printf '%.0f' "$IDX") ms vs $(printf '%.0f' "$RD") ms" "${r}×" "$(verdict "$r" 2)"
  # G pressed as soon as the first screen shows: the last paragraph appears
  # once the index is complete, within a frame (16 ms), plus the time any key
  # takes to show through tmux (measured idle).
  row "Move: G at open shows the last paragraph (≤ index + 1 frame)" "${T_G} ms after the key; index ready in $(printf '%.0f' "$IDX") ms" "—" "$(verdict "$T_G" "$(awk -v i="$IDX" -v k="$T_IDLE_KEY" 'BEGIN { print k + i + 16 + 10 }')")"
  worst=0
  detail=""
  for f in start middle end G g page_down search_hit; do
    ms=$(est "frame/$f")
    detail+="$f $(printf '%.2f' "$ms"), "
    worst=$(awk -v a="$worst" -v b="$ms" 'BEGIN { print (b > a ? b : a) }')
  done
  row "Move: frame at any position (≤ 1 ms)" "${detail%, } ms" "max $(printf '%.2f' "$worst") ms" "$(verdict "$worst" 1)"
  # Frames with detection's results shown (issue #14): names underlined,
  # suggestions listed, on a document crowded with mentions, and right after
  # a move to a paragraph not yet worked out.
  worst=0
  detail=""
  for f in suggestions suggestions_after_move dense_names dense_names_after_move; do
    ms=$(est "frame/$f")
    detail+="$f $(printf '%.2f' "$ms"), "
    worst=$(awk -v a="$worst" -v b="$ms" 'BEGIN { print (b > a ? b : a) }')
  done
  row "Names: frame with names underlined and suggestions listed (≤ 1 ms)" "${detail%, } ms" "max $(printf '%.2f' "$worst") ms" "$(verdict "$worst" 1)"
  for n in 1000 10000 100000; do
    lg=$(est "sidecar/load_gloss/$n") lr=$(est "sidecar/load_ron/$n")
    sg=$(est "sidecar/save_gloss/$n") sr=$(est "sidecar/save_ron/$n")
    r1=$(ratio "$lg" "$lr") r2=$(ratio "$sg" "$sr")
    limit=1.5
    [ "$n" = 100000 ] || limit=99 # the target is set at 100k; smaller sizes are shown for reference
    row "Sidecar $n annotations: load / save vs bare RON$([ "$n" = 100000 ] && echo ' (≤ 1.5×)')" \
      "load $(printf '%.1f' "$lg") vs $(printf '%.1f' "$lr") ms; save $(printf '%.1f' "$sg") vs $(printf '%.1f' "$sr") ms" \
      "${r1}× / ${r2}×" "$(verdict "$(awk -v a="$r1" -v b="$r2" 'BEGIN{print (a > b ? a : b)}')" "$limit")"
  done
  RA=$(est reanchor/10k_on_10mb_edited)
  row "Re-anchoring 10k annotations after edits to 10 MB (reported)" "$(printf '%.0f' "$RA") ms; $(grep -o 're-anchoring.*' "$TMP/sidecar.err" | head -1)" "—" "reported"
elif want session; then
  row "Move: G at open shows the last paragraph" "${T_G} ms after the key (idle key: ${T_IDLE_KEY} ms)" "—" "$(verdict "$T_G" $((T_IDLE_KEY + 200)))"
fi

# ---------- search across the corpus (issue #9) ----------
# In-process (criterion, benches/corpus_search.rs) on the generated archive,
# with `rg -S -c -F` over the same documents timed in the same bench run.
if want search; then
  echo "corpus search (criterion, against rg -c)…" >&2
  command -v rg >/dev/null 2>&1 || { [ "$(id -u)" = 0 ] && apt-get install -y -qq ripgrep >/dev/null; }
  GLOSS_CORPUS=$TMP/corpus cargo bench --quiet --bench corpus_search >/dev/null 2>&1
  CS_WHOLE=$(est corpus_search/whole) CS_FIRST=$(est corpus_search/first_result) CS_RG=$(est corpus_search/rg_c)
  r=$(ratio "$CS_WHOLE" "$CS_RG")
  row "Corpus search: whole search vs rg -c, same files (≤ 1.5×)" "gloss $(printf '%.0f' "$CS_WHOLE") ms, rg $(printf '%.0f' "$CS_RG") ms" "${r}×" "$(verdict "$r" 1.5)"
  row "Corpus search: first result (≤ 100 ms)" "$(printf '%.1f' "$CS_FIRST") ms" "—" "$(verdict "$CS_FIRST" 100)"
fi

echo
echo "glossator $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?') on $(nproc) cores (load $(cut -d' ' -f1-3 /proc/loadavg)), $(date -u +%Y-%m-%d), document $SIZE bytes"
echo
echo "| target | measured | ratio | verdict |"
echo "|---|---|---|---|"
printf '%s\n' "${ROWS[@]}"
if printf '%s\n' "${ROWS[@]}" | grep -q "NOT MET"; then
  exit 1
fi
