package dev.livesync.events;

import dev.livesync.fs.ProcessName;
import java.util.Set;

/**
 * The drop-in inotify-tools commands, {@code livesync events} ({@link InotifyWait}) and {@code
 * livesync stats} ({@link InotifyWatch}): they parse their own options as those tools do, so the
 * command line hands them over whole.
 */
public final class InotifyTools {
  /** The names the launchers run these commands under. */
  private static final Set<String> TOOL_NAMES = Set.of("inotifywait", "inotifywatch", "fsnotifywait", "fsnotifywatch");

  private InotifyTools() {}

  /** True for {@code events} and {@code stats}. */
  public static boolean runs(String command) {
    return command.equals("events") || command.equals("stats");
  }

  /** Runs {@code command} with {@code args} (as the JVM got them) on the process's stdio; returns the exit code. */
  public static int main(String command, String[] args) {
    // run as inotifywait (bin/ or the package's symlinks): named so, for pgrep, pkill, killall, ps -C
    String argv0 = System.getProperty("livesync.argv0", "");
    if (TOOL_NAMES.contains(argv0)) ProcessName.set(argv0);
    String[] raw = RawArgs.latin1(args);
    return ToolStreams.onStdio(s -> switch (command) {
      case "events" -> InotifyWait.run(raw, System.in, s);
      case "stats" -> InotifyWatch.run(raw, System.in, s, true);
      default -> throw new IllegalArgumentException("not an inotify-tools command: " + command);
    });
  }

  /** {@code command}'s --help text (its man page carries it). */
  public static String helpText(String command) {
    return switch (command) {
      case "events" -> WaitOptions.help("inotifywait");
      case "stats" -> WatchOptions.help("inotifywatch");
      default -> throw new IllegalArgumentException("not an inotify-tools command: " + command);
    };
  }
}
