package dev.livesync.transport;

import dev.livesync.fs.BytePath;
import dev.livesync.fs.Bytes;
import dev.livesync.fs.Libc;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds which paths of a batch rsync failed on, from its stderr (exit 23/24). Each message names a
 * path: the sender prints it absolute under the source root, the receiver relative to the target
 * directory (or a temp file {@code .name.XXXXXX} beside it). A line that names no path of the batch,
 * or that is not understood, makes the whole batch fail: a path is never dropped on a guess.
 */
final class FailedPaths {
  /** Lines that carry no path and change nothing about which paths arrived. */
  private static final List<String> NO_PATH = List.of(
      "rsync error: some files/attrs were not transferred",
      "rsync error: some files vanished",
      "rsync warning: some files vanished",
      "*** Skipping any contents from this failed directory ***",
      "IO error encountered -- skipping file deletion",
      "rsync error: max-delete");
  private static final Pattern UNQUOTED = Pattern.compile(
      "^(?:WARNING: parent dir is absent in the file list: |cannot delete non-empty directory: |filename overflows max-path len by [0-9]+: "
          + "|could not make way for (?:new )?[a-z ]+?: |deleting (?:file|directory|symlink) failed: |"
          + "delete_file: (?:unlink|rmdir)\\()(.*?)(?:\\) failed: .*)?$",
      Pattern.DOTALL);
  /**
   * The sender's words for an entry that changed between its listing and its read: gone (exit 24's
   * "vanished"), or no longer what was listed (a file opened without following links that is a
   * symlink now, a symlink read that is a file now): tar makes a placeholder file, then a symlink in
   * its place.
   */
  private static final Pattern MOVED = Pattern.compile(
      "^(?:rsync: (?:\\[sender\\] )?)?(?:file has vanished: \".*\"|send_files failed to open \".*\": Too many levels of symbolic links \\(40\\)"
          + "|readlink_stat\\(\".*\"\\) failed: Invalid argument \\(22\\)|readlink \".*\" failed: Invalid argument \\(22\\))$",
      Pattern.DOTALL);
  /** rsync's words when --max-delete kept it from deleting (the count of deletions skipped follows). */
  private static final String MAX_DELETE_STOPPED = "Deletions stopped due to --max-delete limit";
  private static final Pattern TEMP = Pattern.compile("^\\.(.+)\\.[A-Za-z0-9]{6}$", Pattern.DOTALL);
  /** An entry gone between a listing and its lstat (a daemon's receiver adds its module). */
  private static final Pattern VANISHED = Pattern.compile("^(?:rsync: (?:\\[[a-z]+\\] )?)?file has vanished: \"(.*)\"(?: \\(in [^)]*\\))?$", Pattern.DOTALL);

  private final List<byte[]> roots;

  /**
   * @param roots absolute directories that prefix sender/receiver paths in messages (the source
   *     root first, its real path, a local target directory), without trailing slash
   */
  FailedPaths(List<byte[]> roots) {
    this.roots = roots;
  }

  /**
   * The paths to send again, or null when some failure cannot be pinned to a path. "Deletions stopped
   * due to --max-delete limit" names none, but says which: the deletions of the batch (paths gone from
   * the source, {@code --delete-missing-args}) were not carried out; those gone now go again (one made
   * again since is sent by the batch its creation queued). Taken for the whole batch, beside a 24 for
   * a file that vanished, every file the run had delivered was sent again — with versions kept, each
   * one kept a second time, a copy of what the target already had.
   */
  List<byte[]> inBatch(List<byte[]> batch, List<byte[]> stderr) {
    Set<BytePath> failed = new LinkedHashSet<>();
    for (byte[] line : stderr) {
      if (Bytes.latin1(line).startsWith(MAX_DELETE_STOPPED)) {
        for (byte[] p : batch) if (Libc.lstatLook(Bytes.child(roots.getFirst(), p)) == null) failed.add(BytePath.unsafeWrap(p));
        continue;
      }
      List<byte[]> candidates = candidates(line);
      if (candidates == null) continue;
      if (!addMatching(batch, candidates, failed)) return null;
    }
    return BytePath.unsafeArrays(failed);
  }

  /** True when rsync's messages say only that the source changed under it ({@link #MOVED}), nothing about the target. */
  static boolean sourceMovedOnly(List<byte[]> stderr) {
    boolean moved = false;
    for (byte[] raw : stderr) {
      String line = Bytes.latin1(raw).strip();
      if (line.isEmpty() || NO_PATH.stream().anyMatch(line::startsWith)) continue;
      if (!MOVED.matcher(line).matches()) return false;
      moved = true;
    }
    return moved;
  }

  /**
   * True when all that vanished are rsync's temporary files ({@code .NAME.XXXXXX}) outside the
   * source {@code source}: another rsync's, at the target, renamed into place while this one listed
   * the directory (a part of a full sync, a send beside the guard's dry run of the whole tree). Such a
   * file is nothing the source lost or made, so a dry run that saw it go still says what would be deleted.
   */
  static boolean onlyTargetTempFilesVanished(List<byte[]> stderr, byte[] source) {
    boolean vanished = false;
    for (byte[] raw : stderr) {
      String line = Bytes.latin1(raw).strip();
      if (line.isEmpty() || NO_PATH.stream().anyMatch(line::startsWith)) continue;
      Matcher m = VANISHED.matcher(line);
      if (!m.matches()) return false;
      byte[] p = RsyncEscapes.decode(Bytes.fromLatin1(m.group(1)));
      if (Bytes.isUnder(p, source) || untemp(p) == null) return false;
      vanished = true;
    }
    return vanished;
  }

  /** Paths named by the messages for a whole-tree run; "." when some message names none. */
  List<byte[]> inTree(List<byte[]> stderr) {
    Set<BytePath> failed = new LinkedHashSet<>();
    for (byte[] line : stderr) {
      List<byte[]> candidates = candidates(line);
      if (candidates == null) continue;
      byte[] rel = candidates.stream().filter(c -> c.length > 0 && c[0] != '/').findFirst().orElse(null);
      if (rel == null) return List.of(Bytes.of("."));
      failed.add(BytePath.unsafeWrap(rel));
    }
    return BytePath.unsafeArrays(failed);
  }

  private static boolean addMatching(List<byte[]> batch, List<byte[]> candidates, Set<BytePath> failed) {
    for (byte[] c : candidates) {
      boolean matched = false;
      for (byte[] p : batch) {
        if (isUnder(c, p)) {
          matched = true; // the path itself, or something inside a recursively sent directory
        } else if (isUnder(p, c)) {
          matched = true; // an ancestor failed (mkdir, vanished parent): everything below it must go again
          failed.add(BytePath.unsafeWrap(p));
        }
      }
      if (matched) {
        failed.add(BytePath.unsafeWrap(c));
        return true;
      }
    }
    return false;
  }

  private static boolean isUnder(byte[] path, byte[] dir) {
    return (dir.length == 1 && dir[0] == '.') || Bytes.isUnder(path, dir);
  }

  /**
   * Relative paths the line may name, most likely first; an empty list for a line not understood;
   * null for a line that names no path and is harmless.
   */
  List<byte[]> candidates(byte[] rawLine) {
    String line = Bytes.latin1(rawLine).strip();
    if (line.isEmpty()) return null;
    for (String s : NO_PATH) {
      if (line.startsWith(s)) return null;
    }
    List<String> texts = new ArrayList<>();
    Matcher m = UNQUOTED.matcher(line);
    if (m.matches()) {
      texts.add(m.group(1));
    } else {
      int first = line.indexOf('"');
      if (first >= 0) {
        for (int q = line.lastIndexOf('"'); q > first; q = line.lastIndexOf('"', q - 1)) texts.add(line.substring(first + 1, q));
      }
    }
    List<byte[]> out = new ArrayList<>();
    for (String t : texts) {
      byte[] rel = relative(RsyncEscapes.decode(Bytes.fromLatin1(t)));
      if (rel.length == 0) continue;
      out.add(rel);
      byte[] untemp = untemp(rel);
      if (untemp != null) out.add(untemp);
    }
    return out;
  }

  private byte[] relative(byte[] p) {
    for (byte[] root : roots) {
      if (Bytes.isUnder(p, root)) {
        return p.length == root.length ? Bytes.of(".") : strip(Arrays.copyOfRange(p, root.length + 1, p.length));
      }
    }
    return strip(p);
  }

  /** Without {@code ./} components (leading, or a sender's {@code DIR/././REST}: {@link RsyncArgs#under}) and slashes at the ends. */
  private static byte[] strip(byte[] p) {
    var out = new java.io.ByteArrayOutputStream(p.length);
    for (int i = 0; i < p.length; i++) {
      boolean componentStart = i == 0 || p[i - 1] == '/';
      if (componentStart && p[i] == '.' && i + 1 < p.length && p[i + 1] == '/') {
        i++; // "./": skip it and its slash
        continue;
      }
      out.write(p[i]);
    }
    return Bytes.trimSlashes(out.toByteArray());
  }

  /** {@code dir/.name.XXXXXX} (rsync's temp file) → {@code dir/name}; null if not that shape. */
  private static byte[] untemp(byte[] rel) {
    int slash = lastSlash(rel);
    byte[] base = Arrays.copyOfRange(rel, slash + 1, rel.length);
    Matcher m = TEMP.matcher(Bytes.latin1(base));
    if (!m.matches()) return null;
    byte[] name = Bytes.fromLatin1(m.group(1));
    return slash < 0 ? name : Bytes.concat(Arrays.copyOfRange(rel, 0, slash + 1), name);
  }

  private static int lastSlash(byte[] b) {
    for (int i = b.length - 1; i >= 0; i--) if (b[i] == '/') return i;
    return -1;
  }
}
