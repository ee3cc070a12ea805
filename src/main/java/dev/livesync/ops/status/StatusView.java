package dev.livesync.ops.status;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/** Renders a status document (and the last verify result) for people. */
public final class StatusView {
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss z").withZone(ZoneId.systemDefault());

  private StatusView() {}

  /** The watches held, of the user's inotify limit; a fanotify watcher's marks have none. */
  private static String watches(JsonNode s) {
    long n = s.path("watches").asLong();
    if (s.path("watcher").asText("").equals("fanotify")) return "; fanotify, " + n + (n == 1 ? " mark" : " marks") + " (no watch limit)";
    return "; watches " + n + " of " + s.path("watchLimit").asLong() + " (max_user_watches, shared by the user)";
  }

  public static String render(JsonNode doc, JsonNode lastVerify) {
    StringBuilder b = new StringBuilder();
    long now = doc.path("nowMillis").asLong(System.currentTimeMillis());
    b.append("livesync is ").append(doc.path("state").asText("?"))
        .append(" (pid ").append(doc.path("pid").asLong())
        .append(", up ").append(ago(now - doc.path("startedMillis").asLong(now))).append(")\n");
    String config = doc.path("configProblem").asText("");
    if (!config.isEmpty()) b.append("CONFIG NOT RELOADED: ").append(config).append('\n');
    for (JsonNode s : doc.path("syncs")) {
      b.append("sync ").append(s.path("name").asText()).append(": ").append(s.path("source").asText())
          .append(" — ").append(s.path("state").asText())
          .append(watches(s))
          .append("; pending ").append(s.path("pendingPaths").asLong()).append(" paths")
          .append("; overflows ").append(s.path("overflows").asLong());
      String setup = s.path("setup").asText("");
      if (!setup.isEmpty()) b.append("\n  ").append(setup);
      String problem = s.path("problem").asText("");
      if (!problem.isEmpty()) b.append("\n  FAILED: ").append(problem);
      long unwatched = s.path("unwatchedDirs").asLong();
      if (unwatched > 0) {
        b.append("\n  DEGRADED: ").append(unwatched).append(" director").append(unwatched == 1 ? "y" : "ies").append(" not watched");
        String first = s.path("firstUnwatched").asText("");
        if (first.isEmpty()) {
          b.append(" (permission denied, or the watch limit: the log names each and why); changes there reach the targets only with a full sync (schedule), and not at all where permission is denied. See `livesync doctor`.");
        } else {
          b.append(unwatched == 1 ? ": " : "; the first: ").append(first).append(unwatched == 1 ? "" : "; the log names each").append('.');
        }
      }
      b.append('\n');
      for (JsonNode t : s.path("targets")) {
        b.append("  -> ").append(t.path("target").asText()).append(": ").append(t.path("state").asText())
            .append("; queue ").append(t.path("queuedItems").asLong()).append(" items (")
            .append(t.path("queuedPaths").asLong()).append(" paths), in flight ").append(t.path("inFlight").asLong())
            .append("; last success ").append(when(t.path("lastSuccessMillis").asLong(), now))
            .append("; lag ").append(ms(t.path("lagMillis").asLong()))
            .append("; failures ").append(t.path("failures").asLong());
        long held = t.path("deletionsHeld").asLong();
        if (held > 0) {
          b.append("; deletions held: ").append(held).append(held == 1 ? " path" : " paths")
              .append(" (more than max_delete / --max-delete allows; 'livesync release-deletes ").append(s.path("name").asText())
              .append("' lets them go, restoring them at the source clears them)");
        }
        String progress = t.path("fullSyncProgress").asText("");
        if (!progress.isEmpty()) b.append("; full sync: ").append(progress);
        String warning = t.path("warning").asText("");
        if (!warning.isEmpty()) b.append("; WARNING: ").append(warning);
        long next = t.path("nextAttemptMillis").asLong();
        if (next > 0) b.append("; next retry in ").append(ms(Math.max(0, next - now)));
        String err = t.path("lastError").asText("");
        if (!err.isEmpty()) {
          b.append("; last error");
          int code = t.path("lastExitCode").asInt(-1);
          long at = t.path("lastErrorMillis").asLong();
          if (code >= 0 || at > 0) {
            b.append(" (");
            if (code >= 0) b.append("rsync exit ").append(code).append(": ").append(t.path("lastExitMeaning").asText()).append(at > 0 ? ", " : "");
            if (at > 0) b.append(when(at, now));
            b.append(")");
          }
          b.append(": ").append(err);
        }
        b.append('\n');
      }
    }
    b.append(VerifyRecord.summaryLine(lastVerify));
    return b.toString();
  }

  static String when(long millis, long now) {
    if (millis <= 0) return "never";
    return ago(now - millis) + " ago";
  }

  static String ago(long millis) {
    Duration d = Duration.ofMillis(Math.max(0, millis));
    if (d.toSeconds() < 60) return d.toSeconds() + " s";
    if (d.toMinutes() < 60) return d.toMinutes() + " min";
    if (d.toHours() < 48) return d.toHours() + " h " + d.toMinutesPart() + " min";
    return d.toDays() + " days";
  }

  static String ms(long millis) {
    return millis < 1000 ? millis + " ms" : String.format("%.1f s", millis / 1000.0);
  }

  public static String time(long millis) {
    return TIME.format(Instant.ofEpochMilli(millis));
  }
}
