package dev.livesync.transport;

import dev.livesync.fs.Bytes;
import dev.livesync.transport.TransferResult.Outcome;
import java.util.ArrayList;
import java.util.List;

/**
 * The dry runs behind {@link RsyncTransport#sendDeletions} and {@link RsyncTransport#fullSyncDeletions}:
 * the same rsync as the real transfer with {@code -n} and {@code --out-format='%i %n'}, read for
 * what it would delete. The mass-deletion guard decides on them before anything is deleted. Every
 * entry rsync would touch is itemized (made, sent, an attribute set, deleted: {@code %i} lists all
 * but the unchanged ones), so a clean dry run that itemizes nothing means the real run would do nothing.
 */
final class DryRuns {
  private DryRuns() {}

  /** A send's deletions: missing paths (with everything below them) and, for a mirroring recursive send, extras inside. */
  static DeletionPreview send(RsyncRuns rsync, List<byte[]> paths, boolean recursive) throws InterruptedException {
    DeletionPreview all = null;
    // the paths as arguments where they can (rsync reads a --files-from list one byte per read), in runs as a send makes them
    for (List<byte[]> part : rsync.args().argvRuns(paths)) {
      List<String> pathArgs = rsync.args().asArgs(part);
      List<String> argv = rsync.args().common();
      argv.add("-n");
      argv.addAll(RsyncArgs.pathsMode(pathArgs, recursive));
      argv.addAll(List.of("-R", "--delete-missing-args", "--out-format=%i %n"));
      if (recursive) argv.addAll(List.of("-r", "--delete"));
      DeletionPreview p = run(rsync, rsync.args().withPaths(argv, pathArgs), pathArgs == null ? RsyncArgs.filesFrom(part) : null, false, part);
      all = all == null ? p : all.and(p);
    }
    return all;
  }

  /** A full sync with delete: its deletions, and the target's entry count (the source's, less what is missing, plus the extras). */
  static DeletionPreview fullSync(RsyncRuns rsync) throws InterruptedException {
    List<String> argv = rsync.args().leavingOut(rsync.args().common());
    // --no-motd: a daemon's message of the day is no change (any other line the summary lacks counts as one)
    argv.addAll(List.of("-n", "--delete", "--stats", "--no-human-readable", "--no-motd", "--out-format=%i %n"));
    argv.add(rsync.args().sourceArg());
    argv.add(rsync.args().destination());
    return run(rsync, argv, null, true, List.of());
  }

  /** A part of a full sync with delete ({@link RsyncArgs#fullSyncPart}): its deletions; the target's entries are not counted. */
  static DeletionPreview fullSyncPart(RsyncRuns rsync, FullSyncShard part) throws InterruptedException {
    List<String> argv = new ArrayList<>(rsync.args().fullSyncPart(part, true));
    argv.addAll(argv.size() - 2, List.of("-n", "--no-motd", "--out-format=%i %n")); // before the source and the destination
    return run(rsync, argv, null, false, List.of());
  }

  /** {@code batch}: the paths a send's dry run was given (a full sync's: none), all of them to be tried again after a 24. */
  private static DeletionPreview run(RsyncRuns rsync, List<String> argv, byte[] stdin, boolean count, List<byte[]> batch)
      throws InterruptedException {
    List<byte[]> deleted = new ArrayList<>();
    long[] sourceFiles = {-1};
    long[] created = {0, 0}; // all, and those at or below a rename's new name
    var renamed = Transport.RENAMED.isBound() ? Transport.RENAMED.get() : null; // read here: rsync's lines come on another thread
    long[] changes = {0};
    var changed = new Object() {
      List<byte[]> names = new ArrayList<>(); // null once a change is not named, or there are too many
    };
    RsyncProcess.Result r = rsync.run(argv, stdin, raw -> {
      String s = Bytes.latin1(raw);
      if (s.startsWith("Number of files: ")) {
        sourceFiles[0] = RsyncOutput.leadingNumber(s.substring("Number of files: ".length()));
      } else if (ItemizedOutput.itemized(raw) && "<>ch.*".indexOf(s.charAt(0)) >= 0) {
        changes[0]++;
        if (s.startsWith("*deleting")) {
          deleted.add(ItemizedOutput.name(raw));
        } else {
          if (s.startsWith("+++++++++", 2)) {
            created[0]++;
            if (renamed != null && renamed.test(ItemizedOutput.name(raw))) created[1]++;
          }
          // 'h': a hard link to another name (-H in extra_args), which a send of the changed names alone may not carry
          if (changed.names != null && changed.names.size() < DeletionPreview.CHANGED_MAX && s.charAt(0) != 'h') changed.names.add(ItemizedOutput.name(raw));
          else changed.names = null;
        }
      } else if (!summary(s)) {
        changes[0]++; // neither an entry nor the summary ("created directory", a notice): taken as a change
        changed.names = null;
      }
    });
    if (r.exit() != 0) {
      var v = rsync.classify(r);
      // 23, something at the source unreadable: after such an I/O error rsync deletes nothing, in the
      // dry run and in the real one alike, so the preview stands; refusing it kept the readable files
      // from shipping too. 24, files vanished meanwhile, is not taken: the tree is moving, and what
      // vanished is missing from what the batch makes, so the guard's net count is off (taken whole,
      // a directory renamed on meanwhile looked like a mass deletion and was held, on a local target,
      // in 1 mixed-load run of 6; taken only when it lists no deletion, the load converged no faster).
      // It is a partial result, nothing done: the batch goes again after its own backoff, and the
      // target's other work goes on (as a RETRY, the whole target backed off for a moving source).
      if (r.exit() == 23) return preview(deleted, sourceFiles[0], created, -1, null, count); // what it could not read is not itemized
      // only another rsync's temporary files at the target went (parts of a full sync side by side): the source did not move
      if (r.exit() == 24 && FailedPaths.onlyTargetTempFilesVanished(r.stderr(), Bytes.trimSlashes(Bytes.of(rsync.args().sourceArg())))) {
        return preview(deleted, sourceFiles[0], created, changes[0], changed.names, count);
      }
      throw new TransportException(new TransferResult(v.outcome(), r.exit(), v.outcome() == Outcome.PARTIAL ? List.copyOf(batch) : List.of(),
          0, 0, r.millis(), "looking at what would be deleted on " + rsync.describe() + ": " + v.message()));
    }
    return preview(deleted, sourceFiles[0], created, changes[0], changed.names, count);
  }

  /** A line of the summary {@code --stats} prints (and the end of every run's), or an empty one. */
  private static boolean summary(String s) {
    return s.isEmpty() || s.startsWith("Number of ") || s.startsWith("Total ") || s.startsWith("Literal data: ")
        || s.startsWith("Matched data: ") || s.startsWith("File list ") || s.startsWith("sent ") || s.startsWith("total size is ");
  }

  /** {@code created}: the entries made, and those of them at or below a rename's new name. */
  private static DeletionPreview preview(List<byte[]> deleted, long sourceFiles, long[] created, long changes, List<byte[]> changed,
      boolean count) {
    long entries = count && sourceFiles >= 0 ? sourceFiles - created[0] + deleted.size() : -1;
    return new DeletionPreview(deleted, entries, created[0], changes, changed, created[1]);
  }
}
