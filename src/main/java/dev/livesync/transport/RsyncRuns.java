package dev.livesync.transport;

import dev.livesync.fs.Bytes;
import dev.livesync.fs.Mounts;
import dev.livesync.transport.TransferResult.Outcome;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs rsync for one transport: the process, its exit classified ({@link ExitCodes}), its stats
 * read ({@link RsyncOutput}) and, when only part of it arrived, which paths failed ({@link FailedPaths}).
 * {@code keepHoles}: set once the target said it had no space left; from then on every run gets
 * {@code --sparse} (a full sync otherwise writes a sparse file whole, and one longer than the free
 * space failed at every attempt, the target stuck behind it).
 */
record RsyncRuns(RsyncArgs args, Target target, FailedPaths failedPaths, java.nio.file.Path source, AtomicBoolean keepHoles) {
  private static final Logger log = LoggerFactory.getLogger(RsyncTransport.class);

  String describe() {
    return target.describe();
  }

  /** Not an rsync exit code: the run was not started, for the reason its one stderr line gives (retried). */
  static final int NOT_STARTED = -1;

  /**
   * rsync with {@code argv} and this transport's environment; {@code stdout} gets each line. Logged at
   * debug, as every run. Not started into a local target below a mount point of /etc/fstab where
   * nothing is mounted: it would fill the disk under the mount point ({@link Mounts#notMounted}); nor
   * into a target on this host that now lies inside its source or around it ({@link Overlap}): checked
   * at start, but a directory can be replaced by a symlink or a bind mount into the source while
   * livesync runs, and every run would then copy the source into itself and delete from it what the
   * source's top does not have.
   */
  RsyncProcess.Result run(List<String> argv, byte[] stdin, Consumer<byte[]> stdout) throws InterruptedException {
    String refused = refused();
    if (refused != null) return new RsyncProcess.Result(NOT_STARTED, List.of(Bytes.of(describe() + " " + refused)), false, 0);
    if (keepHoles.get() && argv.contains("-a") && !argv.contains("--sparse")) argv = RsyncArgs.sparse(new ArrayList<>(argv));
    log.debug("{}: {}", describe(), argv);
    return RsyncProcess.run(argv, args.env(), stdin, stdout);
  }

  /**
   * An itemized dry run ({@link RsyncArgs#compare}). {@code readable}: source paths rsync could not read
   * do not fail it when they are all that went wrong ({@link Transport#compareReadable}).
   */
  Drift compare(List<String> argv, boolean readable) throws InterruptedException {
    var items = new ItemizedOutput();
    RsyncProcess.Result r = run(argv, null, items::line);
    if (r.exit() == 0) return items.drift();
    var v = classify(r);
    List<String> unreadable = readable && v.outcome() == Outcome.PARTIAL ? SourceReadErrors.onlySource(r.stderr()) : null;
    if (unreadable != null) return items.drift().withUnreadable(unreadable, items.deletionsSkipped());
    throw new TransportException(new RsyncOutput.Stats().result(v.outcome() == Outcome.PARTIAL ? Outcome.RETRY : v.outcome(), r,
        List.of(), "compare with " + describe() + " incomplete: " + v.message()));
  }

  /** Why nothing may be written to the target now (a run, a rename), as words after its name; null when it may. */
  String refused() {
    String unmounted = target instanceof Target.Local l ? Mounts.notMounted(l.dir()) : null;
    if (unmounted != null) {
      return Mounts.belowNothingMounted(unmounted) + ": nothing is written until it is (mount " + unmounted + "), so the disk under it does not fill up";
    }
    String overlap = Overlap.withSource(source, target);
    return overlap == null ? null : "now " + overlap + " (nothing is written to it until it is not)";
  }

  ExitCodes.Verdict classify(RsyncProcess.Result r) {
    ExitCodes.Verdict v = ExitCodes.classify(r.exit(), r.stderr(), target, args.options());
    // 23/24: some paths failed; 11: the receiver could not make the target's directory itself (its parent read-only, full)
    String unwritable = v.outcome() == Outcome.PARTIAL || r.exit() == FILE_IO_EXIT ? unwritable(r.stderr()) : null;
    if (unwritable == null) {
      String unreadable = v.outcome() == Outcome.PARTIAL ? SourceReadErrors.describe(r.stderr()) : null;
      return unreadable == null ? v : new ExitCodes.Verdict(v.outcome(), unreadable + "; " + v.message());
    }
    if (unwritable.equals(NO_SPACE) && !keepHoles.getAndSet(true)) {
      log.info("{}: no space left on device: from now on each of its runs keeps holes (--sparse), as a file sent alone does: a full sync"
          + " writes a sparse file whole, and one longer than the target's free space would never fit", describe());
    }
    return new ExitCodes.Verdict(Outcome.RETRY, describe() + " cannot be written (" + unwritable + "): check that it is mounted read-write,"
        + " has free space and inodes, and lets the user rsync writes as create files there (its modes, owners, chattr +i); " + v.message());
  }

  /**
   * What the receiving side said of a target it could not write (read-only, full, over quota, not
   * permitted: a [receiver] or [generator] line, on the target's side, with that errno): a fault of
   * the target, not of some paths; the sender's own errors (a source file it cannot read) are not.
   */
  static String unwritable(List<byte[]> stderr) {
    for (byte[] raw : stderr) {
      String line = Bytes.display(raw);
      if (!line.contains("[receiver]") && !line.contains("[generator]") && !line.contains("[Receiver]")) continue;
      for (String errno : UNWRITABLE) if (line.contains(errno)) return errno.substring(0, errno.indexOf(" (")).toLowerCase(java.util.Locale.ROOT);
    }
    return null;
  }

  private static final String NO_SPACE = "no space left on device";

  private static final List<String> UNWRITABLE = List.of("Read-only file system (30)", "No space left on device (28)",
      "Disk quota exceeded (122)", "Operation not permitted (1)", "Permission denied (13)");

  /** rsync's exit code for an error in file I/O (the receiver's mkdir of the target directory, among others). */
  static final int FILE_IO_EXIT = 11;

  /** rsync's exit code when --max-delete stopped deletions. */
  static final int MAX_DELETE_EXIT = 25;

  /**
   * Pushed to a daemon, rsync (3.5.0) exits 0 when --max-delete stopped deletions: the receiving side
   * is the daemon's, which only sends its warning over. Read as the 25 a local or ssh run exits with,
   * or deletions the mass-deletion guard bounded would be skipped unseen and stay on the target.
   */
  private static boolean stoppedByMaxDelete(List<byte[]> stderr) {
    for (byte[] line : stderr) if (Bytes.latin1(line).contains("Deletions stopped due to --max-delete limit")) return true;
    return false;
  }

  TransferResult transfer(List<String> argv, byte[] stdin, List<byte[]> batch) throws InterruptedException {
    return transfer(argv, stdin, batch, null);
  }

  /**
   * A run that transfers: {@code batch} is the paths on stdin (null for a whole tree), whose failed
   * ones a PARTIAL result lists (all of them when rsync's messages do not say).
   */
  TransferResult transfer(List<String> argv, byte[] stdin, List<byte[]> batch, RsyncOutput.Progress progress) throws InterruptedException {
    var stats = new RsyncOutput.Stats();
    Consumer<byte[]> statsLine = stats::line;
    if (progress != null) statsLine = progress.around(statsLine);
    return result(run(argv, stdin, statsLine), stats, batch);
  }

  /**
   * A batch's run into a directory below the target's top ({@link RsyncArgs#sendUnder}, paths as
   * arguments), or null, nothing done, where a directory above that one is missing on the target:
   * rsync makes only the last component of a destination (exit 11, "mkdir ... failed: No such file
   * or directory"), and the send from the top makes the missing ones with their mode and times.
   */
  TransferResult transferInto(List<String> argv, List<byte[]> batch) throws InterruptedException {
    var stats = new RsyncOutput.Stats();
    RsyncProcess.Result r = run(argv, null, stats::line);
    if (r.exit() == 11 && r.stderr().stream().anyMatch(l -> MISSING_ABOVE.matcher(Bytes.latin1(l)).find())) {
      log.debug("{}: a directory above the send's is missing on the target: from the top", describe());
      return null;
    }
    return result(r, stats, batch);
  }

  private static final java.util.regex.Pattern MISSING_ABOVE = java.util.regex.Pattern.compile("mkdir \".*\".* failed: No such file or directory \\(2\\)");

  private TransferResult result(RsyncProcess.Result r, RsyncOutput.Stats stats, List<byte[]> batch) {
    if (r.exit() == 0 && stoppedByMaxDelete(r.stderr())) r = new RsyncProcess.Result(MAX_DELETE_EXIT, r.stderr(), r.stderrTruncated(), r.millis());
    var v = classify(r);
    if (v.outcome() != Outcome.PARTIAL) return stats.result(v.outcome(), r, List.of(), v.message());
    List<byte[]> failed;
    if (batch == null) {
      failed = r.stderrTruncated() ? List.of(Bytes.of(".")) : failedPaths.inTree(r.stderr());
    } else {
      failed = r.stderrTruncated() ? null : failedPaths.inBatch(batch, r.stderr());
      if (failed == null || failed.isEmpty()) failed = List.copyOf(batch); // unidentified: the whole batch again, never a drop
    }
    var partial = stats.result(Outcome.PARTIAL, r, failed, v.message());
    return r.exit() == 24 || FailedPaths.sourceMovedOnly(r.stderr()) ? partial.asSourceMoved() : partial;
  }
}
