package dev.livesync.transport;

import dev.livesync.fs.Bytes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Collects a {@link Drift} from {@code --out-format='%i %n'} lines of an rsync dry run. */
final class ItemizedOutput {
  private final List<byte[]> missing = new ArrayList<>();
  private final List<byte[]> extra = new ArrayList<>();
  private final List<byte[]> differing = new ArrayList<>();
  private final List<String> why = new ArrayList<>();
  /** Whether a directory differing only in mtime counts (else not, see {@link Drift}); the root itself never does. */
  private final boolean dirTimes;
  /** rsync said it skipped deletions after a read error: extra paths past that point are not listed. */
  private boolean deletionsSkipped;

  ItemizedOutput() {
    this(false);
  }

  ItemizedOutput(boolean dirTimes) {
    this.dirTimes = dirTimes;
  }

  /** One stdout line; lines that are not itemized changes (stats, notices) are ignored. */
  void line(byte[] raw) {
    if (Bytes.latin1(raw).startsWith("IO error encountered -- skipping file deletion")) deletionsSkipped = true;
    if (!itemized(raw)) return;
    String item = Bytes.latin1(Arrays.copyOfRange(raw, 0, 11));
    byte[] name = name(raw);
    if (name.length == 0 || dirTimes && name.length == 1 && name[0] == '.') return;
    if (item.startsWith("*deleting")) {
      extra.add(name);
      return;
    }
    char update = item.charAt(0);
    char type = item.charAt(1);
    if ("<>ch.".indexOf(update) < 0 || "fdLDS".indexOf(type) < 0) return;
    String attrs = item.substring(2);
    if (attrs.equals("+++++++++")) {
      missing.add(name);
    } else if (type == 'd' && !dirTimes && attrs.replace('.', ' ').replace('t', ' ').replace('T', ' ').isBlank()) {
      // a directory differing only in mtime: not counted (see Drift)
    } else if (!attrs.replace('.', ' ').isBlank() || update != '.') {
      differing.add(name);
      why.add(why(update, type, attrs));
    }
  }

  /** What an item's letters say differs (rsync's --itemize-changes: YXcstpoguax), in words. */
  static String why(char update, char type, String attrs) {
    List<String> out = new ArrayList<>();
    String[] words = {type == 'L' ? "symlink target" : "content", "size", "mtime", "permissions", "owner", "group", "access or change time", "ACL", "xattrs"};
    for (int i = 0; i < Math.min(attrs.length(), words.length); i++) {
      char c = attrs.charAt(i);
      if (c != '.' && c != ' ') out.add(words[i]);
    }
    if (out.isEmpty() && (update == '<' || update == '>')) out.add("content");
    if (out.isEmpty() && update == 'h') out.add("hard link");
    return out.isEmpty() ? "attributes" : String.join(", ", out);
  }

  /** Whether {@code raw} is an itemized change (-i): an 11-character item, a space, then the name. */
  static boolean itemized(byte[] raw) {
    return raw.length > 12 && raw[11] == ' ';
  }

  /** The name of an {@link #itemized} line: decoded ({@link RsyncEscapes}), without a trailing slash. */
  static byte[] name(byte[] raw) {
    return Bytes.trimSlashes(RsyncEscapes.decode(Arrays.copyOfRange(raw, 12, raw.length)));
  }

  boolean deletionsSkipped() {
    return deletionsSkipped;
  }

  Drift drift() {
    return new Drift(missing, extra, differing, why);
  }
}
