package dev.livesync.bench;

import dev.livesync.LivesyncException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Builds the list of tools a benchmark runs from its command-line words. */
public final class Contenders {
  private Contenders() {}

  public static List<Contender> parse(boolean noLivesync, List<String> livesyncArgs, List<String> compare,
      double lsyncdDelay, int lsyncdMaxProcesses) {
    List<Contender> out = new ArrayList<>();
    if (!noLivesync) out.add(new Contender.Livesync(launcher(), withGuardOff(livesyncArgs)));
    for (String name : compare) {
      switch (name) {
        case "lsyncd" -> out.add(new Contender.Lsyncd(lsyncdDelay, lsyncdMaxProcesses));
        case "script", "inotifywait" -> out.add(new Contender.Script());
        default -> throw new LivesyncException("--compare takes lsyncd or script, not '" + name + "'", 2);
      }
    }
    if (out.isEmpty()) throw new LivesyncException("nothing to run: --no-livesync and no --compare", 2);
    return out;
  }

  /** The ./livesync launcher of this installation (set by the launcher as livesync.home). */
  public static Path launcher() {
    String home = System.getProperty("livesync.home");
    if (home == null) throw new LivesyncException("livesync.home is not set; run bench through the ./livesync launcher", 2);
    Path p = Path.of(home, "livesync");
    if (!Files.isExecutable(p)) throw new LivesyncException("no launcher at " + p, 2);
    return p;
  }

  /**
   * The bench's churn renames the first directory, which holds most of a short run's files: on the
   * daemon target that is a deletion of most of the tree, which the mass-deletion guard holds (as it
   * should for an rm -rf). The bench measures replication, so the guard is off unless asked for.
   */
  static List<String> withGuardOff(List<String> livesyncArgs) {
    boolean given = livesyncArgs.stream().anyMatch(a -> a.startsWith("--max-delete"));
    if (given) return List.copyOf(livesyncArgs);
    var args = new java.util.ArrayList<>(livesyncArgs);
    args.add("--max-delete=off");
    return List.copyOf(args);
  }
}
