package dev.livesync.transport;

import dev.livesync.LivesyncException;
import dev.livesync.fs.Bytes;
import dev.livesync.settings.Versions;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a target keeps of its past, read back through rsync (daemon, ssh or local alike): the live
 * tree, the versions under {@code .livesync/versions/<UTC time>/} ({@link Versions}) and the
 * snapshots {@code livesync serve --snapshots} takes under {@code .livesync/snapshots/<UTC time>/}.
 * A version named S holds what was at the target until S (livesync overwrote or deleted it then); a
 * snapshot named S holds what was there at S. So the tree as it was at a time T is, path by path, the
 * first version kept after T or snapshot taken at or after T, or else the live file — each only if it
 * had been written by T (its modification time, which rsync keeps).
 */
public final class VersionStore {
  /**
   * One kept copy of a path: {@code path} is the name's bytes, one char each (ISO-8859-1: any name,
   * UTF-8 or not, sorts and compares as its bytes; {@link Bytes#fromLatin1} gives them back);
   * {@code kept} is the version's or snapshot's time, null for the live file; {@code snapshot}: it is
   * in a snapshot; {@code symlink}: a symbolic link ({@code size}: its target's length); {@code stamp}:
   * the name of the version's or snapshot's directory (null for the live file), as found: older
   * livesync versions named them by the second, newer by the millisecond.
   */
  public record Copy(String path, Instant kept, long size, Instant mtime, boolean snapshot, boolean symlink, String stamp) {
    /** Whether this copy shows the path as it was at {@code t}, if the path had been written by then. */
    boolean after(Instant t) {
      return kept == null || kept.isAfter(t) || snapshot && kept.equals(t);
    }

    /** Where the copy is, relative to the target ("" for the live tree), ending with "/". */
    String dir() {
      return kept == null ? "" : (snapshot ? Versions.SNAPSHOTS : Versions.VERSIONS) + "/" + stamp + "/";
    }
  }

  private static final Pattern LIST = Pattern.compile("^([-lbcpsd])[-rwxsStT]{9}\\s+([0-9,]+) (\\d{4}/\\d\\d/\\d\\d \\d\\d:\\d\\d:\\d\\d) (.*)$");
  private static final DateTimeFormatter LIST_TIME = DateTimeFormatter.ofPattern("uuuu/MM/dd HH:mm:ss");

  private final Target target;
  private final TargetOptions options;

  public VersionStore(Target target, TargetOptions options) {
    this.target = target;
    this.options = options;
    if (!options.fileProblems().isEmpty()) throw options.fileProblems().getFirst();
  }

  /**
   * Every copy the target keeps (live, versions, snapshots) of regular files and symlinks, by path,
   * oldest first (a version before a snapshot of the same time: it held what was there until then), live last.
   */
  public Map<String, List<Copy>> copies() throws InterruptedException {
    Map<String, List<Copy>> out = new TreeMap<>();
    List<Copy> live = list("", null); // first: a target that cannot be read is said as such, not as "nothing kept"
    for (Copy c : list(Versions.VERSIONS + "/", Boolean.FALSE)) out.computeIfAbsent(c.path(), k -> new ArrayList<>()).add(c);
    for (Copy c : list(Versions.SNAPSHOTS + "/", Boolean.TRUE)) out.computeIfAbsent(c.path(), k -> new ArrayList<>()).add(c);
    for (List<Copy> l : out.values()) l.sort(java.util.Comparator.comparing(Copy::kept).thenComparing(Copy::snapshot).thenComparing(Copy::stamp));
    for (Copy c : live) out.computeIfAbsent(c.path(), k -> new ArrayList<>()).add(c);
    return out;
  }

  /**
   * The copy of each path as it was at {@code at}: the first version kept after {@code at} or snapshot
   * taken at or after it, else the live file; none when that copy was written after {@code at} (the
   * path did not exist then).
   */
  public static Map<String, Copy> at(Map<String, List<Copy>> copies, Instant at) {
    Map<String, Copy> out = new TreeMap<>();
    copies.forEach((path, list) -> {
      Copy pick = null;
      for (Copy c : list) {
        if (c.after(at)) {
          pick = c;
          break;
        }
      }
      if (pick != null && !pick.mtime().isAfter(at)) out.put(path, pick);
    });
    return out;
  }

  /**
   * Copies {@code picked} into {@code to} (made when missing) as they are kept: one rsync per
   * version directory (and one for the live files), each taking exactly its paths through include
   * rules, NUL-terminated ({@code --from0}) and in the names' own bytes, so any name is one
   * ({@code --files-from} from a subdirectory of a daemon module finds nothing with rsync 3.5).
   * {@code update}: skip files newer in {@code to}. What it did not write is looked for in {@code to}
   * afterwards, never taken for written: rsync's exit 23 (some files not written) is no failure here.
   */
  public Fetched fetch(Map<String, Copy> picked, Path to, boolean update) throws InterruptedException {
    Map<String, List<String>> bySource = new LinkedHashMap<>();
    List<String> newer = java.util.Collections.synchronizedList(new ArrayList<>());
    List<String> messages = new ArrayList<>();
    for (Copy c : picked.values()) bySource.computeIfAbsent(c.dir(), k -> new ArrayList<>()).add(c.path());
    for (var e : bySource.entrySet()) {
      var rules = new java.util.LinkedHashSet<String>();
      for (String p : e.getValue()) {
        for (int i = p.indexOf('/'); i >= 0; i = p.indexOf('/', i + 1)) rules.add("/" + rule(p.substring(0, i)) + "/");
        rules.add("/" + rule(p));
      }
      var stdin = new ByteArrayOutputStream();
      for (String r : rules) {
        stdin.writeBytes(Bytes.fromLatin1(r));
        stdin.write(0);
      }
      List<String> argv = base();
      argv.addAll(List.of("-a", "--from0", "--include-from=-", "--exclude=*", "--mkpath"));
      if (update) argv.addAll(List.of("--update", "--info=skip1")); // each file skipped: "NAME is newer"
      argv.add(target.rsyncDestination() + e.getKey());
      argv.add(to.toAbsolutePath() + "/");
      RsyncProcess.Result r = rsync(argv, stdin.toByteArray(), line -> {
        String l = Bytes.latin1(line);
        if (l.endsWith(NEWER)) newer.add(decode(l.substring(0, l.length() - NEWER.length())));
      });
      // 23: some files could not be written (a directory where a file was): the others were, and what
      // was not is found below; anything else is the target's failure, nothing restored of it known
      if (r.exit() == 23) {
        for (byte[] l : r.stderr()) if (!Bytes.latin1(l).startsWith("rsync error: ")) messages.add(new String(l, java.nio.charset.StandardCharsets.UTF_8));
      } else if (r.exit() != 0) {
        throw failure(r, "restoring from " + target.describe() + ": " + ExitCodes.classify(r.exit(), r.stderr(), target, options).message());
      }
    }
    var skipped = new java.util.HashSet<>(newer);
    byte[] dir = Bytes.of(to.toAbsolutePath().toString());
    List<String> missing = new ArrayList<>();
    for (Copy c : picked.values()) if (!skipped.contains(c.path()) && !written(Bytes.child(dir, Bytes.fromLatin1(c.path())), c)) missing.add(c.path());
    return new Fetched(missing, List.copyOf(newer), messages);
  }

  /** Whether {@code file} is there as {@code c} was kept: a symlink for a symlink, else a regular file of its size. */
  private static boolean written(byte[] file, Copy c) {
    var st = dev.livesync.fs.Libc.lstatLook(file);
    return st != null && (c.symlink() ? st.isSymlink() : st.isRegular() && st.size() == c.size());
  }

  private static final String NEWER = " is newer";

  /**
   * What {@link #fetch} did not write: {@code missing}, paths not in the directory written into
   * afterwards (rsync could not read or write them); {@code newer}, files left as they were because
   * they are newer there (only when asked to skip those); {@code messages}, rsync's words on what it
   * could not write. Paths as {@link Copy#path}.
   */
  public record Fetched(List<String> missing, List<String> newer, List<String> messages) {}

  /** A name as rsync prints it (non-printable bytes as {@code \#ooo}): its bytes, one char each ({@link Copy#path}). */
  private static String decode(String printed) {
    return Bytes.latin1(RsyncEscapes.decode(Bytes.fromLatin1(printed)));
  }

  /** A name as an rsync include rule matching exactly it: wildcards escaped (a backslash escapes only in a pattern with one). */
  static String rule(String name) {
    if (name.chars().noneMatch(ch -> ch == '*' || ch == '?' || ch == '[')) return name;
    StringBuilder b = new StringBuilder();
    for (char ch : name.toCharArray()) {
      if (ch == '*' || ch == '?' || ch == '[' || ch == '\\') b.append('\\');
      b.append(ch);
    }
    return b.toString();
  }

  /** {@code snapshots}: null for the live tree, false for the versions, true for the snapshots. */
  private List<Copy> list(String under, Boolean snapshots) throws InterruptedException {
    boolean versions = snapshots != null;
    List<String> argv = base();
    argv.addAll(List.of("-r", "--list-only", "--no-human-readable"));
    if (!versions) argv.add("--filter=- /" + Versions.DIR + "/");
    argv.add(target.rsyncDestination() + under);
    List<Copy> out = new ArrayList<>();
    boolean[] rootListed = {false};
    String what = versions ? "listing the " + (snapshots ? "snapshots" : "versions") + " kept on " + target.describe() : "listing " + target.describe();
    RsyncProcess.Result r = rsync(argv, null, line -> {
      Matcher m = LIST.matcher(Bytes.latin1(line));
      if (m.matches() && m.group(1).equals("d") && m.group(4).equals(".")) rootListed[0] = true;
      if (!m.matches() || !(m.group(1).equals("-") || m.group(1).equals("l"))) return;
      String name = m.group(4);
      boolean link = m.group(1).equals("l");
      if (link) {
        int arrow = name.indexOf(" -> ");
        if (arrow >= 0) name = name.substring(0, arrow);
      }
      name = decode(name);
      Instant mtime = LocalDateTime.parse(m.group(3), LIST_TIME).toInstant(ZoneOffset.UTC);
      long size = Long.parseLong(m.group(2).replace(",", ""));
      if (versions) {
        int slash = name.indexOf('/');
        Instant kept = slash < 0 ? null : Versions.parseStamp(name.substring(0, slash));
        if (kept != null) out.add(new Copy(name.substring(slash + 1), kept, size, mtime, snapshots, link, name.substring(0, slash)));
      } else {
        out.add(new Copy(name, null, size, mtime, false, link, null));
      }
    });
    if (r.exit() == 0 || r.exit() == 23 && versions) return out; // 23 on versions: no .livesync/versions/ (or snapshots/) yet, nothing kept
    if (r.exit() == 23 && rootListed[0]) return out; // some files unreadable: what could be read
    if (r.exit() == 23) {
      // the target's directory itself could not be read (a typo, a missing mount): not "nothing is kept"
      throw failure(r, what + ": the target cannot be read: " + ExitCodes.summary(r.stderr().stream()
          .filter(l -> !Bytes.latin1(l).startsWith("rsync error: ")).toList()));
    }
    throw failure(r, what + ": " + ExitCodes.classify(r.exit(), r.stderr(), target, options).message());
  }

  /** The rsync program with the target's connection options (credentials, ssh, timeout). */
  private List<String> base() {
    List<String> a = new ArrayList<>(options.rsyncCommand());
    a.add("-s");
    if (options.timeoutSeconds() > 0) a.add("--timeout=" + options.timeoutSeconds());
    switch (target) {
      case Target.Daemon d -> DaemonKind.connectionArgs(options, a);
      case Target.Ssh s -> a.addAll(List.of("-e", SshCommand.forRsync(options, List.of())));
      case Target.Local l -> {}
    }
    return a;
  }

  private RsyncProcess.Result rsync(List<String> argv, byte[] stdin, java.util.function.Consumer<byte[]> lines) throws InterruptedException {
    Map<String, String> env = new HashMap<>();
    env.put("LC_ALL", "C");
    env.put("TZ", "UTC"); // --list-only prints times in the local zone
    if (target instanceof Target.Daemon) DaemonKind.env(options, env);
    return RsyncProcess.run(argv, env, stdin, lines == null ? l -> {} : lines);
  }

  private TransportException failure(RsyncProcess.Result r, String message) {
    var outcome = ExitCodes.classify(r.exit(), r.stderr(), target, options).outcome();
    return new TransportException(new TransferResult(outcome, r.exit(), List.of(), 0, 0, r.millis(), message));
  }

  /** For messages: the error of a failed listing or fetch. */
  public static LivesyncException failure(TransportException e) {
    return new LivesyncException(e.getMessage(), dev.livesync.Exit.UNAVAILABLE, e);
  }
}
