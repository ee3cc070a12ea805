package dev.livesync.transport;

import dev.livesync.LivesyncException;
import dev.livesync.fs.Bytes;
import dev.livesync.fs.Libc;
import dev.livesync.fs.NativeException;
import dev.livesync.settings.Versions;
import dev.livesync.transport.TransferResult.Outcome;
import java.io.ByteArrayOutputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Transport} that drives the real rsync binary to an rsync daemon, an ssh host or a local
 * directory. Every send, full sync and compare runs its own rsync process, so workers may call it
 * concurrently.
 *
 * <p>For ssh targets it also keeps two helper processes, both started on first use and both stopped
 * by {@link #close()}: an ssh connection master ({@link SshMaster}) that every rsync's ssh and the
 * rename shell ride on, so a run costs a session on an open connection instead of a full login; and
 * one remote shell ({@link RemoteShell}) that does every {@link #rename} in place, instead of one ssh
 * login per rename. Both only save work: when either is down, runs log in by themselves and a failed
 * rename is answered false (the engine then sends the data again).
 *
 * <p>Every run uses {@code -a} (recursion only where asked), {@code -s} (protected arguments),
 * {@code --force} (a directory replaced by a file), {@code --mkpath} (the target directory is made on
 * the first run), {@code --timeout} and the target's pass-through options, with {@code LC_ALL=C} so
 * rsync escapes every non-ASCII byte in its messages as {@code \#ooo}, which is decoded back exactly.
 * Hard links are not preserved (-H is not implied; it can be added in extra_args for full syncs, but
 * across event batches rsync cannot see links between files of different batches).
 */
public final class RsyncTransport implements Transport {
  private static final Logger log = LoggerFactory.getLogger(RsyncTransport.class);

  private static final byte[] DOT_SLASH = {'.', '/'};
  private final byte[] source;
  private final String sourceArg;
  private final Target target;
  private final TargetOptions options;
  private final FailedPaths failedPaths;
  private final SshMaster master; // ssh targets only
  private final RemoteShell shell; // ssh targets only

  /**
   * @param sourceRoot absolute source directory (raw bytes; must be valid UTF-8 because it travels
   *     on rsync's command line — names below it may be any bytes)
   */
  public RsyncTransport(byte[] sourceRoot, Target target, TargetOptions options) {
    this(sourceRoot, new TargetSpec(target, options));
  }

  /** A transport for {@code spec}; its password file and ssh key are checked now. */
  public RsyncTransport(byte[] sourceRoot, TargetSpec spec) {
    Target target = spec.target();
    TargetOptions options = spec.options();
    this.source = trimSlash(sourceRoot);
    if (source.length == 0 || source[0] != '/') throw new IllegalArgumentException("source root must be absolute: " + Bytes.display(sourceRoot));
    this.sourceArg = utf8(source, "source directory") + "/";
    this.target = target;
    this.options = options;
    if (!options.fileProblems().isEmpty()) throw options.fileProblems().getFirst();
    List<byte[]> roots = new ArrayList<>(List.of(source));
    realPath(source).ifPresent(roots::add);
    // the engine's own guard; run and doctor say the same earlier (sync.Preflight), located in the config
    String overlap = Overlap.withSource(Path.of(sourceArg), target);
    if (overlap != null) throw new LivesyncException("target " + target.describe() + " " + overlap, 2);
    if (target instanceof Target.Local local) {
      byte[] dir = Bytes.of(local.dir().toString());
      roots.add(dir);
      realPath(dir).ifPresent(roots::add);
    }
    this.failedPaths = new FailedPaths(roots);
    if (target instanceof Target.Ssh s) {
      this.master = new SshMaster(SshCommand.argv(options), s.login(), describe());
      long timeout = (options.timeout().isZero() ? TargetOptions.DEFAULT_TIMEOUT : options.timeout()).toNanos();
      this.shell = new RemoteShell(() -> {
        List<String> argv = new ArrayList<>(SshCommand.argv(options));
        argv.addAll(master.clientOptions());
        argv.addAll(List.of("-T", s.login(), "sh"));
        return argv;
      }, timeout, describe());
    } else {
      this.master = null;
      this.shell = null;
    }
  }

  /** Parses {@code url} with {@link Target#parse}. */
  public static RsyncTransport open(byte[] sourceRoot, String url, TargetOptions options) {
    return new RsyncTransport(sourceRoot, Target.parse(url), options);
  }

  public Target target() {
    return target;
  }

  @Override
  public String describe() {
    return target.describe();
  }

  /**
   * {@inheritDoc}
   *
   * <p>For daemon targets a rename arrives as a delete of the old name and a send of the new one in
   * the same batch. The new name is sent with {@code --fuzzy}, so rsync finds the old copy, still at
   * the target in the same directory, as the delta basis. {@code --fuzzy} costs a scan of the target
   * directory for every new file, so it is used only for the present paths that share a directory
   * with a deleted path of a non-recursive batch (where a basis can exist), and those run first, in their own
   * rsync: in one run rsync may delete the basis it has just chosen and fail with a protocol error
   * (seen with 3.5.0: "got a block match with no basis file"). Everything else — the other present
   * paths and the deletions — goes in one run without {@code --fuzzy}. So a batch is one rsync, or
   * two when it holds a rename-like pair.
   */
  @Override
  public TransferResult send(List<byte[]> paths, boolean recursive) throws InterruptedException {
    return send(paths, recursive, true, -1);
  }

  @Override
  public TransferResult sendKeepingExtras(List<byte[]> paths, boolean recursive) throws InterruptedException {
    return send(paths, recursive, false, -1);
  }

  @Override
  public TransferResult send(List<byte[]> paths, boolean recursive, long maxDeletions) throws InterruptedException {
    return send(paths, recursive, true, maxDeletions);
  }

  @Override
  public TransferResult sendKeepingExtras(List<byte[]> paths, boolean recursive, long maxDeletions) throws InterruptedException {
    return send(paths, recursive, false, maxDeletions);
  }

  /** {@code maxDeletions}: rsync's --max-delete, -1 for none. */
  private TransferResult send(List<byte[]> paths, boolean recursive, boolean deleteExtras, long maxDeletions) throws InterruptedException {
    if (paths.isEmpty()) return TransferResult.ok(0, 0, 0);
    boolean mirror = recursive && deleteExtras;
    for (byte[] p : paths) checkRelative(p);
    if (!(target instanceof Target.Daemon)) return sendRun(paths, recursive, mirror, false, maxDeletions);
    var split = FuzzySplit.of(paths, recursive, p -> Libc.lstatOrNull(Bytes.child(source, p)) != null);
    if (split.fuzzy().isEmpty()) return sendRun(split.rest(), recursive, mirror, false, maxDeletions);
    TransferResult first = sendRun(split.fuzzy(), recursive, mirror, true, maxDeletions);
    // --fuzzy may pick any similar name in the directory as basis, and a batch running beside this
    // one may delete it (exit 2, "no basis file"): the same paths again without --fuzzy cannot hit
    // that, and cost less than backing off the whole target.
    if (first.exitCode() == 2 && first.outcome() == Outcome.RETRY) first = sendRun(split.fuzzy(), recursive, mirror, false, maxDeletions);
    if (split.rest().isEmpty() || first.outcome() == Outcome.RETRY || first.outcome() == Outcome.FATAL) return first;
    return merge(first, sendRun(split.rest(), recursive, mirror, false, maxDeletions < 0 ? -1 : Math.max(0, maxDeletions - first.deleted())));
  }

  /** {@code mirror}: with {@code recursive}, delete target files inside the sent dirs that the source lacks. */
  private TransferResult sendRun(List<byte[]> paths, boolean recursive, boolean mirror, boolean fuzzy, long maxDeletions) throws InterruptedException {
    var stdin = new ByteArrayOutputStream();
    for (byte[] p : paths) {
      // --files-from skips names starting with '#' or ';' as comments, even with --from0; "./" keeps them (and -R keeps the whole path)
      stdin.writeBytes(DOT_SLASH);
      stdin.writeBytes(p);
      stdin.write(0);
    }
    List<String> argv = common();
    argv.addAll(List.of("--files-from=-", "--from0", "-R", "--delete-missing-args", "--mkpath", "--stats", "--no-human-readable"));
    if (recursive) argv.add("-r");
    if (mirror) argv.add("--delete"); // only inside the listed dirs: -R's implied parents are not touched
    if (fuzzy) argv.add("--fuzzy");
    if (maxDeletions >= 0) argv.add("--max-delete=" + maxDeletions);
    argv.add(sourceArg);
    argv.add(target.rsyncDestination());
    return transfer(argv, stdin.toByteArray(), paths);
  }

  /** Two runs of one batch: RETRY/FATAL of the second wins; otherwise failed paths add up. */
  private static TransferResult merge(TransferResult a, TransferResult b) {
    if (b.outcome() == Outcome.RETRY || b.outcome() == Outcome.FATAL) return b;
    List<byte[]> failed = new ArrayList<>(a.failedPaths());
    failed.addAll(b.failedPaths());
    Outcome o = failed.isEmpty() && a.outcome() == Outcome.OK && b.outcome() == Outcome.OK ? Outcome.OK : Outcome.PARTIAL;
    int exit = b.exitCode() != 0 ? b.exitCode() : a.exitCode();
    String msg = a.message().isEmpty() ? b.message() : b.message().isEmpty() ? a.message() : a.message() + " | " + b.message();
    return new TransferResult(o, exit, failed, a.files() + b.files(), a.bytes() + b.bytes(), a.millis() + b.millis(), msg,
        a.deleted() + b.deleted(), a.created() + b.created());
  }

  @Override
  public TransferResult fullSync(boolean delete) throws InterruptedException {
    return fullSync(delete, null);
  }

  /** With {@code progress}: rsync's {@code --info=progress2} lines (they end in CR, not LF), a few per second at most. */
  @Override
  public TransferResult fullSync(boolean delete, Consumer<String> progress) throws InterruptedException {
    List<String> argv = common();
    argv.addAll(List.of("--mkpath", "--stats", "--no-human-readable"));
    if (delete) argv.add("--delete");
    if (progress != null) argv.add("--info=progress2");
    argv.add(sourceArg);
    argv.add(target.rsyncDestination());
    return transfer(argv, null, null, progress == null ? null : new ProgressLines(progress));
  }

  @Override
  public boolean canSplitFullSync() {
    return true;
  }

  /**
   * A part: {@code rsync -a -R SRC/./ROOT/ DEST} (or {@code SRC/ DEST} for the remainder) with an
   * anchored {@code --exclude=/CARVED/} per carved subtree: excluded, a carved subtree is neither sent
   * nor deleted by this run (rsync protects excluded files from --delete), and anchored rules still
   * match from the source's top as the user's excludes do.
   */
  @Override
  public TransferResult fullSync(FullSyncShard part, boolean delete) throws InterruptedException {
    if (part.isWhole()) return fullSync(delete);
    List<String> argv = common();
    argv.addAll(List.of("--mkpath", "--stats", "--no-human-readable"));
    if (delete) argv.add("--delete");
    for (byte[] c : part.carved()) argv.add("--exclude=/" + utf8(c, "directory") + "/");
    if (part.root().length == 0) {
      argv.add(sourceArg);
    } else {
      argv.add("-R");
      argv.add(utf8(source, "source directory") + "/./" + utf8(part.root(), "directory") + "/");
    }
    argv.add(target.rsyncDestination());
    return transfer(argv, null, null, null);
  }

  /** Passes on rsync's progress2 updates, one per 500 ms at most; other lines go to {@code rest}. */
  private static final class ProgressLines {
    private static final java.util.regex.Pattern UPDATE = java.util.regex.Pattern.compile("^\\s*\\d+\\s+\\d+%.*");
    private final Consumer<String> sink;
    private long lastNanos;

    ProgressLines(Consumer<String> sink) {
      this.sink = sink;
    }

    Consumer<byte[]> around(Consumer<byte[]> rest) {
      return line -> {
        String s = Bytes.latin1(line);
        if (!UPDATE.matcher(s).matches()) {
          rest.accept(line);
          return;
        }
        long now = System.nanoTime();
        if (now - lastNanos > 500_000_000L) {
          lastNanos = now;
          sink.accept(s.strip());
        }
      };
    }
  }

  @Override
  public Drift compare(boolean checksum) throws InterruptedException {
    List<String> argv = common();
    argv.addAll(List.of("-n", "--delete", "--out-format=%i %n"));
    if (checksum && !options.checksum()) argv.add("--checksum");
    argv.add(sourceArg);
    argv.add(target.rsyncDestination());
    var items = new ItemizedOutput();
    RsyncProcess.Result r = RsyncProcess.run(argv, env(), null, items::line);
    if (r.exit() != 0) {
      var v = ExitCodes.classify(r.exit(), r.stderr(), target, user());
      throw new TransportException(result(v.outcome() == Outcome.PARTIAL ? Outcome.RETRY : v.outcome(), r,
          List.of(), new long[4], "compare with " + describe() + " incomplete: " + v.message()));
    }
    return items.drift();
  }

  @Override
  public DeletionPreview sendDeletions(List<byte[]> paths, boolean recursive) throws InterruptedException {
    for (byte[] p : paths) checkRelative(p);
    return DryRuns.send(this, paths, recursive);
  }

  @Override
  public DeletionPreview fullSyncDeletions() throws InterruptedException {
    return DryRuns.fullSync(this);
  }

  /** Local and ssh targets; on an rsync daemon target {@code serve} prunes its modules (see docs/versions.md). */
  @Override
  public int pruneVersions(java.time.Instant now) throws InterruptedException {
    if (options.versions() == null) return 0;
    java.time.Instant cutoff = now.minus(options.versions());
    switch (target) {
      case Target.Local l -> {
        try {
          return Versions.pruneLocal(l.dir(), cutoff);
        } catch (java.io.IOException e) {
          log.warn("{}: cannot prune old versions: {}", describe(), e.toString());
          return 0;
        }
      }
      case Target.Ssh s -> {
        int status = shell.run(RemoteVersions.pruneScript(Bytes.of(s.path()), cutoff));
        if (status != 0) log.warn("{}: pruning old versions failed (remote shell status {})", describe(), status);
        return 0;
      }
      case Target.Daemon d -> {
        return 0;
      }
    }
  }

  @Override
  public Reachability probe() {
    return PortProbe.probe(target, options);
  }

  /** Daemons have no rename: the module is reachable only through rsync's protocol. */
  @Override
  public boolean canRename() {
    return !(target instanceof Target.Daemon);
  }

  /** Daemons too: see {@link #linkDestCopy}. */
  @Override
  public boolean canRenameDirs() {
    return true;
  }

  @Override
  public boolean rename(byte[] from, byte[] to) throws InterruptedException {
    checkRelative(from);
    checkRelative(to);
    return switch (target) {
      case Target.Daemon d -> linkDestCopy(from, to);
      case Target.Local l -> renameLocal(Bytes.of(l.dir().toString()), from, to, options.versions() != null);
      case Target.Ssh s -> renameSsh(s, List.of(new Move(from, to)));
    };
  }

  /** For ssh targets all of them in one script: one round trip through the remote shell. */
  @Override
  public boolean renameAll(List<Move> moves) throws InterruptedException {
    for (Move m : moves) {
      checkRelative(m.from());
      checkRelative(m.to());
    }
    if (target instanceof Target.Ssh s) return renameSsh(s, moves);
    return Transport.super.renameAll(moves);
  }

  // ---- runs

  private TransferResult transfer(List<String> argv, byte[] stdin, List<byte[]> batch) throws InterruptedException {
    return transfer(argv, stdin, batch, null);
  }

  private TransferResult transfer(List<String> argv, byte[] stdin, List<byte[]> batch, ProgressLines progress) throws InterruptedException {
    var stats = new long[4];
    Consumer<byte[]> statsLine = line -> parseStats(Bytes.latin1(line), stats);
    if (progress != null) statsLine = progress.around(statsLine);
    log.debug("{}: {}", describe(), argv);
    RsyncProcess.Result r = RsyncProcess.run(argv, env(), stdin, statsLine);
    var v = ExitCodes.classify(r.exit(), r.stderr(), target, user());
    if (v.outcome() != Outcome.PARTIAL) return result(v.outcome(), r, List.of(), stats, v.message());
    List<byte[]> failed;
    if (batch == null) {
      failed = r.stderrTruncated() ? List.of(Bytes.of(".")) : failedPaths.inTree(r.stderr());
    } else {
      failed = r.stderrTruncated() ? null : failedPaths.inBatch(batch, r.stderr());
      if (failed == null || failed.isEmpty()) failed = List.copyOf(batch); // unidentified: the whole batch again, never a drop
    }
    return result(Outcome.PARTIAL, r, failed, stats, v.message());
  }

  /** {@code stats}: files (transferred + deleted), bytes, deleted, created, as {@link #parseStats} filled it. */
  private static TransferResult result(Outcome o, RsyncProcess.Result r, List<byte[]> failed, long[] stats, String message) {
    return new TransferResult(o, r.exit(), failed, stats[0], stats[1], r.millis(), message, stats[2], stats[3]);
  }

  /** --stats lines: files = regular files transferred + deleted, bytes = transferred file size, deleted. */
  private static void parseStats(String line, long[] stats) {
    if (line.startsWith("Number of regular files transferred: ")) {
      stats[0] += leadingNumber(line.substring(line.indexOf(':') + 2));
    } else if (line.startsWith("Number of deleted files: ")) {
      long n = leadingNumber(line.substring(line.indexOf(':') + 2));
      stats[0] += n;
      stats[2] += n;
    } else if (line.startsWith("Number of created files: ")) {
      stats[3] += leadingNumber(line.substring(line.indexOf(':') + 2));
    } else if (line.startsWith("Total transferred file size: ")) {
      stats[1] = leadingNumber(line.substring(line.indexOf(':') + 2));
    }
  }

  private static long leadingNumber(String s) {
    long n = 0;
    for (int i = 0; i < s.length() && Character.isDigit(s.charAt(i)); i++) n = n * 10 + (s.charAt(i) - '0');
    return n;
  }

  /** The source directory as rsync's argument (with a trailing slash). */
  String sourceArg() {
    return sourceArg;
  }

  /** What every run passes: archive mode, timeouts, credentials, the target's options and excludes. */
  List<String> common() {
    var a = new ArrayList<String>(options.rsyncCommand());
    // --modify-window=-1: mtimes compared to the nanosecond, not the second: a file rewritten with
    // the same size within the second it was sent in (x = 1 -> x = 2) was skipped as unchanged
    a.addAll(List.of("-a", "-s", "--force", "--modify-window=-1"));
    a.addAll(Versions.FILTERS);
    a.addAll(Versions.backupArgs(options.versions(), java.time.Instant.now()));
    if (options.timeoutSeconds() > 0) a.add("--timeout=" + options.timeoutSeconds());
    switch (target) {
      case Target.Daemon d -> {
        if (options.timeoutSeconds() > 0) a.add("--contimeout=" + Math.min(options.timeoutSeconds(), 60));
        if (options.passwordFile() != null) a.add("--password-file=" + options.passwordFile());
      }
      case Target.Ssh s -> a.addAll(List.of("-e", SshCommand.forRsync(options, master.clientOptions())));
      case Target.Local l -> {}
    }
    if (options.bwlimit() != null) a.add("--bwlimit=" + options.bwlimit());
    if (options.compress()) a.add("-z");
    if (options.checksum()) a.add("--checksum");
    a.addAll(options.extraArgs());
    for (String ex : options.excludes()) a.add("--exclude=" + ex);
    return a;
  }

  Map<String, String> env() {
    Map<String, String> env = new HashMap<>();
    env.put("LC_ALL", "C");
    // Without a password file, rsync would prompt on the terminal; an empty password fails cleanly instead.
    if (target instanceof Target.Daemon && options.passwordFile() == null && System.getenv("RSYNC_PASSWORD") == null) {
      env.put("RSYNC_PASSWORD", "");
    }
    return env;
  }

  String user() {
    return switch (target) {
      case Target.Daemon d -> d.user();
      case Target.Ssh s -> s.user();
      case Target.Local l -> null;
    };
  }

  // ---- renames

  /**
   * A directory renamed at the source, for a daemon target (which cannot rename): one rsync of the
   * new name with {@code --link-dest} pointing at the old name, relative to the destination (the old
   * copy is still there: the batch that deletes it comes after this item). Files rsync finds
   * unchanged there are hard-linked on the server, not sent; changed ones go as a delta against the
   * old copy. Only pre-positions, like every rename: the batch after it reconciles both names. False
   * (the batch then sends the data) when the new name is not a directory at the source now, a name
   * is not UTF-8 (it would go on rsync's command line), or an exclude pattern holds a '/' other than
   * a trailing one (it is anchored at the source root, and this run's root is the directory).
   */
  private boolean linkDestCopy(byte[] from, byte[] to) throws InterruptedException {
    if (options.versions() != null) return false; // its backup dir would be inside the new directory: the batch sends it
    Libc.Stat st = Libc.lstatOrNull(Bytes.child(source, to));
    if (st == null || !st.isDir()) return false;
    for (String ex : options.excludes()) {
      int slash = ex.indexOf('/');
      if (slash >= 0 && slash < ex.length() - 1) return false;
    }
    String f, t;
    try {
      f = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(from)).toString();
      t = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(to)).toString();
    } catch (CharacterCodingException e) {
      return false;
    }
    int depth = 1;
    for (byte b : to) if (b == '/') depth++;
    List<String> argv = common();
    argv.addAll(List.of("--mkpath", "--stats", "--no-human-readable", "--link-dest=" + "../".repeat(depth) + f));
    argv.add(sourceArg + t + "/");
    argv.add(target.rsyncDestination() + t + "/");
    TransferResult r = transfer(argv, null, null);
    log.debug("{}: {} made from {} with --link-dest: {} ({} bytes of changed files)", describe(), t, f, r.outcome(), r.bytes());
    return r.outcome() == Outcome.OK;
  }

  /** {@code keepOld}: with versions, an existing new name is not replaced here (the batch after it keeps its version). */
  private static boolean renameLocal(byte[] root, byte[] from, byte[] to, boolean keepOld) {
    byte[] src = Bytes.child(root, from);
    if (Libc.lstatOrNull(src) == null) return false;
    if (keepOld && Libc.lstatOrNull(Bytes.child(root, to)) != null) return false;
    try {
      Libc.rename(src, Bytes.child(root, to));
      return true;
    } catch (NativeException e) {
      log.debug("local rename {} -> {} failed: {}", Bytes.display(from), Bytes.display(to), e.getMessage());
      return false;
    }
  }

  /**
   * {@code mv -f -T} on the remote host for each move, in order, in the persistent rename shell: one
   * script, one round trip. The names travel single-quoted in the script on the shell's stdin, so no
   * byte of a name passes through a command line. Only an existing old name (a symlink counts, even a
   * dangling one) is moved. False when anything fails (the batches after it then send the data).
   */
  private boolean renameSsh(Target.Ssh s, List<Move> moves) throws InterruptedException {
    var script = new ByteArrayOutputStream();
    script.writeBytes(Bytes.of("cd -- "));
    script.writeBytes(SshCommand.shellQuote(Bytes.of(s.path())));
    script.writeBytes(Bytes.of(" || exit 90\nbad=0\n"));
    for (Move m : moves) {
      script.writeBytes(Bytes.of("f="));
      script.writeBytes(SshCommand.shellQuote(m.from()));
      script.writeBytes(Bytes.of("\nt="));
      script.writeBytes(SshCommand.shellQuote(m.to()));
      // with versions an existing new name is not replaced here: the batch after it sends it, keeping its version
      if (options.versions() != null) script.writeBytes(Bytes.of("\nif [ -e \"$t\" ] || [ -L \"$t\" ]; then bad=$((bad+1)); el"));
      else script.writeBytes(Bytes.of("\n"));
      script.writeBytes(Bytes.of("if [ -e \"$f\" ] || [ -L \"$f\" ]; then mv -f -T -- \"$f\" \"$t\" || bad=$((bad+1)); else bad=$((bad+1)); fi\n"));
    }
    script.writeBytes(Bytes.of("[ \"$bad\" -eq 0 ] || exit 91\n"));
    int status = shell.run(script.toByteArray());
    if (status != 0) {
      String what = moves.size() == 1 ? Bytes.display(moves.getFirst().from()) + " -> " + Bytes.display(moves.getFirst().to()) : moves.size() + " renames";
      log.debug("ssh rename {} on {} failed ({})", what, describe(),
          status == 90 ? "no target directory" : status == 91 ? "an old name was gone or mv failed" : status < 0 ? "no remote shell" : "exit " + status);
    }
    return status == 0;
  }

  /** Stops the ssh connection master and the rename shell (ssh targets), by pid; idempotent. */
  @Override
  public void close() {
    if (shell != null) shell.close();
    if (master != null) master.close();
  }

  /** For tests: the ssh connection master, null unless an ssh target. */
  SshMaster sshMaster() {
    return master;
  }

  /** For tests: the rename shell, null unless an ssh target. */
  RemoteShell renameShell() {
    return shell;
  }

  // ---- checks


  private static void checkRelative(byte[] p) {
    if (p.length == 0 || p[0] == '/' || p[p.length - 1] == '/') {
      throw new IllegalArgumentException("not a relative path without trailing slash: '" + Bytes.display(p) + "'");
    }
    int start = 0;
    for (int i = 0; i <= p.length; i++) {
      if (i == p.length || p[i] == '/') {
        if (i - start == 2 && p[start] == '.' && p[start + 1] == '.') {
          throw new IllegalArgumentException("'..' in path: " + Bytes.display(p));
        }
        start = i + 1;
      } else if (p[i] == 0) {
        throw new IllegalArgumentException("NUL in path: " + Bytes.display(p));
      }
    }
  }

  private static byte[] trimSlash(byte[] p) {
    int to = p.length;
    while (to > 1 && p[to - 1] == '/') to--;
    return java.util.Arrays.copyOf(p, to);
  }

  private static String utf8(byte[] b, String what) {
    try {
      return StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(b)).toString();
    } catch (CharacterCodingException e) {
      throw new LivesyncException(what + " " + Bytes.display(b) + " is not valid UTF-8; rename it or use a parent/symlink with a UTF-8 name"
          + " (names below it may be any bytes)", 2);
    }
  }

  private static java.util.Optional<byte[]> realPath(byte[] p) {
    try {
      byte[] real = Bytes.of(Path.of(new String(p, StandardCharsets.UTF_8)).toRealPath().toString());
      return java.util.Arrays.equals(real, p) ? java.util.Optional.empty() : java.util.Optional.of(real);
    } catch (java.io.IOException | RuntimeException e) {
      return java.util.Optional.empty();
    }
  }
}
