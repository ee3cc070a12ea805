# Shared shell helpers for ./livesync, ./test and .ci/run. Source it; it defines functions only.

# Prints the path of a `java` from a JDK >= 25: $JAVA_HOME first, then /usr/lib/jvm/*, then PATH.
livesync_find_java() {
  local candidate ver
  for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/*; do
    [ -n "$candidate" ] && [ -x "$candidate/bin/java" ] || continue
    ver=$(livesync_jdk_major "$candidate")
    if [ -n "$ver" ] && [ "$ver" -ge 25 ] && [ -x "$candidate/bin/javac" ]; then
      printf '%s\n' "$candidate"
      return 0
    fi
  done
  return 1
}

# Major version of the JDK at $1, read from its release file (no JVM start).
livesync_jdk_major() {
  local v
  v=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release" 2>/dev/null)
  if [ -z "$v" ]; then
    v=$("$1/bin/java" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n 1)
  fi
  printf '%s' "$v"
}

# The Debian packages livesync drives, one "command:package" a line (the command tells whether the
# package is there). ./livesync demo|bench installs the first list, ./test both.
LIVESYNC_RUNTIME_PACKAGES="
rsync:rsync
inotifywait:inotify-tools
lsyncd:lsyncd
sshd:openssh-server
ssh:openssh-client
python3:python3
"
LIVESYNC_TEST_PACKAGES="
prometheus:prometheus
promtool:prometheus
chromium:chromium
chromedriver:chromium-driver
cpio:cpio
unzip:unzip
zip:zip
git:git
vim:vim
logrotate:logrotate
lintian:lintian
man:man-db
strip:binutils
zsh:zsh
"

# Installs the packages of the lists named (runtime, test), when they are missing and we are root.
livesync_ensure_packages() {
  local missing="" cmd pkg pair list pairs=""
  for list in "${@:-runtime}"; do
    case "$list" in
      runtime) pairs="$pairs $LIVESYNC_RUNTIME_PACKAGES" ;;
      test) pairs="$pairs $LIVESYNC_TEST_PACKAGES" ;;
    esac
  done
  for pair in $pairs; do
    cmd=${pair%%:*}; pkg=${pair#*:}
    command -v "$cmd" >/dev/null 2>&1 || [ -x "/usr/sbin/$cmd" ] || [ -x "/sbin/$cmd" ] || missing="$missing $pkg"
  done
  [ -z "$missing" ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    echo "livesync: missing packages:$missing (run as root, or: apt-get install$missing)" >&2
    return 1
  fi
  echo "livesync: installing$missing" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2 && apt-get install -y -qq $missing >&2
}

livesync_require_jdk() {
  LIVESYNC_JDK=$(livesync_find_java) || {
    echo "livesync: no JDK >= 25 found (looked at \$JAVA_HOME and /usr/lib/jvm/*)." >&2
    echo "livesync: install Temurin 25 (e.g. the temurin-25-jdk package) or set JAVA_HOME." >&2
    return 1
  }
  export JAVA_HOME="$LIVESYNC_JDK"
}

# The inotify limits the test suite needs (several runs, daemons and tools watch at once; some tests
# fill a queue of 16384 on purpose). A machine may boot with far less (seen: 5 watches, 1 instance,
# 1 queued event). livesync_raise_inotify_limits raises each one that is lower, remembers what it
# found in LIVESYNC_SAVED_LIMITS, and livesync_restore_inotify_limits puts those values back.
LIVESYNC_TEST_LIMITS="max_user_watches:524288 max_user_instances:128 max_queued_events:16384"
LIVESYNC_SAVED_LIMITS=""
livesync_raise_inotify_limits() {
  local pair key want have
  for pair in $LIVESYNC_TEST_LIMITS; do
    key=${pair%%:*}; want=${pair#*:}
    have=$(cat "/proc/sys/fs/inotify/$key" 2>/dev/null) || continue
    [ "$have" -ge "$want" ] && continue
    if [ "$(id -u)" -ne 0 ]; then
      echo "livesync: fs.inotify.$key = $have; the tests need $want (run as root, or: sysctl fs.inotify.$key=$want)" >&2
      return 1
    fi
    echo "$want" >"/proc/sys/fs/inotify/$key" || return 1
    LIVESYNC_SAVED_LIMITS="$LIVESYNC_SAVED_LIMITS $key:$have"
    echo "livesync: fs.inotify.$key raised from $have to $want for this run" >&2
  done
}
livesync_restore_inotify_limits() {
  local pair
  for pair in $LIVESYNC_SAVED_LIMITS; do
    echo "${pair#*:}" >"/proc/sys/fs/inotify/${pair%%:*}" 2>/dev/null || true
  done
  LIVESYNC_SAVED_LIMITS=""
}

# Writes the benchmarks' tree under $1: $2 directories of $3 files of 0-4 KB each, the same bytes every
# time (seeded); lopsided on purpose: a tenth of the directories sit deep under one top-level directory.
livesync_write_bench_tree() {
  python3 - "$1" "$2" "$3" <<'PY'
import os, random, sys
root, dirs, per = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
r = random.Random(1); noise = r.randbytes(8192)
for d in range(dirs):
    p = os.path.join(root, "big" if d % 10 == 0 else "", "g%03d" % (d % 37), "d%05d" % d)
    os.makedirs(p, exist_ok=True)
    for f in range(per):
        with open(os.path.join(p, "f%04d" % f), "wb") as fh:
            fh.write(noise[: r.randint(0, 4096)])
PY
}

# A short `livesync run` that a class-data archive is trained on (the launcher's, and
# scripts/train-classlist's list for the package's): a sync of a one-file tree to a local directory,
# stopped with SIGTERM (as a service is) once its first sync is done. The JVM command is "$@" (up to
# and including `-jar JAR`), its output goes to $1; fails unless it started and stopped cleanly.
livesync_train_run() {
  local log=$1 t pid
  shift
  t=$(mktemp -d)
  mkdir "$t/src" "$t/dst" && echo x >"$t/src/f"
  "$@" run "$t/src" "$t/dst" --state-dir "$t/state" --status-socket "$t/sock" >"$log" 2>&1 &
  pid=$!
  for _ in $(seq 600); do grep -q 'running: ' "$log" && break; kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -TERM "$pid" 2>/dev/null || true
  wait "$pid" || true
  rm -rf "$t"
  grep -q 'clean stop recorded' "$log"
}

# Prints a TCP port free on 127.0.0.1 now (the kernel's pick), for a loopback daemon a script starts.
livesync_free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Returns once this machine's CPUs, all together, have been busy less than a quarter of one core over
# a whole second (four looks at /proc/stat, a quarter second apart), or after $1 seconds (default 5).
# The benchmarks that wait for a target to stand still call it before each walk of the target: such a
# walk (a find of 50,000 entries, 0.15-0.3 CPU s) twice a second took a fifth of both cores from the
# contender it was timing. Reads /proc/stat with the shell's own read: nothing forked but sleep.
livesync_await_quiet() {
  local max=${1:-5} _c u n s i w q sq st total idle ptotal pidle calm=0 looks=0 ncpu
  ncpu=$(nproc)
  read -r _c u n s i w q sq st _ </proc/stat
  ptotal=$((u + n + s + i + w + q + sq + st)) pidle=$((i + w))
  while [ "$calm" -lt 4 ] && [ "$looks" -lt $((max * 4)) ]; do
    sleep 0.25
    read -r _c u n s i w q sq st _ </proc/stat
    total=$((u + n + s + i + w + q + sq + st)) idle=$((i + w))
    # busy jiffies under a quarter of one core's share of the interval (its jiffies / ncpu / 4)
    if [ $(((total - ptotal) - (idle - pidle))) -lt $(((total - ptotal) / ncpu / 4)) ]; then
      calm=$((calm + 1))
    else
      calm=0
    fi
    ptotal=$total pidle=$idle looks=$((looks + 1))
  done
}
