package dev.livesync.ops.status;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The last {@code verify} result, kept in the state dir so {@code status} can show it. */
public record VerifyRecord(long timeMillis, boolean checksum, List<TargetResult> targets) {
  public static final String FILE = "last-verify.json";
  /** How many paths of each kind a result names. */
  public static final int FIRST = 10;

  /**
   * One source/target pair. {@code error} is non-empty when the comparison itself failed. The
   * first paths are for display ({@code Bytes.display}), at most {@link #FIRST} each.
   * {@code unreadable}: source paths that could not be read, so not compared (the rest was);
   * {@code extraCut}: extra paths may be missing from the count (rsync skips deletions after a read error).
   */
  public record TargetResult(
      String source, String target, String error, int missing, int extra, int differing,
      List<String> firstMissing, List<String> firstExtra, List<String> firstDiffering,
      int unreadable, List<String> firstUnreadable, boolean extraCut) {
    public boolean equal() {
      return error.isEmpty() && missing == 0 && extra == 0 && differing == 0 && unreadable == 0;
    }
  }

  public boolean equal() {
    return targets.stream().allMatch(TargetResult::equal);
  }

  public void save(Path stateDir) throws IOException {
    Files.createDirectories(stateDir);
    Path tmp = stateDir.resolve(FILE + ".tmp");
    Files.writeString(tmp, Json.write(this) + "\n");
    Files.move(tmp, stateDir.resolve(FILE), java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  /** The saved result as JSON, or null when verify never ran (or its file is unreadable). */
  public static JsonNode load(Path stateDir) {
    try {
      return Json.MAPPER.readTree(Files.readString(stateDir.resolve(FILE)));
    } catch (IOException e) {
      return null;
    }
  }

  /** One line for {@code status}. */
  public static String summaryLine(JsonNode rec) {
    if (rec == null) return "last verify: never (run 'livesync verify', e.g. from cron)\n";
    String at = StatusView.time(rec.path("timeMillis").asLong());
    long missing = 0, extra = 0, differing = 0, errors = 0, unreadable = 0;
    for (JsonNode t : rec.path("targets")) {
      missing += t.path("missing").asLong();
      extra += t.path("extra").asLong();
      differing += t.path("differing").asLong();
      unreadable += t.path("unreadable").asLong();
      if (!t.path("error").asText("").isEmpty()) errors++;
    }
    int n = rec.path("targets").size();
    if (errors > 0) return "last verify: " + at + ": FAILED for " + errors + " of " + n + " targets (see 'livesync verify')\n";
    String notRead = unreadable == 0 ? "" : "; " + unreadable + " source " + (unreadable == 1 ? "path" : "paths") + " could not be read (see 'livesync verify')";
    if (missing + extra + differing == 0 && unreadable > 0) return "last verify: " + at + ": INCOMPLETE: no drift in what was compared" + notRead + "\n";
    if (missing + extra + differing == 0) return "last verify: " + at + ": target == source (" + n + (n == 1 ? " target" : " targets") + ")\n";
    return "last verify: " + at + ": DRIFT: " + missing + " missing, " + extra + " extra, " + differing + " differing" + notRead + "\n";
  }
}
