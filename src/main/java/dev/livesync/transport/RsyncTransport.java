package dev.livesync.transport;

import dev.livesync.LivesyncException;
import dev.livesync.fs.Bytes;
import dev.livesync.fs.Libc;
import dev.livesync.transport.TransferResult.Outcome;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * A {@link Transport} that drives the real rsync binary to an rsync daemon, an ssh host or a local
 * directory. Every send, full sync and compare runs its own rsync process, so workers may call it
 * concurrently. What differs between the kinds of target is a {@link TargetKind} ({@link DaemonKind},
 * {@link SshKind}: its connection master and rename shell, {@link LocalKind}); each run's command
 * line is built by {@link RsyncArgs} and run by {@link RsyncRuns}.
 *
 * <p>Every run uses {@code -a} (recursion only where asked), {@code -s} (protected arguments),
 * {@code --force} (a directory replaced by a file), {@code --mkpath} (the target directory is made on
 * the first run), {@code --timeout} and the target's pass-through options, with {@code LC_ALL=C} so
 * rsync escapes every non-ASCII byte in its messages as {@code \#ooo}, which is decoded back exactly.
 * Hard links are not preserved (-H is not implied; it can be added in extra_args for full syncs, but
 * across event batches rsync cannot see links between files of different batches).
 */
public final class RsyncTransport implements Transport {
  private final byte[] source;
  private final Target target;
  private final TargetOptions options;
  private final TargetKind kind;
  private final RsyncArgs args;
  private final RsyncRuns rsync;

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
    this.source = Bytes.trimSlashes(sourceRoot);
    if (source.length == 0 || source[0] != '/') throw new IllegalArgumentException("source root must be absolute: " + Bytes.display(sourceRoot));
    String sourceArg = RsyncArgs.utf8(source, "source directory") + "/";
    this.target = target;
    this.options = options;
    if (!options.fileProblems().isEmpty()) throw options.fileProblems().getFirst();
    List<byte[]> roots = new ArrayList<>(List.of(source));
    realPath(source).ifPresent(roots::add);
    // the engine's own guard; run and doctor say the same earlier (sync.Preflight), located in the config
    String overlap = Overlap.withSource(Path.of(sourceArg), target);
    if (overlap != null) throw new LivesyncException("target " + target.describe() + " " + overlap, 2);
    this.kind = TargetKind.of(target, options, source);
    roots.addAll(kind.localRoots());
    this.args = new RsyncArgs(source, target, options, kind);
    this.rsync = new RsyncRuns(args, target, new FailedPaths(roots), Path.of(sourceArg), new AtomicBoolean());
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
    for (byte[] p : paths) checkRelative(p);
    paths = OwnDir.without(paths);
    if (paths.isEmpty()) return TransferResult.ok(0, 0, 0);
    if (!recursive && RootAlone.among(paths)) return RootAlone.send(paths, o -> send(o, false, deleteExtras, maxDeletions),
        r -> rsync.transfer(RootAlone.argv(args.send(args.asArgs(r), false, false, false, -1, false)), null, r));
    boolean mirror = recursive && deleteExtras;
    if (!kind.fuzzyForRenames()) return sendRun(paths, recursive, mirror, false, maxDeletions);
    var look = SOURCE_SIZES.isBound() ? SOURCE_SIZES.get() : null; // the engine's look at these paths, else our own
    var split = FuzzySplit.of(paths, recursive, look != null ? p -> look.applyAsLong(p) >= 0 : p -> Libc.lstatLook(Bytes.child(source, p)) != null);
    if (split.fuzzy().isEmpty()) return sendRun(split.rest(), recursive, mirror, false, maxDeletions);
    TransferResult first = sendRun(split.fuzzy(), recursive, mirror, true, maxDeletions);
    // --fuzzy may pick any similar name in the directory as basis, and a batch running beside this
    // one may delete it (exit 2, "no basis file"): the same paths again without --fuzzy cannot hit
    // that, and cost less than backing off the whole target.
    if (first.exitCode() == 2 && first.outcome() == Outcome.RETRY) first = sendRun(split.fuzzy(), recursive, mirror, false, maxDeletions);
    if (split.rest().isEmpty() || first.outcome() == Outcome.RETRY || first.outcome() == Outcome.FATAL) return first;
    return TransferResult.merge(first, sendRun(split.rest(), recursive, mirror, false, maxDeletions < 0 ? -1 : Math.max(0, maxDeletions - first.deleted())));
  }

  /** {@code mirror}: with {@code recursive}, delete target files inside the sent dirs that the source lacks. */
  private TransferResult sendRun(List<byte[]> paths, boolean recursive, boolean mirror, boolean fuzzy, long maxDeletions) throws InterruptedException {
    TransferResult done = null;
    for (List<byte[]> part : args.argvRuns(paths)) { // one run unless the paths overflow a command line
      long left = maxDeletions < 0 || done == null ? maxDeletions : Math.max(0, maxDeletions - done.deleted());
      RsyncArgs.Under under = args.under(part);
      boolean sparse = !recursive && part.size() == 1 && large(part.getFirst()); // RsyncArgs.SPARSE_FROM
      TransferResult r = under == null ? null : rsync.transferInto(sparse(args.sendUnder(under, recursive, mirror, fuzzy, left, Transport.byContent()), sparse), part);
      if (r == null) { // from the top: no base, or the target lacks a directory above it
        List<String> pathArgs = args.asArgs(part);
        r = rsync.transfer(sparse(args.send(pathArgs, recursive, mirror, fuzzy, left, Transport.byContent()), sparse),
            pathArgs == null ? RsyncArgs.filesFrom(part) : null, part);
      }
      done = done == null ? r : TransferResult.merge(done, r);
      if (r.outcome() == Outcome.RETRY || r.outcome() == Outcome.FATAL) break;
    }
    return done;
  }

  private static List<String> sparse(List<String> argv, boolean sparse) {
    return sparse ? RsyncArgs.sparse(argv) : argv;
  }

  /**
   * A look at a user's tree, so it never throws ({@link Libc#lstatLook}): a path longer than PATH_MAX
   * from the root, one below a directory livesync may not search, is not large and goes as it is;
   * rsync, which names it from the source, sends it or says what it cannot send. Thrown, it failed
   * the send as if the target were down: every item of the target waited out the backoff, and the
   * levels of a chain of directories above such a path never arrived.
   */
  private boolean large(byte[] path) {
    Libc.Stat st = Libc.lstatLook(Bytes.child(source, path));
    return st != null && st.isRegular() && st.size() >= RsyncArgs.SPARSE_FROM;
  }

  @Override
  public TransferResult fullSync(boolean delete) throws InterruptedException {
    return fullSync(delete, null);
  }

  /** With {@code progress}: rsync's {@code --info=progress2} lines (they end in CR, not LF), a few per second at most. */
  @Override
  public TransferResult fullSync(boolean delete, Consumer<String> progress) throws InterruptedException {
    return rsync.transfer(args.fullSync(delete, progress != null), null, null, progress == null ? null : new RsyncOutput.Progress(progress));
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
    return rsync.transfer(args.fullSyncPart(part, delete), null, null);
  }

  @Override
  public Drift compare(boolean checksum) throws InterruptedException {
    return rsync.compare(args.compare(checksum), false);
  }

  @Override
  public Drift compareReadable(boolean checksum) throws InterruptedException {
    return rsync.compare(args.compare(checksum), true);
  }

  /** PARTIAL stays PARTIAL: the caller tells an incomplete look (23, 24) from a target it cannot reach. */
  @Override
  public Drift topLevel() throws InterruptedException {
    var items = new ItemizedOutput(true);
    RsyncProcess.Result r = rsync.run(args.topLevel(), null, items::line);
    if (r.exit() != 0) {
      var v = rsync.classify(r);
      throw new TransportException(new RsyncOutput.Stats().result(v.outcome(), r, List.of(), "looking at the top level of " + describe() + ": " + v.message()));
    }
    return items.drift();
  }

  @Override
  public boolean targetEmpty() throws InterruptedException {
    return TopListing.empty(rsync);
  }

  @Override
  public DeletionPreview sendDeletions(List<byte[]> paths, boolean recursive) throws InterruptedException {
    for (byte[] p : paths) checkRelative(p);
    List<byte[]> named = OwnDir.without(paths);
    return named.isEmpty() ? new DeletionPreview(List.of(), -1, 0, 0, List.of()) : DryRuns.send(rsync, named, recursive);
  }

  @Override
  public DeletionPreview fullSyncDeletions() throws InterruptedException {
    return DryRuns.fullSync(rsync);
  }

  @Override
  public DeletionPreview fullSyncDeletions(FullSyncShard part) throws InterruptedException {
    return part.isWhole() ? fullSyncDeletions() : DryRuns.fullSyncPart(rsync, part);
  }

  /** Local and ssh targets; on an rsync daemon target {@code serve} prunes its modules (see docs/versions.md). */
  @Override
  public int pruneVersions(Instant now) throws InterruptedException {
    if (options.versions() == null) return 0;
    return kind.pruneVersions(now.minus(options.versions()));
  }

  @Override
  public TransferResult check() throws InterruptedException {
    return canCheck() ? TopListing.answers(rsync) : null;
  }

  @Override
  public boolean canCheck() {
    return !(target instanceof Target.Local);
  }

  @Override
  public Reachability probe() {
    return PortProbe.probe(target, options);
  }

  /** Daemons have no rename: the module is reachable only through rsync's protocol. */
  @Override
  public boolean canRename() {
    return kind.canRename();
  }

  /**
   * True on every kind: local and ssh targets rename in place; a daemon makes the new name from the
   * old copy ({@code --link-dest}, {@link DaemonKind#rename}), the old name's deletion done with it
   * in one step by the guard, which counts the copy's entries against the old name's in its minute
   * (docs/targets.md).
   */
  @Override
  public boolean canRenameDirs() {
    return true;
  }

  /** On a daemon, where a renamed directory is an rsync of the new name from the source. */
  @Override
  public boolean renameCopiesFromSource() {
    return !kind.canRename();
  }

  @Override
  public boolean rename(byte[] from, byte[] to) throws InterruptedException {
    checkRelative(from);
    checkRelative(to);
    return !OwnDir.touches(from, to) && kind.rename(from, to, rsync);
  }

  @Override
  public TransferResult moveOnServer(byte[] from, byte[] to) throws InterruptedException {
    checkRelative(from);
    checkRelative(to);
    return OwnDir.touches(from, to) ? null : kind.moveOnServer(from, to, rsync);
  }

  /** For ssh targets all of them in one script: one round trip through the remote shell. */
  @Override
  public boolean renameAll(List<Move> moves) throws InterruptedException {
    for (Move m : moves) {
      checkRelative(m.from());
      checkRelative(m.to());
    }
    List<Move> done = moves.stream().filter(m -> !OwnDir.touches(m.from(), m.to())).toList();
    return (done.isEmpty() || kind.renameAll(done, rsync)) && done.size() == moves.size();
  }

  /** Stops the ssh connection master and the rename shell (ssh targets), by pid; idempotent. */
  @Override
  public void close() {
    kind.close();
  }

  /**
   * For a running sync: on an ssh target, once its connection master is up, look once at what a
   * session costs and log a warning when the login shell slows every run ({@link SessionCostLog}).
   * Returns this.
   */
  public RsyncTransport lookAtSessions() {
    if (kind instanceof SshKind s) s.lookAtSessions();
    return this;
  }

  /** An ssh target whose login shell slows every run (once its look has answered); else empty. */
  @Override
  public String warning() {
    return kind instanceof SshKind s ? s.warning() : "";
  }

  /**
   * What one more ssh session costs on this target (measured {@code runs} times, the quickest kept),
   * as every rsync run to it pays; empty unless an ssh target, or when no session answered.
   */
  public Optional<SessionCost> sessionCost(int runs, Duration timeout) throws InterruptedException {
    if (!(kind instanceof SshKind s)) return Optional.empty();
    SessionCost best = null;
    for (int i = 0; i < runs; i++) {
      SessionCost c = s.sessionCost(timeout);
      if (c != null && (best == null || c.total().compareTo(best.total()) < 0)) best = c;
    }
    return Optional.ofNullable(best);
  }

  /** For tests: the ssh connection master, null unless an ssh target. */
  SshMaster sshMaster() {
    return kind instanceof SshKind s ? s.master() : null;
  }

  /** For tests: on an ssh target, renames as one {@code mv} each from now on, as on a host without perl. */
  void renamesWithoutPerl() {
    if (kind instanceof SshKind s) s.withoutPerl();
  }

  /** For tests: the rename shell, null unless an ssh target. */
  RemoteShell renameShell() {
    return kind instanceof SshKind s ? s.shell() : null;
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

  /** {@code p}'s real path where it differs (a symlink on the way), else empty. */
  static Optional<byte[]> realPath(byte[] p) {
    try {
      byte[] real = Bytes.of(Path.of(new String(p, StandardCharsets.UTF_8)).toRealPath().toString());
      return Arrays.equals(real, p) ? Optional.empty() : Optional.of(real);
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }
}
