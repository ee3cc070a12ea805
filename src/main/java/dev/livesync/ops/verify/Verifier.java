package dev.livesync.ops.verify;

import dev.livesync.LivesyncException;
import dev.livesync.fs.Bytes;
import dev.livesync.ops.status.VerifyRecord;
import dev.livesync.transport.Drift;
import dev.livesync.transport.Transport;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code livesync verify}: an itemized dry-run compare of each source with each of its targets
 * ({@link Transport#compare}), summarized with the first paths of each kind.
 */
public final class Verifier {
  /** Paths listed per kind (missing, extra, differing). */
  public static final int FIRST = VerifyRecord.FIRST;

  /** One source (for display) and one target's transport. */
  public record Pair(String source, Transport transport) {}

  private Verifier() {}

  public static VerifyRecord run(List<Pair> pairs, boolean checksum) throws InterruptedException {
    List<VerifyRecord.TargetResult> results = new ArrayList<>();
    for (Pair p : pairs) {
      String target = p.transport().describe();
      try {
        Drift d = p.transport().compareReadable(checksum);
        if (d.missing().stream().anyMatch(Verifier::isRoot)) {
          // the target directory itself is missing: a typo far more often than a backup lost whole (run would make it)
          results.add(new VerifyRecord.TargetResult(p.source(), target, target + " does not exist (no directory there): check the"
              + " path; 'livesync run' would make it and copy the source into it", 0, 0, 0, List.of(), List.of(), List.of(), 0, List.of(), false));
          continue;
        }
        results.add(new VerifyRecord.TargetResult(p.source(), target, "", d.missing().size(), d.extra().size(), d.differing().size(),
            first(d.missing()), first(d.extra()), firstWithWhy(d), d.unreadable().size(), d.unreadable().stream().limit(FIRST).toList(),
            d.extraCut()));
      } catch (LivesyncException e) {
        results.add(new VerifyRecord.TargetResult(p.source(), target, e.getMessage(), 0, 0, 0, List.of(), List.of(), List.of(), 0, List.of(), false));
      }
    }
    return new VerifyRecord(System.currentTimeMillis(), checksum, results);
  }

  /**
   * 0 when every target equals its source; 69 if a compare could not run; else 1 (drift, or source
   * paths that could not be read: the rest was compared).
   */
  public static int exitCode(VerifyRecord r) {
    if (r.targets().stream().anyMatch(t -> !t.error().isEmpty())) return dev.livesync.Exit.UNAVAILABLE;
    return r.equal() ? 0 : 1;
  }

  public static String render(VerifyRecord r) {
    StringBuilder b = new StringBuilder();
    for (VerifyRecord.TargetResult t : r.targets()) {
      b.append(t.source()).append(" -> ").append(t.target()).append(": ");
      if (!t.error().isEmpty()) {
        b.append("COMPARE FAILED: ").append(t.error()).append('\n');
        continue;
      }
      if (t.unreadable() > 0) {
        b.append("INCOMPLETE: ").append(t.unreadable()).append(t.unreadable() == 1 ? " source path" : " source paths")
            .append(" could not be read, so not compared (listed below with why): make ").append(t.unreadable() == 1 ? "it" : "them")
            .append(" readable by the user verify runs as (chmod, chown) or shorter, or exclude ").append(t.unreadable() == 1 ? "it" : "them")
            .append("; the rest: ");
      }
      if (t.missing() + t.extra() + t.differing() == 0) {
        b.append("target == source").append(r.checksum() ? " (contents compared by checksum)" : "").append('\n');
        unread(b, t);
        continue;
      }
      b.append("DRIFT: ").append(t.missing()).append(" missing, ").append(t.extra()).append(" extra, ")
          .append(t.differing()).append(" differing\n");
      list(b, "missing:  ", t.firstMissing(), t.missing());
      list(b, "extra:    ", t.firstExtra(), t.extra());
      list(b, "differing:", t.firstDiffering(), t.differing());
      unread(b, t);
    }
    return b.toString();
  }

  private static void unread(StringBuilder b, VerifyRecord.TargetResult t) {
    list(b, "not read: ", t.firstUnreadable(), t.unreadable());
    if (t.extraCut()) b.append("  (extra paths past the first of these are not listed: rsync skips deletions after a read error)\n");
  }

  private static void list(StringBuilder b, String label, List<String> first, int total) {
    for (String p : first) b.append("  ").append(label).append(' ').append(p).append('\n');
    if (total > first.size()) b.append("  ").append(label).append(" ... and ").append(total - first.size()).append(" more\n");
  }

  /** The first differing paths, each with what differs: "www/index.html (content, mtime)". */
  private static List<String> firstWithWhy(Drift d) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < d.differing().size() && i < FIRST; i++) out.add(Bytes.display(d.differing().get(i)) + " (" + d.why().get(i) + ")");
    return out;
  }

  private static boolean isRoot(byte[] name) {
    return name.length == 1 && name[0] == '.';
  }

  private static List<String> first(List<byte[]> paths) {
    return paths.stream().limit(FIRST).map(Bytes::display).toList();
  }
}
