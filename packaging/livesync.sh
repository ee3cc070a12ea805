#!/bin/sh
# livesync, installed: runs the Java runtime bundled with it, whatever JAVA_HOME and PATH say.
# Invoked as inotifywait or inotifywatch (the symlinks in @LIB@/bin, not on PATH unless you put them
# there) it runs `livesync events` / `livesync stats`, so existing scripts run on livesync unchanged;
# as fsnotifywait / fsnotifywatch the same with fanotify by default, as inotify-tools' own are.
lib=@LIB@
launcher=@LAUNCHER@
case "${0##*/}" in
  inotifywait | fsnotifywait) set -- events "$@" ;;
  inotifywatch | fsnotifywatch) set -- stats "$@" ;;
esac
# The JVM names files in the locale's character set: in one that is not UTF-8 (no LANG at all, as
# under cron, in containers and in systemd units) a path with a non-ASCII byte could not be named.
if [ "$(locale charmap 2>/dev/null)" != UTF-8 ]; then
  if [ -n "${LC_ALL:-}" ]; then export LC_ALL=C.UTF-8; else export LC_CTYPE=C.UTF-8; fi
fi
# The same JVM flags as the development launcher (small resident set, fast start, see docs/events.md),
# with the class-data archive made at build time. Native access comes from the jar's manifest: a
# --enable-native-access flag here would differ from the archive's dump and disable part of it.
# LIVESYNC_JAVA_OPTS comes last and overrides them.
exec "$lib/runtime/bin/java" \
  -XX:+UseSerialGC -Xms8m -XX:TieredStopAtLevel=1 -XX:CICompilerCount=1 -XX:ReservedCodeCacheSize=16m \
  -XX:MaxMetaspaceSize=64m -Xss512k \
  -XX:SharedArchiveFile="$lib/livesync.jsa" -Xlog:cds=off -Xlog:aot=off \
  ${LIVESYNC_JAVA_OPTS:-} \
  -Dlivesync.home="$lib" -Dlivesync.launcher="$launcher" -Dlivesync.argv0="${0##*/}" \
  -jar "$lib/livesync.jar" "$@"
