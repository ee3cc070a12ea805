package dev.livesync.cli;

import picocli.CommandLine.Command;

/** Listed for help only: Main hands {@code stats} to {@link dev.livesync.events.InotifyWatch}. */
@Command(
    name = "stats",
    description = "Drop-in inotifywatch: same options, table and exit codes (see 'livesync stats --help').")
final class StatsCommand implements Runnable {
  @Override
  public void run() {}
}
