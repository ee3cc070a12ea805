package dev.livesync.sync;

import dev.livesync.transport.DeletionPreview;
import dev.livesync.transport.FullSyncShard;
import dev.livesync.transport.TransferResult;
import dev.livesync.transport.TransportException;
import dev.livesync.transport.Transport;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The full syncs of one target under its mass-deletion guard ({@link DeletionGuard}). A full sync with
 * delete starts with one dry run of the whole tree, which the guard decides on (do its deletions go,
 * or are they held?) and which says how much there is to do:
 *
 * <ul>
 *   <li>the target holds nothing ({@link Transport#targetEmpty}, one listing of its top, taken while
 *       nothing is counted on it): the dry run would only list every entry as new, so there is none. The full sync goes in parts, without
 *       delete: there is nothing to delete, and what appears at the target meanwhile stays;
 *   <li>nothing at all (rsync itemized no entry to make, send, set an attribute of or delete, and
 *       ended cleanly): the full sync is done. The dry run is the real run's rsync with {@code -n}
 *       (the same options, excludes and comparison), so the real run would have changed nothing; what
 *       changes at the source from then on is the watches' to see, and they are set before any full
 *       sync starts. A restart against a target that already equals the source costs one pass over
 *       the tree, not two;
 *   <li>fewer than {@link SplitFullSync#MIN_ENTRIES} entries ({@link SplitFullSync.Planner#fewestChanges}), none
 *       of them a deletion: those entries alone, by name, in one rsync that walks nothing else ({@code
 *       -R}: their directories go along and get their times set); when that does not end OK (the
 *       source lost one of them since: it deletes nothing, {@code --max-delete=0}), the whole tree;
 *   <li>fewer entries with deletions among them: one rsync of the whole tree. Parts ({@link
 *       SplitFullSync}) cost a count of the source, an rsync connection each and a second pass over
 *       the directories above them: more than they save when there is little to copy;
 *   <li>more: in the parts {@code parts} plans, the dry run's decision standing for all of them; a part
 *       that starts more than {@link DeletionGuard#WINDOW_NANOS} after it (a big tree, few workers)
 *       decides again on a dry run of itself alone, judged against the limit on the whole target.
 * </ul>
 *
 * Without delete, or with the guard off, there is no dry run: the full sync goes in the planned parts.
 */
final class GuardedFullSync {
  private static final Logger log = LoggerFactory.getLogger(GuardedFullSync.class);

  /**
   * A dry run of the whole tree as the guard judged it: {@code mayDelete}, whether the full sync may
   * delete; {@code released}, how many of its deletions an operator released (they go in any case);
   * {@code emptyTarget}, whether a look at the target found it empty instead (no dry run ran).
   */
  record WholeTree(DeletionPreview preview, boolean mayDelete, long released, boolean emptyTarget) {}

  /** The progress while the whole tree is compared (the look at the target's top first): nothing is sent yet. */
  static final String LOOKING = "comparing the whole tree with the target first (a dry run: nothing sent yet)";

  private final DeletionGuard guard;
  private final Transport inner;
  private final Clock clock;
  private TransferResult previewFailed;
  private long partsDecidedNanos = Long.MIN_VALUE;
  private boolean partsDecision;

  /** {@code inner}: the transport the guard wraps, which runs the rsyncs. */
  GuardedFullSync(DeletionGuard guard, Transport inner, Clock clock) {
    this.guard = guard;
    this.inner = inner;
    this.clock = clock;
  }

  /** A full sync; {@code parts} splits it where there is enough to do, null runs it as one rsync. */
  TransferResult run(boolean delete, Consumer<String> progress, SplitFullSync.Planner parts) throws InterruptedException {
    if (!delete || guard.off()) return parts != null ? SplitFullSync.run(guard, parts, delete, progress) : guard.countedFullSync(raw(delete, progress), false);
    long t0 = System.nanoTime();
    WholeTree whole;
    try { // a dry run of a large tree takes as long as a pass of rsync over it: say so
      whole = guard.judgeWholeTree(() -> { if (progress != null) progress.accept(LOOKING); });
    } catch (TransportException e) {
      return e.result();
    }
    if (whole != null && whole.emptyTarget()) {
      log.info("{}: full sync: the target is empty, so it is copied without a dry run first and deletes nothing", guard.describe());
      return run(false, progress, parts);
    }
    if (whole == null) return inParts(parts, true, false, progress); // the transport cannot tell: nothing to decide on
    DeletionPreview p = whole.preview();
    if (p.nothingToDo()) {
      long millis = (System.nanoTime() - t0) / 1_000_000;
      log.info("{}: full sync: the target already equals the source (a dry run of the whole tree found nothing to change in {} ms)",
          guard.describe(), millis);
      return TransferResult.ok(0, 0, millis);
    }
    boolean releasing = whole.mayDelete() && whole.released() > 0;
    boolean many = parts != null && (p.changes() < 0 || p.changes() >= parts.fewestChanges());
    if (!many && p.deletions().isEmpty() && p.changed() != null) {
      TransferResult sent = guard.countedFullSync(inner.send(p.changed(), false, 0), false);
      if (sent.outcome() == TransferResult.Outcome.OK) {
        log.info("{}: full sync: {} differing entries sent by name", guard.describe(), p.changed().size());
        return sent;
      }
      // the source lost some of them since (rsync deleted none), or more went wrong: the whole tree
      log.info("{}: full sync: sending the {} differing entries by name did not end well ({}); the whole tree follows",
          guard.describe(), p.changed().size(), sent.message());
    }
    TransferResult r = inParts(many ? parts : null, whole.mayDelete(), releasing, progress);
    if (!whole.mayDelete() && whole.released() > 0) guard.sendReleased(whole.released()); // released ones still go
    return r;
  }

  /** A full sync decided on: in the parts {@code parts} plans, or (null, or a plan of one part) as one rsync. */
  private TransferResult inParts(SplitFullSync.Planner parts, boolean mayDelete, boolean releasing, Consumer<String> progress)
      throws InterruptedException {
    SplitFullSync.Whole one = () -> guard.countedFullSync(raw(mayDelete, progress), releasing);
    if (parts == null) return one.run();
    decided(mayDelete);
    return SplitFullSync.run(guard, parts, true, progress, one);
  }

  /**
   * One part of a full sync: whether it deletes was decided for the whole; a part that starts more
   * than {@link DeletionGuard#WINDOW_NANOS} after that decision decides again on a dry run of itself
   * alone (a dry run of the whole tree, which every part after it waited for, cost a restart of a big
   * tree tens of seconds), or of the whole tree where the transport cannot run one of a part.
   */
  TransferResult part(FullSyncShard part, boolean delete) throws InterruptedException {
    if (!delete || guard.off()) return guard.countedFullSync(inner.fullSync(part, delete), false);
    Boolean mayDelete = fresh();
    try {
      if (mayDelete == null) mayDelete = guard.judgePart(part);
    } catch (TransportException e) {
      return e.result();
    }
    if (mayDelete == null) mayDelete = wholeTreeAgain();
    if (mayDelete == null) return previewFailed;
    return guard.countedFullSync(inner.fullSync(part, mayDelete), false);
  }

  private synchronized void decided(boolean mayDelete) {
    partsDecidedNanos = clock.nanos();
    partsDecision = mayDelete;
  }

  /** The decision taken on the whole tree while it stands (less than {@link DeletionGuard#WINDOW_NANOS} old), else null. */
  private synchronized Boolean fresh() {
    return partsDecidedNanos != Long.MIN_VALUE && clock.nanos() - partsDecidedNanos < DeletionGuard.WINDOW_NANOS ? partsDecision : null;
  }

  /**
   * For parts the transport cannot dry-run alone: the decision taken on the whole tree, or, more than
   * {@link DeletionGuard#WINDOW_NANOS} after it, one taken on a dry run of the tree now. Null when that
   * dry run failed ({@link #previewFailed}).
   */
  private synchronized Boolean wholeTreeAgain() throws InterruptedException {
    long now = clock.nanos();
    if (partsDecidedNanos != Long.MIN_VALUE && now - partsDecidedNanos < DeletionGuard.WINDOW_NANOS) return partsDecision;
    WholeTree whole;
    try {
      whole = guard.judgeWholeTree();
    } catch (TransportException e) {
      previewFailed = e.result();
      return null;
    }
    partsDecidedNanos = now;
    return partsDecision = whole == null || whole.mayDelete();
  }

  private TransferResult raw(boolean delete, Consumer<String> progress) throws InterruptedException {
    return progress == null ? inner.fullSync(delete) : inner.fullSync(delete, progress);
  }
}
