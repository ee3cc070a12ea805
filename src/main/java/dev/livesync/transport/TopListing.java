package dev.livesync.transport;

import dev.livesync.fs.Bytes;
import dev.livesync.transport.TransferResult.Outcome;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code rsync --list-only} of the target directory, not recursive, with the target's options and
 * excludes ({@link RsyncArgs#listTop}): whether the target holds anything, and whether it answers at
 * all. It changes nothing, and costs the target one connection and a listing of its top directory.
 */
final class TopListing {
  private TopListing() {}

  /** Empty when it lists the directory alone, or when rsync could not enter it because it is not there ({@code --mkpath} makes it). */
  static boolean empty(RsyncRuns rsync) throws InterruptedException {
    var listed = new ArrayList<String>(2);
    RsyncProcess.Result r = rsync.run(rsync.args().listTop(), null, line -> {
      if (listed.size() < 2) listed.add(Bytes.latin1(line));
    });
    if (r.exit() == 0) return listed.size() == 1 && listed.getFirst().endsWith(" .");
    return listed.isEmpty() && notThere(r);
  }

  /** rsync could not enter the target directory because it is not there. */
  private static boolean notThere(RsyncProcess.Result r) {
    return r.exit() == 23 && r.stderr().stream().map(Bytes::latin1)
        .anyMatch(s -> s.contains(" change_dir ") && s.endsWith(" failed: No such file or directory (2)"));
  }

  /**
   * Null when the target answered: any exit but a failure to reach it or to be let in; {@link
   * Transport#DIRECTORY_GONE} when it answered without its directory; else the failed look, as {@link
   * Transport#check()} says.
   */
  static TransferResult answers(RsyncRuns rsync) throws InterruptedException {
    RsyncProcess.Result r = rsync.run(rsync.args().listTop(), null, line -> {});
    if (r.exit() == 0) return null;
    if (notThere(r)) return Transport.DIRECTORY_GONE;
    var v = rsync.classify(r);
    if (v.outcome() == Outcome.OK || v.outcome() == Outcome.PARTIAL) return null;
    return new RsyncOutput.Stats().result(v.outcome(), r, List.of(), "idle check: " + v.message());
  }
}
