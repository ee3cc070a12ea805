package dev.livesync.ops.service;

import dev.livesync.ops.status.StatusServer;
import dev.livesync.settings.Dirs;
import java.nio.file.Path;

/** Where a background livesync keeps its pidfile, log and status socket. */
public record ServiceFiles(Path pidFile, Path logFile, Path socket) {
  /** The log's name in the state dir. */
  public static final String LOG = "livesync.log";

  /** pidfile and socket in the runtime dir, the log in the state dir. */
  public static ServiceFiles defaults() {
    return new ServiceFiles(Dirs.runtime().resolve("livesync.pid"), Dirs.state().resolve(LOG), StatusServer.defaultSocket());
  }
}
