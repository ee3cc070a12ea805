package dev.livesync.ops.doctor;

import dev.livesync.LivesyncException;
import dev.livesync.fs.Bytes;
import dev.livesync.fs.Libc;
import dev.livesync.fs.WatcherChoice;
import dev.livesync.sync.EngineSettings;
import java.util.function.Supplier;

/**
 * {@code doctor}: the watcher a sync would use (its {@code watcher} setting decided for its source,
 * as {@code run} decides it) and why. FAIL when {@code watcher = fanotify} cannot be had; null (no
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
      return Check.ok(what, d.kind().word() + ": " + d.why());
    } catch (LivesyncException e) {
      return Check.fail(what, e.getMessage());
    }
  }
}
