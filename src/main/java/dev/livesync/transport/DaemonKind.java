package dev.livesync.transport;

import dev.livesync.fs.Bytes;
import dev.livesync.fs.Libc;
import dev.livesync.transport.TransferResult.Outcome;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An rsync daemon target ({@code rsync://}): reached through rsync's own protocol only, so it cannot
 * rename; a renamed directory is made from its old copy with {@code --link-dest} instead.
 */
record DaemonKind(Target.Daemon target, TargetOptions options, byte[] source, ServerMoves moves) implements TargetKind {
  private static final Logger log = LoggerFactory.getLogger(RsyncTransport.class);
  /**
   * A renamed directory holding less than both of these goes in its batch: two rsync runs (the copy,
   * then the old name's deletion) cost more than sending it again, and chains of small renames would
   * queue behind them one by one.
   */
  static final long COPY_MIN_BYTES = 1 << 20, COPY_MIN_ENTRIES = 1000;
  /**
   * A renamed directory of at least this many entries is copied in {@link #PARTS} rsync runs side by
   * side ({@link RenameParts}): on the daemon each entry is a system call or two in one receiver.
   */
  static final long SPLIT_MIN_ENTRIES = 10_000;
  static final int PARTS = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
  /**
   * A renamed directory of at least this many entries is moved by a {@code livesync serve} daemon
   * ({@link #moveOnServer}) rather than copied: the request costs a fixed 0.4–0.6 s (a JVM start on
   * the backup host) and the send after it a quick check per entry, the copy and the old name's
   * deletion about 65 µs per entry (a 50-file directory is copied in 0.1 s, /usr/share's 65,626
   * entries in 4.3 s against 1.8 s moved).
   */
  static final long MOVE_MIN_ENTRIES = 10_000;
  static final String NODELAY = "--sockopts=TCP_NODELAY";

  DaemonKind(Target.Daemon target, TargetOptions options, byte[] source) {
    this(target, options, source, new ServerMoves());
  }

  @Override
  public void connectionArgs(List<String> argv) {
    connectionArgs(options, argv);
  }

  @Override
  public void env(Map<String, String> env) {
    env(options, env);
  }

  /**
   * How any rsync run reaches a daemon with {@code options} (the transport's, a version store's):
   * connect timeout, password file, and {@code TCP_NODELAY} on the client's socket. Without it every
   * run waited about 80 ms in two stalls of the protocol's turns: the client's second small write
   * held back by Nagle until the daemon's delayed ACK (40 ms each); a one-file run took 120 ms
   * instead of 32, a no-change pass of 1,000 files 120 ms instead of 36. A user's
   * {@code --rsync-arg=--sockopts=...} comes later on the line and wins.
   */
  static void connectionArgs(TargetOptions options, List<String> argv) {
    argv.add(NODELAY);
    if (options.timeoutSeconds() > 0) argv.add("--contimeout=" + Math.min(options.timeoutSeconds(), 60));
    if (options.passwordFile() != null) argv.add("--password-file=" + options.passwordFile());
  }

  /** Without a password file, rsync would prompt on the terminal; an empty password fails cleanly instead. */
  static void env(TargetOptions options, Map<String, String> env) {
    if (options.passwordFile() == null && System.getenv("RSYNC_PASSWORD") == null) env.put("RSYNC_PASSWORD", "");
  }

  @Override
  public boolean fuzzyForRenames() {
    return true;
  }

  /**
   * The daemon's receiver names a path in its messages from the module's top, {@code "/DIR/.f.XXXXXX"
   * (in MODULE)} (with a slash first once it writes below the top): the target's directory in the
   * module, with a slash first, or the empty path where the target is the module's top.
   */
  @Override
  public List<byte[]> localRoots() {
    return List.of(Bytes.of(target.path().isEmpty() ? "" : "/" + target.path()));
  }

  @Override
  public boolean sendsIntoCommonDir() {
    return true;
  }

  /** Daemons have no rename: the module is reachable only through rsync's protocol. */
  @Override
  public boolean canRename() {
    return false;
  }

  /**
   * A directory renamed at the source: one rsync of the new name with {@code --link-dest} pointing
   * at the old name, relative to the destination (the old copy is still there: the batch that
   * deletes it comes after this item). Files rsync finds unchanged there are hard-linked on the
   * server, not sent; changed ones go as a delta against the old copy. Only pre-positions, like
   * every rename: the batch after it reconciles both names. False (the batch then sends the data)
   * when the new name is not a directory at the source now, holds less than {@link #COPY_MIN_BYTES}
   * and {@link #COPY_MIN_ENTRIES}, a name is not UTF-8 (it would go on
   * rsync's command line), or an exclude pattern holds a '/' other than a trailing one (it is
   * anchored at the source root, and this run's root is the directory).
   */
  @Override
  public boolean rename(byte[] from, byte[] to, RsyncRuns rsync) throws InterruptedException {
    String[] names = worthIt(from, to, COPY_MIN_BYTES, COPY_MIN_ENTRIES);
    if (names == null) return false;
    String f = names[0], t = names[1];
    RenameParts plan = RenameParts.plan(Bytes.child(source, to), PARTS, SPLIT_MIN_ENTRIES);
    if (plan.whole()) {
      TransferResult r = rsync.transfer(rsync.args().linkDest(f, t), null, null);
      log.debug("{}: {} made from {} with --link-dest: {} ({} bytes of changed files)", target.describe(), t, f, r.outcome(), r.bytes());
      return made(r);
    }
    return inParts(f, t, plan, rsync);
  }

  /**
   * The directory moved by a {@code livesync serve} daemon ({@link ServerMoves}), then sent: under
   * the same conditions as {@link #rename}'s copy, whose place it takes where the daemon can.
   */
  @Override
  public TransferResult moveOnServer(byte[] from, byte[] to, RsyncRuns rsync) throws InterruptedException {
    if (moves.absent()) return null; // a plain rsync daemon: no walk of the tree for nothing
    String[] names = worthIt(from, to, Long.MAX_VALUE, MOVE_MIN_ENTRIES);
    return names == null ? null : moves.move(target, options, from, to, names[1], rsync);
  }

  /**
   * {@code from} and {@code to} as rsync's arguments, or null when the renamed directory goes in its
   * batch instead (see {@link #rename}): among the rest, when it holds less than {@code minBytes} and
   * {@code minEntries} (one walk, stopped as soon as either is reached).
   */
  private String[] worthIt(byte[] from, byte[] to, long minBytes, long minEntries) {
    if (options.versions() != null) return null; // its backup dir would be inside the new directory: the batch sends it
    Libc.Stat st = Libc.lstatLook(Bytes.child(source, to));
    if (st == null || !st.isDir()) return null;
    if (!TreeWeight.atLeast(Bytes.child(source, to), minBytes, minEntries)) return null;
    for (String ex : options.excludes()) {
      int slash = ex.indexOf('/');
      if (slash >= 0 && slash < ex.length() - 1) return null;
    }
    try {
      return new String[] {
        StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(from)).toString(),
        StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(to)).toString()
      };
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  /**
   * The directory made, then the copy in {@code plan}'s parts side by side, then the directory and the ones the plan opened
   * as themselves (their mode and mtime: the parts made entries in them). All must succeed; what a
   * failed part left is hard links the batch after reconciles, as after a failed single run.
   */
  private boolean inParts(String f, String t, RenameParts plan, RsyncRuns rsync) throws InterruptedException {
    long t0 = System.nanoTime();
    // The directory first, alone: a run makes a missing destination directory with mkdir() and
    // fails (exit 11, "File exists") when another run made it in between; under load parts started
    // together lost that race one time in four.
    if (!made(rsync.transfer(rsync.args().dirsOf(t), RsyncArgs.filesFrom(List.of(new byte[] {'.'})), null))) return false;
    List<Thread> threads = new ArrayList<>();
    TransferResult[] results = new TransferResult[plan.parts().size()];
    RuntimeException[] failures = new RuntimeException[results.length];
    for (int i = 1; i < results.length; i++) {
      int k = i;
      threads.add(Thread.ofVirtual().name("rename-part-" + k).start(() -> {
        try {
          results[k] = part(rsync, f, t, plan.parts().get(k));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
          failures[k] = e;
        }
      }));
    }
    try {
      results[0] = part(rsync, f, t, plan.parts().get(0));
      for (Thread th : threads) th.join();
    } catch (InterruptedException | RuntimeException e) {
      for (Thread th : threads) th.interrupt(); // their rsyncs are stopped as an interrupted run's are
      throw e;
    }
    for (RuntimeException e : failures) if (e != null) throw e;
    boolean ok = true;
    for (TransferResult r : results) ok &= r != null && made(r);
    if (ok) {
      List<byte[]> dirs = new ArrayList<>(plan.opened());
      dirs.add(0, new byte[] {'.'});
      ok = made(rsync.transfer(rsync.args().dirsOf(t), RsyncArgs.filesFrom(dirs), null));
    }
    log.debug("{}: {} made from {} with --link-dest in {} parts side by side ({} entries, {} directories opened): {}, {} ms",
        target.describe(), t, f, results.length, plan.entries(), plan.opened().size(), ok ? "ok" : "failed", (System.nanoTime() - t0) / 1_000_000);
    return ok;
  }

  /**
   * One part of {@code t}'s copy from {@code f}: its names as arguments where they can go so (in
   * several runs one after another when they overflow a command line), else on stdin. The first run
   * that does not succeed ends it.
   */
  private static TransferResult part(RsyncRuns rsync, String f, String t, List<byte[]> names) throws InterruptedException {
    TransferResult r = null;
    for (List<byte[]> run : rsync.args().namesRuns(t, names)) {
      List<String> args = rsync.args().namesUnder(t, run);
      r = rsync.transfer(rsync.args().linkDestPart(f, t, args), args == null ? RsyncArgs.filesFrom(run) : null, null);
      if (r.outcome() != Outcome.OK) break;
    }
    return r;
  }

  /**
   * Whether a run of a copy succeeded; one that failed as a target that may come back does
   * (unreachable, busy: {@link Outcome#RETRY}) is thrown: the rename is then retried as a failed send
   * is, before the batch behind it, instead of being given up and the new name sent whole by that
   * batch once the daemon is back. Any other failure is only "not made", the batch sending the new
   * name: a copy the source moved under (rsync 23/24), and what retrying would not mend (FATAL), such as
   * a daemon that refuses {@code --link-dest} (exit 4), where a thrown copy held every rename for good.
   */
  static boolean made(TransferResult r) {
    if (r.outcome() == Outcome.RETRY) throw new TransportException(r);
    return r.outcome() == Outcome.OK;
  }

  /** On an rsync daemon target {@code serve} prunes its modules (see docs/versions.md). */
  @Override
  public int pruneVersions(Instant cutoff) {
    return 0;
  }
}
