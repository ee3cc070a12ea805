package dev.livesync.transport;

import dev.livesync.LivesyncException;
import dev.livesync.fs.BytePath;
import dev.livesync.fs.Bytes;
import dev.livesync.fs.Libc;
import dev.livesync.settings.Versions;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The command line and environment of each kind of rsync run a transport makes. Every run uses
 * {@code -a} (recursion only where asked), {@code -s}, {@code --force}, {@code --modify-window=-1},
 * the timeouts, what reaches the target ({@link TargetKind#connectionArgs}), the target's
 * pass-through options and excludes, with {@code LC_ALL=C}.
 */
final class RsyncArgs {
  private static final byte[] DOT_SLASH = {'.', '/'};
  private static final byte[] VERSIONS_TOP = Bytes.of(Versions.DIR);
  private final byte[] source;
  private final String sourceArg;
  private final Target target;
  private final TargetOptions options;
  private final TargetKind kind;

  /** {@code source}: the absolute source directory without a trailing slash, valid UTF-8. */
  RsyncArgs(byte[] source, Target target, TargetOptions options, TargetKind kind) {
    this.source = source;
    this.sourceArg = utf8(source, "source directory") + "/";
    this.target = target;
    this.options = options;
    this.kind = kind;
  }

  TargetOptions options() {
    return options;
  }

  /** The source directory as rsync's argument (with a trailing slash). */
  String sourceArg() {
    return sourceArg;
  }

  String destination() {
    return target.rsyncDestination();
  }

  /** What every run passes: archive mode, timeouts, credentials, the target's options and excludes. */
  List<String> common() {
    var a = new ArrayList<String>(options.rsyncCommand());
    // --modify-window=-1: mtimes compared to the nanosecond, not the second: a file rewritten with
    // the same size within the second it was sent in (x = 1 -> x = 2) was skipped as unchanged
    a.addAll(List.of("-a", "-s", "--force", "--modify-window=-1"));
    a.addAll(Versions.FILTERS);
    a.addAll(Versions.backupArgs(options.versions(), Instant.now()));
    if (options.timeoutSeconds() > 0) a.add("--timeout=" + options.timeoutSeconds());
    kind.connectionArgs(a);
    if (options.bwlimit() != null) a.add("--bwlimit=" + options.bwlimit());
    if (options.compress()) a.add("-z");
    if (options.checksum()) a.add("--checksum");
    a.addAll(options.extraArgs());
    for (String ex : options.excludes()) a.add("--exclude=" + ex);
    return a;
  }

  /** Alone (as large files go), a file this big goes with --sparse, its holes kept; not every run: rsync then scans each block for zeros. */
  static final long SPARSE_FROM = 16L << 20;

  /** {@code argv} with {@code --sparse} after the archive options. */
  static List<String> sparse(List<String> argv) {
    argv.add(argv.indexOf("-a") + 1, "--sparse");
    return argv;
  }

  /** {@code argv} with an anchored exclude for each path bound as {@link Transport#LEAVE_OUT} (plain names: {@link FullSyncShard#plain}). */
  List<String> leavingOut(List<String> argv) {
    for (byte[] p : Transport.LEAVE_OUT.orElse(List.of())) argv.add("--exclude=/" + utf8(p, "path"));
    return argv;
  }

  Map<String, String> env() {
    Map<String, String> env = new HashMap<>();
    env.put("LC_ALL", "C");
    kind.env(env);
    return env;
  }

  /**
   * The paths as {@code --files-from=- --from0} reads them. Each is prefixed {@code ./}: rsync skips
   * names starting with '#' or ';' as comments, even with --from0 ("./" keeps them, and -R keeps the
   * whole path).
   */
  static byte[] filesFrom(List<byte[]> paths) {
    var stdin = new ByteArrayOutputStream();
    for (byte[] p : paths) {
      stdin.writeBytes(DOT_SLASH);
      stdin.writeBytes(p);
      stdin.write(0);
    }
    return stdin.toByteArray();
  }

  /** At most this many bytes of paths go on one rsync command line ({@link #asArgs}); more go in several runs ({@link #argvRuns}). */
  static final int ARGV_BUDGET = 256 * 1024;

  /** What a batch's path follows as an argument: {@code SOURCE/././} (see {@link #asArgs}). */
  private String batchPrefix() {
    return sourceArg + "././";
  }

  /** An argument's bytes beside its path's: the prefix's and the terminating NUL. */
  private static long argBytes(String prefix) {
    return prefix.getBytes(StandardCharsets.UTF_8).length + 1;
  }

  /**
   * The paths cut, in order, into runs whose arguments fit {@link #ARGV_BUDGET} ({@link #asArgs}):
   * one run unless they overflow it. Several runs cost less than one that reads them on stdin: the
   * sender reads a --files-from list one byte per read(2) with a poll(2) before each, and 8,000
   * paths a run (a batch limit raised) took an untar's rsync clients 13 CPU s against 3.1 for the
   * same paths in runs of 2,000 on the command line.
   */
  List<List<byte[]>> argvRuns(List<byte[]> paths) {
    return runsFitting(batchPrefix(), paths);
  }

  /** {@code names} (relative to the source's directory {@code dir}) cut as {@link #argvRuns} cuts a batch's paths, for {@link #namesUnder}. */
  List<List<byte[]>> namesRuns(String dir, List<byte[]> names) {
    return runsFitting(namesPrefix(dir), names);
  }

  /** What a name under the source's directory {@code dir} follows as an argument: {@code SOURCE/DIR/./} (-R keeps the name). */
  private String namesPrefix(String dir) {
    return sourceArg + dir + "/./";
  }

  private static List<List<byte[]>> runsFitting(String prefix, List<byte[]> paths) {
    List<List<byte[]>> runs = new ArrayList<>();
    long bytes = 0, each = argBytes(prefix);
    int from = 0;
    for (int i = 0; i < paths.size(); i++) {
      long b = paths.get(i).length + each;
      if (bytes + b > ARGV_BUDGET && i > from) {
        runs.add(paths.subList(from, i));
        from = i;
        bytes = 0;
      }
      bytes += b;
    }
    runs.add(paths.subList(from, paths.size()));
    return runs;
  }

  /**
   * A batch's paths as rsync's own arguments ({@code SOURCE/././PATH}: -R keeps what follows the
   * first {@code /./}), or null where they must go on its stdin ({@link #filesFrom}): rsync reads a
   * {@code --files-from} list one byte per read(2) (and a poll(2) before each), which cost its
   * sender more than the files themselves (0.41 s of CPU against 0.06 s for 2,000 paths). Null
   * when the paths hold more than {@link #ARGV_BUDGET} bytes, or when a name would not reach rsync
   * unchanged through the JVM's encoding of a command line (not valid in it). Either way --dirs is
   * on (--files-from implies it): a directory goes as itself, {@code .} too ({@link RootAlone}).
   */
  List<String> asArgs(List<byte[]> paths) {
    // "SOURCE/././PATH": the relative part is "./PATH", as on stdin (filesFrom), so that rsync sends
    // the source directory itself among PATH's implied parents, with its mtime (with one "/./" it does not)
    return asArgs(batchPrefix(), paths);
  }

  /** {@code names} (relative to the source's directory {@code dir}) as arguments {@code SOURCE/DIR/./NAME}, or null as {@link #asArgs}. */
  List<String> namesUnder(String dir, List<byte[]> names) {
    return asArgs(namesPrefix(dir), names);
  }

  private static List<String> asArgs(String prefix, List<byte[]> paths) {
    long bytes = 0, each = argBytes(prefix);
    for (byte[] p : paths) bytes += p.length + each;
    if (bytes > ARGV_BUDGET) return null;
    List<String> args = new ArrayList<>(paths.size());
    var decoder = Bytes.COMMAND_LINE.newDecoder();
    for (byte[] p : paths) {
      if (p.length == 0) return null;
      String name;
      try {
        name = decoder.decode(ByteBuffer.wrap(p)).toString();
      } catch (CharacterCodingException e) {
        return null;
      }
      if (!Arrays.equals(name.getBytes(Bytes.COMMAND_LINE), p)) return null;
      args.add(prefix + name);
    }
    return args;
  }

  /**
   * A batch: the paths as arguments ({@code pathArgs}, from {@link #asArgs}) or, where null, on stdin
   * ({@link #filesFrom}); {@code mirror}: with {@code recursive}, delete
   * target files inside the sent dirs that the source lacks; {@code maxDeletions}: --max-delete, -1 for none;
   * {@code byContent}: no file is skipped for matching size and mtime ({@code -I}, see {@link Transport#BY_CONTENT}).
   */
  List<String> send(List<String> pathArgs, boolean recursive, boolean mirror, boolean fuzzy, long maxDeletions, boolean byContent) {
    List<String> argv = common();
    argv.addAll(pathsMode(pathArgs, recursive));
    argv.addAll(List.of("-R", "--delete-missing-args", "--mkpath", "--stats", "--no-human-readable"));
    if (byContent) argv.add("--ignore-times");
    if (recursive) argv.add("-r");
    if (mirror) argv.add("--delete"); // only inside the listed dirs: -R's implied parents are not touched
    if (fuzzy) argv.add("--fuzzy");
    if (maxDeletions >= 0) argv.add("--max-delete=" + maxDeletions);
    return withPaths(argv, pathArgs);
  }

  /** A batch's paths as arguments below the directory {@code dir} (UTF-8, no slash at either end): see {@link #under}. */
  record Under(String dir, List<String> pathArgs) {}

  /**
   * A batch's paths as arguments {@code SOURCE/DIR/././REST} for a run into {@code DEST/DIR/}, where
   * DIR is the send's {@link Transport#BASE}, or null where the run goes from the top as {@link
   * #asArgs} has it: no base, a kind of target that does not allow it, a path not below it, a base
   * that is not a directory at the source now, the top's {@code .livesync} or below it, or filters
   * or backups that name paths from the top (versions, a pass-through rsync option, an exclude with
   * a slash inside or {@code **}). Such a run leaves out the filters of the target's {@code
   * .livesync}: it cannot reach it.
   */
  Under under(List<byte[]> paths) {
    BytePath base = Transport.BASE.orElse(BytePath.EMPTY);
    if (base.isEmpty() || !kind.sendsIntoCommonDir() || options.versions() != null || !options.extraArgs().isEmpty()) return null;
    for (String ex : options.excludes()) {
      String e = ex.endsWith("/") ? ex.substring(0, ex.length() - 1) : ex;
      if (e.indexOf('/') >= 0 || e.contains("**")) return null;
    }
    byte[] dir = base.unsafeArray();
    if (Bytes.isUnder(dir, VERSIONS_TOP)) return null;
    List<byte[]> rest = new ArrayList<>(paths.size());
    for (byte[] p : paths) {
      if (p.length <= dir.length || !Bytes.isUnder(p, dir)) return null;
      rest.add(Arrays.copyOfRange(p, dir.length + 1, p.length));
    }
    var st = Libc.lstatLook(Bytes.child(source, dir));
    if (st == null || !st.isDir()) return null;
    List<String> dirArg = asArgs("", List.of(dir));
    if (dirArg == null) return null;
    List<String> pathArgs = asArgs(sourceArg + dirArg.getFirst() + "/././", rest);
    return pathArgs == null ? null : new Under(dirArg.getFirst(), pathArgs);
  }

  /**
   * {@link #send} for a batch {@link #under} a directory: into it on the target, without {@code
   * --mkpath} (rsync then makes the directory itself, with the source's mode and times, but not a
   * missing one above it: {@link RsyncRuns#transferInto}) and the filters of the top's {@code .livesync}.
   */
  List<String> sendUnder(Under under, boolean recursive, boolean mirror, boolean fuzzy, long maxDeletions, boolean byContent) {
    List<String> argv = send(under.pathArgs(), recursive, mirror, fuzzy, maxDeletions, byContent);
    argv.removeAll(Versions.FILTERS);
    argv.remove("--mkpath");
    argv.set(argv.size() - 1, destination() + under.dir() + "/");
    return argv;
  }

  /**
   * How a batch's paths are read: as arguments, a directory is itself only with --dirs and no -r
   * (which -a holds); from --files-from (where {@code pathArgs} is null), -a does not recurse.
   */
  static List<String> pathsMode(List<String> pathArgs, boolean recursive) {
    return pathArgs != null ? recursive ? List.of() : List.of("--no-recursive", "--dirs") : List.of("--files-from=-", "--from0");
  }

  /** {@code argv} ended with the batch's paths as arguments, or the source directory (paths on stdin), then the destination. */
  List<String> withPaths(List<String> argv, List<String> pathArgs) {
    if (pathArgs != null) argv.addAll(pathArgs);
    else argv.add(sourceArg);
    argv.add(destination());
    return argv;
  }

  List<String> fullSync(boolean delete, boolean progress) {
    List<String> argv = tree(delete);
    if (progress) argv.add("--info=progress2");
    argv.add(sourceArg);
    argv.add(destination());
    return argv;
  }

  /** A part of a full sync that is not the whole: see {@link RsyncTransport#fullSync(FullSyncShard, boolean)}. */
  List<String> fullSyncPart(FullSyncShard part, boolean delete) {
    List<String> argv = tree(delete);
    for (byte[] c : part.carved()) argv.add("--exclude=/" + utf8(c, "directory") + "/");
    if (part.root().length == 0) {
      argv.add(sourceArg);
    } else {
      argv.add("-R");
      argv.add(utf8(source, "source directory") + "/./" + utf8(part.root(), "directory") + "/");
    }
    argv.add(destination());
    return argv;
  }

  /** The start of a run over a whole tree that counts what it did. */
  private List<String> tree(boolean delete) {
    List<String> argv = leavingOut(common());
    argv.addAll(List.of("--mkpath", "--stats", "--no-human-readable"));
    // after the copies: deleted first, a renamed tree's freed inodes made ext4 without a journal slow to allocate (docs/benchmarks.md)
    if (delete) argv.addAll(List.of("--delete", "--delete-delay"));
    return argv;
  }

  /** A dry run that itemizes what differs. */
  List<String> compare(boolean checksum) {
    List<String> argv = common();
    argv.addAll(List.of("-n", "--delete", "--out-format=%i %n"));
    if (checksum && !options.checksum()) argv.add("--checksum");
    argv.add(sourceArg);
    argv.add(destination());
    return argv;
  }

  /**
   * A dry run that itemizes how the root directory's own entries differ, not below them ({@code -d}
   * without {@code -r}; {@code --mkpath}: a missing target directory shows as everything missing).
   */
  List<String> topLevel() {
    List<String> argv = common();
    argv.addAll(List.of("-n", "--no-recursive", "--dirs", "--delete", "--mkpath", "--no-motd", "--out-format=%i %n"));
    argv.add(sourceArg);
    argv.add(destination());
    return argv;
  }

  /** A listing of the target directory's own entries ({@code .} first), not below them, that changes nothing. */
  List<String> listTop() {
    List<String> argv = common();
    argv.addAll(List.of("--list-only", "--no-recursive", "--dirs", "--no-motd"));
    argv.add(destination());
    return argv;
  }

  /** The directory {@code to} (relative, UTF-8) sent with its old copy {@code from} as --link-dest. */
  List<String> linkDest(String from, String to) {
    int depth = 1;
    for (int i = 0; i < to.length(); i++) if (to.charAt(i) == '/') depth++;
    List<String> argv = tree(false);
    argv.add("--link-dest=" + "../".repeat(depth) + from);
    argv.add(sourceArg + to + "/");
    argv.add(destination() + to + "/");
    return argv;
  }

  /** The directory {@code to} (relative, UTF-8) sent as a whole tree, what is no longer at the source deleted in it. */
  List<String> treeOf(String to) {
    List<String> argv = tree(true);
    argv.add(sourceArg + to + "/");
    argv.add(destination() + to + "/");
    return argv;
  }

  /**
   * A part of the directory {@code to} sent with its old copy {@code from} as --link-dest: the names
   * (relative to {@code to}), each with what is below it, as arguments ({@code nameArgs}, from
   * {@link #namesUnder}) or, where null, on stdin ({@link #filesFrom}), which rsync reads one byte per
   * read(2): a flat directory's part of 10,000 names is hundreds of thousands of them.
   */
  List<String> linkDestPart(String from, String to, List<String> nameArgs) {
    List<String> argv = linkDest(from, to);
    if (nameArgs == null) {
      argv.addAll(argv.size() - 2, List.of("-r", "--files-from=-", "--from0"));
      return argv;
    }
    argv.remove(argv.size() - 2); // the directory: its names instead, -R keeping what follows "/./"
    argv.addAll(argv.size() - 1, List.of("-r", "-R"));
    argv.addAll(argv.size() - 1, nameArgs);
    return argv;
  }

  /** The directories named on stdin ({@link #filesFrom}, relative to {@code to}) sent as themselves: their mode, owner and mtime. */
  List<String> dirsOf(String to) {
    List<String> argv = tree(false);
    argv.addAll(List.of("--files-from=-", "--from0"));
    argv.add(sourceArg + to + "/");
    argv.add(destination() + to + "/");
    return argv;
  }

  /** {@code b} decoded, or a usage error naming it as {@code what}: it would go on rsync's command line. */
  static String utf8(byte[] b, String what) {
    try {
      return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(b)).toString();
    } catch (CharacterCodingException e) {
      throw new LivesyncException(what + " " + Bytes.display(b) + " is not valid UTF-8; rename it or use a parent/symlink with a UTF-8 name"
          + " (names below it may be any bytes)", 2);
    }
  }
}
