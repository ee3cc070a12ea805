package dev.livesync.cli;

import picocli.CommandLine.Command;

/** Listed for help only: Main hands {@code events} to {@link dev.livesync.events.InotifyWait}. */
@Command(
    name = "events",
    description = "Drop-in inotifywait: same options, output and exit codes (see 'livesync events --help').")
final class EventsCommand implements Runnable {
  @Override
  public void run() {}
}
