package dev.livesync.transport;

import dev.livesync.fs.BytePath;
import java.util.List;
import java.util.function.ToLongFunction;

/**
 * One target, reached through the real rsync binary (daemon, ssh or local directory). All paths are
 * raw bytes relative to the source root, without a leading slash. Implementations must be safe for
 * concurrent calls from several workers (each call runs its own rsync process).
 */
public interface Transport extends AutoCloseable {
  /**
   * Bound to true around a {@link #send} whose regular files may have new content under the size and
   * mtime their target copies have (a file written, or renamed over another, and its mtime set from
   * an archive: dpkg, tar, {@code cp -p}): the transport must then not skip such a file as unchanged
   * (rsync {@code -I}). Unbound or false: size and mtime decide, as in a full sync. The engine binds
   * it for plain batches of paths that were written, not only chmod'ed or touched.
   */
  ScopedValue<Boolean> BY_CONTENT = ScopedValue.newInstance();

  /** Whether {@link #BY_CONTENT} is bound to true for the calling code. */
  static boolean byContent() {
    return BY_CONTENT.orElse(false);
  }

  /**
   * Bound around a {@link #send} to what the engine found its paths to be at the source: a regular
   * file's size, 0 for anything else there, -1 for a path no longer there. The engine looks once per
   * send; a transport that needs to know which paths are still there asks this rather than the
   * kernel again. Unbound: it looks itself.
   */
  ScopedValue<ToLongFunction<byte[]>> SOURCE_SIZES = ScopedValue.newInstance();

  /**
   * Bound around a {@link #send} to a directory above all its paths from which the send may start
   * instead of the top: every change the send stands for, directories' included, lies at or below
   * it (the directories between it and the paths go along as their parents, as rsync's {@code -R}
   * has them). A transport may write into it on the target, sparing the receiver the components
   * above it on every file; it must still make the directories above it right where they are
   * missing. Unbound or empty: the top.
   */
  ScopedValue<BytePath> BASE = ScopedValue.newInstance();

  /**
   * Bound around a {@link #fullSync} (its dry runs and parts included) to paths it leaves out, as
   * anchored excludes: what an earlier try could not read, after which rsync had skipped the
   * deletions of what it listed later. Left out, a path is neither sent nor deleted at the target. Unbound: none.
   */
  ScopedValue<List<byte[]>> LEAVE_OUT = ScopedValue.newInstance();

  /**
   * Bound around a dry run ({@link #sendDeletions}, {@link #fullSyncDeletions}) to which paths are, or
   * lie below, the new name of a rename the source saw lately: of the entries the dry run would make,
   * those it names are counted apart ({@link DeletionPreview#renamed}). Unbound: none.
   */
  ScopedValue<java.util.function.Predicate<byte[]>> RENAMED = ScopedValue.newInstance();

  /** For logs and status: e.g. {@code rsync://rsync_backup@host:873/module}; never a password. */
  String describe();

  /**
   * Ships {@code paths}: those that exist at the source are copied (with their parent directories,
   * {@code -R}), those that no longer exist are deleted at the target ({@code --delete-missing-args}).
   * A directory path is sent as the directory itself, not its contents, unless {@code recursive}:
   * then its subtree is mirrored, target files inside it that the source lacks deleted (a directory
   * deleted and made again, or another renamed onto its name, must not keep the old files).
   */
  TransferResult send(List<byte[]> paths, boolean recursive) throws InterruptedException;

  /**
   * {@link #send} for delete policies that keep what the source deleted ({@code never},
   * {@code startup}): a recursive send leaves target files the source lacks.
   */
  default TransferResult sendKeepingExtras(List<byte[]> paths, boolean recursive) throws InterruptedException {
    return send(paths, recursive);
  }

  /**
   * {@link #send} deleting at most {@code maxDeletions} entries at the target (rsync's
   * {@code --max-delete}: beyond it nothing more is deleted, the rest is transferred, and the result
   * has exit code 25). The mass-deletion guard bounds a send by what its dry run saw: the source may
   * lose more between the dry run and the send.
   */
  default TransferResult send(List<byte[]> paths, boolean recursive, long maxDeletions) throws InterruptedException {
    return send(paths, recursive);
  }

  /** {@link #sendKeepingExtras} deleting at most {@code maxDeletions} entries, as {@link #send(List, boolean, long)}. */
  default TransferResult sendKeepingExtras(List<byte[]> paths, boolean recursive, long maxDeletions) throws InterruptedException {
    return sendKeepingExtras(paths, recursive);
  }

  /** Whole-tree transfer (start, overflow rescan, schedule); {@code delete} removes target extras. */
  TransferResult fullSync(boolean delete) throws InterruptedException;

  /** Whether {@link #fullSync(FullSyncShard, boolean)} takes parts other than the whole. */
  default boolean canSplitFullSync() {
    return false;
  }

  /**
   * One part of a full sync (see {@link FullSyncShard}): the same as {@link #fullSync(boolean)} for the
   * subtree at its root, leaving its carved subtrees alone (not even deleting there).
   */
  default TransferResult fullSync(FullSyncShard part, boolean delete) throws InterruptedException {
    if (!part.isWhole()) throw new UnsupportedOperationException(describe() + " cannot run a part of a full sync");
    return fullSync(delete);
  }

  /** {@link #fullSync(boolean)}, telling {@code progress} how far it is where the transport can. */
  default TransferResult fullSync(boolean delete, java.util.function.Consumer<String> progress) throws InterruptedException {
    return fullSync(delete);
  }

  /**
   * Renames at the target without re-sending data, where the transport can (local, ssh). Returns
   * false when it cannot or the rename failed; the engine reconciles both names with {@link #send}
   * after every rename anyway (a delete of {@code from}, a send of {@code to}), so a false only costs
   * the data being sent again. A daemon's copy that failed as the target does (down, refusing us)
   * throws {@link TransportException} with that result instead: the engine retries the rename.
   */
  boolean rename(byte[] from, byte[] to) throws InterruptedException;

  /** One rename of {@link #renameAll}. */
  // Never compared or hashed: a list of them is carried out in order.
  record Move(byte[] from, byte[] to) {}

  /**
   * {@link #rename} for several, one after another in this order, in one go where the transport
   * can (ssh: one script through its remote shell, one round trip instead of one per rename).
   * Returns true when all succeeded; as with {@link #rename}, a failed one only costs its data being
   * sent again by the batch after it.
   */
  default boolean renameAll(java.util.List<Move> moves) throws InterruptedException {
    boolean all = true;
    for (Move m : moves) all &= rename(m.from(), m.to());
    return all;
  }

  /**
   * Whether {@link #rename} can ever succeed (and is cheaper than sending the data again). When it
   * cannot (rsync daemon targets), the engine never asks: a rename goes into the normal batches as
   * a delete of the old name and a send of the new one, so one rsync carries many renames.
   */
  default boolean canRename() {
    return true;
  }

  /**
   * Whether {@link #rename} can do a directory (true wherever {@link #canRename} is). A daemon
   * target cannot rename, but it can make the new name from the old one without the data crossing
   * the wire again (rsync's {@code --link-dest}): a directory renamed there is worth a rename item,
   * a file is not (its batch finds the old copy with {@code --fuzzy}).
   */
  default boolean canRenameDirs() {
    return canRename();
  }

  /**
   * Whether a directory {@link #rename} that succeeded made the new name from the source as it was
   * when the rename began (a daemon's copy: one rsync of the new name), rather than moving the old
   * copy at the target: what the batch after it would send under the new name is then there already.
   */
  default boolean renameCopiesFromSource() {
    return false;
  }

  /**
   * For a target that cannot {@link #rename}: the directory {@code from} moved to {@code to} by the
   * target's server where it can (a {@code livesync serve} daemon: {@link dev.livesync.MoveRequest}),
   * then the new name brought up to the source as it is now by one rsync of it. Null when nothing
   * was moved (no such server, or it refused: the new name was taken, say); otherwise the old name
   * is gone at the target, and this is that rsync's result (its deletions inside the new name counted).
   */
  default TransferResult moveOnServer(byte[] from, byte[] to) throws InterruptedException {
    return null;
  }

  /**
   * Compares the target with the source without changing anything (an itemized dry run;
   * {@code checksum} compares file contents instead of size and mtime). Throws a
   * {@link TransportException} when the comparison itself fails (unreachable, auth).
   */
  default Drift compare(boolean checksum) throws InterruptedException {
    throw new UnsupportedOperationException(describe() + " cannot compare");
  }

  /**
   * {@link #compare}, except that source paths rsync could not read (permission denied, a path past
   * its length limit) do not fail it when they are all that went wrong: the rest is compared, and
   * they are listed in {@link Drift#unreadable}. For {@code verify}, which reports them.
   */
  default Drift compareReadable(boolean checksum) throws InterruptedException {
    return compare(checksum);
  }

  /**
   * How the target's top level differs from the source's: one itemized dry run of the root
   * directory's own entries, not recursive ({@code rsync -n -d --delete}, with this target's options
   * and excludes): an entry missing or extra at the target, a file differing in size, mtime, type or
   * mode, a directory differing in mtime or mode (counted here, unlike in {@link #compare}). The root
   * directory itself is not listed. Null when the transport cannot tell. Throws a
   * {@link TransportException} when the dry run fails (unreachable, auth; PARTIAL when rsync could
   * not look at everything, e.g. an entry vanished meanwhile).
   */
  default Drift topLevel() throws InterruptedException {
    return null;
  }

  /**
   * What {@link #send} of these paths would delete at the target, from a dry run (each entry, so a
   * missing directory counts with everything under it); {@code targetEntries} is -1. Null when the
   * transport cannot tell (then the mass-deletion guard lets the send go). Throws a
   * {@link TransportException} when the dry run fails.
   */
  default DeletionPreview sendDeletions(List<byte[]> paths, boolean recursive) throws InterruptedException {
    return null;
  }

  /**
   * What {@link #fullSync fullSync(true)} would delete at the target, and how many entries the
   * target holds, from a dry run. Null when the transport cannot tell.
   */
  default DeletionPreview fullSyncDeletions() throws InterruptedException {
    return null;
  }

  /**
   * What {@link #fullSync(FullSyncShard, boolean) fullSync(part, true)} would delete at the target,
   * from a dry run of that part alone; {@code targetEntries} is -1 (a part is not the target). Null
   * when the transport cannot tell.
   */
  default DeletionPreview fullSyncDeletions(FullSyncShard part) throws InterruptedException {
    return part.isWhole() ? fullSyncDeletions() : null;
  }

  /**
   * Whether the target directory holds no entry a full sync would see (its excludes and the
   * versions directory do not count), or is not there yet: then a full sync has nothing there to
   * delete. False when it holds one, and when the transport cannot tell or the look fails (a full
   * sync's own dry run then says why).
   */
  default boolean targetEmpty() throws InterruptedException {
    return false;
  }

  /**
   * Deletes the versions kept on the target (see {@link Versions}) that are older than the target's
   * {@code versions} duration at {@code now}, where the transport can (local and ssh targets);
   * returns how many version directories it deleted where it can tell.
   */
  default int pruneVersions(java.time.Instant now) throws InterruptedException {
    return 0;
  }

  /** What {@link #probe} found. */
  enum Reachability { UP, DOWN, UNKNOWN }

  /**
   * A cheap look at whether the target's host answers at all (a TCP connect to the port rsync
   * uses; nothing is sent, so it costs the target nothing): the engine calls it about once a second
   * while a target it could not reach backs off, and tries again at once when a DOWN turns UP.
   * {@code UNKNOWN} where that cannot be told (local targets): those wait for their backoff.
   */
  default Reachability probe() {
    return Reachability.UNKNOWN;
  }

  /**
   * Whether the target answers and accepts us, changing nothing: one rsync listing of the target
   * directory's own entries ({@code --list-only}, not recursive), through the options a sync uses.
   * Null when it answered; {@link #DIRECTORY_GONE} when it answered but its directory is not there;
   * else the failed look (RETRY: unreachable; FATAL: refused, e.g. a wrong password). The engine calls it
   * while the target is idle ({@code IdleCheck}), where {@link #canCheck()}; transports that cannot
   * tell return null.
   */
  /**
   * What {@link #check()} says of a target that answers without its directory (deleted on the backup
   * host, or a disk there replaced): the next send would make it again holding only what it carries.
   */
  TransferResult DIRECTORY_GONE = new TransferResult(TransferResult.Outcome.PARTIAL, 23, java.util.List.of(), 0, 0, 0,
      "its directory is not there");

  default TransferResult check() throws InterruptedException {
    return null;
  }

  /** Whether {@link #check()} tells anything: remote targets (a local directory is looked at by every run). */
  default boolean canCheck() {
    return false;
  }

  /**
   * A standing condition of the target the operator should fix, in one line, for {@code status}
   * (an ssh login shell whose startup files every run waits for); empty when none.
   */
  default String warning() {
    return "";
  }

  /**
   * Stops the helper processes the transport keeps between calls (for ssh: the connection master
   * and the rename shell) by pid. Idempotent. Calls after it still work, each paying for itself
   * (an ssh login per run; no rename in place). Whoever stops using a transport closes it: the
   * {@code Replicator} closes its targets when it stops.
   */
  @Override
  default void close() {}
}
