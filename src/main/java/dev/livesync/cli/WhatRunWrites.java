package dev.livesync.cli;

import dev.livesync.LivesyncException;
import dev.livesync.monitor.HttpSettings;
import dev.livesync.monitor.WebServer;
import dev.livesync.ops.status.StatusServer;
import dev.livesync.sync.EngineSettings;
import java.nio.file.Path;
import java.util.List;

/** {@code run --check}'s look at what {@code run} would make, listen on and lock, as {@code run} would meet them. */
final class WhatRunWrites {
  private WhatRunWrites() {}

  /**
   * What run would make and listen on, tried. True when {@code fromConfig} (settings of a config file,
   * which a reload can take) and the livesync answering on the status socket runs that config (a sync
   * of it, by name and state dir, is its): then the socket, the address and the locks are that
   * livesync's own, and its reload is what would take these settings, so they are checked as the
   * reload checks them — a target another livesync writes still refuses it (exit 75).
   */
  static boolean check(Path statusSocket, HttpSettings http, List<EngineSettings> syncs, boolean fromConfig) {
    LivesyncException running = StatusServer.alreadyRunning(statusSocket);
    boolean here = fromConfig && running != null && syncs.stream().anyMatch(s -> dev.livesync.sync.Preflight.stateDirHeld(s) != null);
    if (running != null && !here) throw running;
    String socketDir = here ? null : StatusServer.dirProblem(statusSocket);
    if (socketDir != null) throw new LivesyncException("cannot open the status socket " + statusSocket + ": " + socketDir, dev.livesync.Exit.CANNOT_WRITE);
    if (http != null && !here) WebServer.probe(http);
    for (EngineSettings s : syncs) {
      String state = dev.livesync.sync.Preflight.stateDir(s);
      if (state != null) throw new LivesyncException(state, dev.livesync.Exit.CANNOT_WRITE);
      if (here) {
        for (var t : s.targets()) {
          String by = dev.livesync.sync.Preflight.targetWrittenBy(s, t); // null for the running sync's own
          if (by != null) throw new LivesyncException("target " + t.describe() + " is " + by, dev.livesync.Exit.ALREADY_RUNNING);
        }
        continue;
      }
      LivesyncException held = dev.livesync.sync.Preflight.stateDirHeld(s);
      if (held != null) throw held;
      held = dev.livesync.sync.Preflight.targetHeld(s);
      if (held != null) throw held;
    }
    return here;
  }
}
