package dev.livesync.ops.doctor;

import dev.livesync.LivesyncException;
import dev.livesync.fs.Bytes;
import dev.livesync.fs.Libc;
import dev.livesync.fs.WatcherChoice;
import dev.livesync.sync.EngineSettings;
import java.util.function.Supplier;

/**
 * {@code doctor}: the watcher a sync would use (its {@code watcher} setting decided for its source,
 * as {@code run} decides it) and why. FAIL when {@code watcher = fanotify} cannot be had; WARN when
 * fanotify would watch a source with a filesystem mounted below it (not seen by the mark); null (no
 * line) when the source is not a directory (the source check says so).
 */
public final class WatcherCheck implements Supplier<Check> {
  private final EngineSettings sync;

  public WatcherCheck(EngineSettings sync) {
    this.sync = sync;
  }

  @Override
  public Check get() {
    Libc.Stat st = Libc.statOrNull(sync.source());
    if (st == null || !st.isDir()) return null;
    String what = "watcher of " + Bytes.display(sync.source());
    try {
      WatcherChoice.Decision d = WatcherChoice.decide(sync.watcher(), sync.source(), sync.watcherSetting());
      String below = d.kind() == WatcherChoice.Kind.FANOTIFY ? WatcherChoice.mountedBelow(sync.source()) : null;
      if (below != null) {
        return Check.warn(what, d.kind().word() + ": " + d.why() + "; but " + below + " is mounted below the source: the filesystem mark"
            + " does not see it, so changes there reach the targets only with full syncs (a schedule's); "
            + sync.watcherSetting().apply(WatcherChoice.Kind.INOTIFY) + " watches them live");
      }
      return Check.ok(what, d.kind().word() + ": " + d.why());
    } catch (LivesyncException e) {
      return Check.fail(what, e.getMessage());
    }
  }
}
