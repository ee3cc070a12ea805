package dev.livesync.cli;

import picocli.CommandLine.Command;

/**
 * {@code events} and {@code stats}, listed for help only: Main hands them to {@link
 * dev.livesync.events.InotifyTools}, which parses the options of inotifywait and inotifywatch as those
 * tools do.
 */
final class ToolCommands {
  private ToolCommands() {}

  /** Never run: picocli does not see these commands' arguments. */
  abstract static class HelpOnly implements Runnable {
    @Override
    public final void run() {}
  }

  @Command(
      name = "events",
      description = "Drop-in inotifywait: same options, output and exit codes (see 'livesync events --help').")
  static final class Events extends HelpOnly {}

  @Command(
      name = "stats",
      description = "Drop-in inotifywatch: same options, table and exit codes (see 'livesync stats --help').")
  static final class Stats extends HelpOnly {}
}
