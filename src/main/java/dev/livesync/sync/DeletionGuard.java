package dev.livesync.sync;

import dev.livesync.settings.MaxDelete;
import dev.livesync.transport.DeletionPreview;
import dev.livesync.transport.ForwardingTransport;
import dev.livesync.transport.TransferResult;
import dev.livesync.transport.TransportException;
import dev.livesync.transport.Transport;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mass-deletion guard around one target's transport ({@code --max-delete}). Before a transfer
 * that can delete at the target — a full sync with delete, a send with paths gone from the source,
 * a mirroring send of a tree — a dry run lists what it would delete ({@link Transport#sendDeletions},
 * {@link Transport#fullSyncDeletions}). When that, with what was deleted in the minute before (net of
 * the entries made in it, {@link DeletionWindow}), is more than the limit — a share of the entries on
 * the target or a number of paths — the deletions are held: the transfer runs without them (creations
 * and changes keep flowing), the paths are kept here, {@code livesync status} shows how many, the log
 * says it once at WARN. From then on every deletion for the target is held, until an operator
 * {@link #release releases} them or the files come back at the source (held paths that exist again
 * are dropped). The held paths are kept in the sync's state directory ({@link HeldDeletions}): a
 * restart holds them again, with every deletion after them; so is a release until carried out ({@link ReleasedDeletions}).
 *
 * <p>The target's entry count comes from each full sync's dry run and follows the entries each
 * transfer made and deleted. A percentage never holds fewer than {@link #MIN_PATHS} deletions: on a
 * small tree a share says little. Workers call the transfer methods concurrently; the loop thread
 * reads {@link #held()}.
 */
final class DeletionGuard extends ForwardingTransport {
  private static final Logger log = LoggerFactory.getLogger(DeletionGuard.class);
  static final long WINDOW_NANOS = 60_000_000_000L;
  /** Under a percentage, a minute's deletions of at most this many paths always go through. */
  static final long MIN_PATHS = 100;
  static final long SETTLE_MILLIS = 2000;
  /** A batch deleting fewer than this never waits to be judged with what follows it (only for a judgement under way). */
  static final long SETTLE_MIN = 20;
  private static final long RECHECK_NANOS = 5_000_000_000L;
  private static final int RECHECK_MAX = 200_000;

  private final MaxDelete max;
  private final Clock clock;
  private final Batcher.SizeProbe source;
  private final String sync;
  private final DeletionWindow window;
  private final HeldSet held;
  private final ReleasedDeletions released;
  private final SourceTrees treeSize;
  private final RenameByCopy renames;
  private final GuardedFullSync fullSyncs;
  private final WholeTreeLook looks;
  private volatile long targetEntries = -1; // written under the lock
  private boolean warned;
  private long lastRecheck;
  /** One judgement at a time (judged alone while another waited for a burst, a part of it went through); see {@link WithoutDeletions#busy}. */
  private final java.util.concurrent.locks.ReentrantLock judging = new java.util.concurrent.locks.ReentrantLock();

  /**
   * {@code store}: where the held paths are kept across restarts; what it holds is held from the start.
   * {@code treeSize}: how many entries a directory of the source holds, itself included, and which ({@link TreeCount#trees}).
   */
  DeletionGuard(Transport inner, MaxDelete max, Clock clock, Batcher.SizeProbe source, SourceTrees treeSize,
      String sync, HeldDeletions store) {
    super(inner);
    this.treeSize = treeSize;
    this.max = max;
    this.clock = clock;
    this.source = source;
    this.sync = sync;
    this.window = new DeletionWindow(clock);
    this.renames = new RenameByCopy(inner, source, treeSize, clock);
    this.fullSyncs = new GuardedFullSync(this, inner, clock);
    this.looks = new WholeTreeLook(this::previewWhole, d -> notReleased(d, true), clock, describe());
    this.released = new ReleasedDeletions(store.released(), max.off());
    held = new HeldSet(store, store.takeOver(max.off(), describe(), sync));
    warned = !held.isEmpty();
  }

  /** Paths whose deletion is held now (a few times a second from the loop thread: drops those back at the source). */
  int held() {
    long now = clock.nanos();
    if (held.count() > 0 && held.count() <= RECHECK_MAX && now - lastRecheck >= RECHECK_NANOS) {
      lastRecheck = now;
      dropReturned();
    }
    return held.count();
  }

  /** Held paths that exist at the source again are no longer deletions. */
  private synchronized void dropReturned() {
    int dropped = held.removeIf(p -> source.size(p) >= 0);
    if (dropped > 0) log.info("{}: {} held deletions dropped: those files are back at the source", describe(), dropped);
    if (held.isEmpty() && dropped > 0) {
      warned = false;
      log.info("{}: no deletions held any more", describe());
    }
  }

  /**
   * Lets the held deletions go: the topmost released paths are returned (a directory stands for what
   * is under it), for the engine to queue as a send; until that has run, exactly those deletions pass
   * uncounted ({@link ReleasedDeletions}, kept across a restart). Held paths back at the source are dropped first.
   */
  synchronized List<byte[]> release() {
    dropReturned();
    released.add(held.paths()); // recorded before the held file goes: a crash in between leaves them released
    if (!held.isEmpty()) log.warn("{}: {} held deletions released by an operator; deleting them", describe(), held.size());
    held.clear();
    warned = false;
    window.clear();
    return released.top();
  }

  /** The released deletions not carried out yet, topmost (at the start: a release the previous run did not carry out). */
  synchronized List<byte[]> releasedTop() {
    return released.top();
  }

  /** Decisions on one send when its source keeps losing files between the dry run and the send. */
  private static final int ATTEMPTS = 3;

  @Override
  public TransferResult send(List<byte[]> paths, boolean recursive) throws InterruptedException {
    if (max.off()) return inner.send(paths, recursive);
    TransferResult r = null;
    for (int i = 0; i < ATTEMPTS; i++) {
      if (i > 0) SourceLook.forgetBound(); // deciding again because the source lost more: look at it again
      r = decideAndSend(paths, recursive);
      if (r.exitCode() != WithoutDeletions.MAX_DELETE_EXIT) return r;
      // the source lost more between the dry run and the send: rsync deleted no more than was decided on; decide again
    }
    return r;
  }

  private TransferResult decideAndSend(List<byte[]> paths, boolean recursive) throws InterruptedException {
    boolean missing = false, mayDelete = false; // mayDelete: a path gone from the source may still be at the target
    for (int i = 0; i < paths.size() && !mayDelete; i++) {
      if (SourceLook.bound(source).size(paths.get(i)) >= 0) continue; // the send's look, shared with the transport
      missing = true;
      mayDelete = !renames.goneAtTarget(paths.get(i));
    }
    if (!recursive && !missing) return counted(inner.send(paths, false, 0), false);
    if (!mayDelete) {
      // nothing known to delete: sent deleting nothing (one rsync, no dry run first), judged only if rsync
      // finds something to delete after all (25; a daemon's run exits 0 and only warns, read as 25), or
      // ran partly (its 23 and 24 win over a 25).
      TransferResult r = inner.send(paths, recursive, 0);
      if (counted(r, false).exitCode() != WithoutDeletions.MAX_DELETE_EXIT && r.outcome() != TransferResult.Outcome.PARTIAL) return r;
    }
    DeletionPreview preview;
    try {
      preview = inner.sendDeletions(paths, recursive);
    } catch (TransportException e) {
      return WithoutDeletions.instead(e, inner, source, paths, recursive, null, r -> counted(r, false));
    }
    if (preview == null) return inner.send(paths, recursive);
    List<byte[]> deletions = notReleased(preview.deletions(), false);
    int releasing = preview.deletions().size() - deletions.size();
    if (deletions.isEmpty()) return counted(inner.send(paths, recursive, releasing), releasing > 0);
    boolean admitted;
    try {
      if (targetEntries < 0 && max.percent() >= 0 && previewWhole() instanceof DeletionPreview whole) learn(whole.targetEntries());
      admitted = admit(deletions, preview.created(), "these changes", true);
    } catch (TransportException e) {
      return WithoutDeletions.instead(e, inner, source, paths, recursive, preview.deletions(), r -> counted(r, false));
    }
    if (admitted) return judged(inner.send(paths, recursive, preview.deletions().size()), deletions.size(), releasing);
    // held: what exists at the source still goes, without deleting anything
    return counted(WithoutDeletions.send(inner, WithoutDeletions.present(paths, source), recursive), false);
  }

  @Override
  public TransferResult sendKeepingExtras(List<byte[]> paths, boolean recursive) throws InterruptedException {
    return counted(inner.sendKeepingExtras(paths, recursive), false);
  }

  /**
   * A directory renamed on a daemon target: its new name made from the old copy and the old name
   * deleted, in one step ({@link RenameByCopy}) that no whole-tree judgement sees half done. It loses
   * nothing in the minute: the copy made at least what the old name held (the source's count of the
   * new name is short when it was renamed on meanwhile). The target's count follows.
   */
  @Override
  public boolean rename(byte[] from, byte[] to) throws InterruptedException {
    if (inner.canRename()) return inner.rename(from, to);
    RenameByCopy.Done done = renames.run(from, to, held.count() == 0); // while deletions are held, the old name stays
    if (done.copied()) {
      long gained = Math.max(done.made() >= 0 ? done.made() : treeSize.entries(to), done.deleted()) - done.deleted();
      synchronized (this) {
        if (targetEntries >= 0) targetEntries += gained;
        window.created(gained);
      }
    }
    return done.copied();
  }

  /** A dry run of a full sync, never while a {@link #rename} has the target hold both names of a directory. */
  private DeletionPreview previewWhole() throws InterruptedException {
    return renames.outside(inner::fullSyncDeletions);
  }

  /** Where the target only copies (a daemon), one by one through {@link #rename}, so each copy is known; chains: {@link RenameChains}. */
  @Override
  public boolean renameAll(List<Move> moves) throws InterruptedException {
    if (inner.canRename()) return inner.renameAll(moves);
    List<Move> copies = RenameChains.copies(moves);
    if (copies != moves) log.debug("{}: {} renames as {} copies from what the target holds", inner.describe(), moves.size(), copies.size());
    boolean all = copies == moves; // after a chain, false: the names between were never made, the batches after reconcile them
    for (Move m : copies) all &= rename(m.from(), m.to());
    return all;
  }

  /** The bound on deletions is the guard's own: a caller's goes through its decision like any send. */
  @Override
  public TransferResult send(List<byte[]> paths, boolean recursive, long maxDeletions) throws InterruptedException {
    return send(paths, recursive);
  }

  @Override
  public TransferResult sendKeepingExtras(List<byte[]> paths, boolean recursive, long maxDeletions) throws InterruptedException {
    return sendKeepingExtras(paths, recursive);
  }

  @Override
  public TransferResult fullSync(boolean delete) throws InterruptedException {
    return fullSync(delete, null);
  }

  @Override
  public TransferResult fullSync(boolean delete, Consumer<String> progress) throws InterruptedException {
    return fullSync(delete, progress, null);
  }

  /** A full sync, in the parts {@code parts} plans where there is enough to do (null: one rsync); see {@link GuardedFullSync}. */
  TransferResult fullSync(boolean delete, Consumer<String> progress, SplitFullSync.Planner parts) throws InterruptedException {
    return fullSyncs.run(delete, progress, parts);
  }

  /** Parts of a full sync go to the inner transport; whether they delete is decided once for the whole ({@link GuardedFullSync}). */
  @Override
  public TransferResult fullSync(dev.livesync.transport.FullSyncShard part, boolean delete) throws InterruptedException {
    return fullSyncs.part(part, delete);
  }

  /** Whether the guard is off ({@code --max-delete off}): full syncs run without a dry run first. */
  boolean off() {
    return max.off();
  }

  /**
   * A dry run of the whole tree, decided on as a full sync's: its deletions go ahead (counted in the
   * minute) or are held; held paths it no longer lists are dropped (a full sync sees every deletion
   * there is: the files came back), or a look at a target with nothing counted on it that finds it
   * empty. Null when the transport cannot tell; throws a TransportException when the dry run failed.
   */
  GuardedFullSync.WholeTree judgeWholeTree() throws InterruptedException {
    boolean empty = targetEntries <= 0 && inner.targetEmpty(); // that stands for the dry run: nothing to delete
    DeletionPreview preview = empty ? new DeletionPreview(List.of(), 0) : previewWhole();
    if (preview == null) return null;
    learn(preview.targetEntries());
    List<byte[]> deletions = notReleased(preview.deletions(), true);
    synchronized (this) {
      held.retainAll(deletions);
    }
    boolean mayDelete = deletions.isEmpty() || admit(deletions, preview.created(), "a full sync", false);
    return new GuardedFullSync.WholeTree(preview, mayDelete, preview.deletions().size() - deletions.size(), empty);
  }

  /** A full sync's (or a part's) result on the target's count; {@code releasing}: released deletions went with it. */
  TransferResult countedFullSync(TransferResult r, boolean releasing) {
    return counted(r, releasing, true);
  }

  /** The released deletions, {@code n} of them, sent on their own after a full sync that held the others. */
  void sendReleased(long n) throws InterruptedException {
    counted(inner.send(releasedTop(), false, n), true);
  }

  /**
   * Whether {@code deletions} may go ahead (then counted in the window); else they are held, and the
   * first hold of an episode is told at WARN. {@code what}: what would delete them, for the log;
   * {@code created}: the entries the same transfer makes. {@code settle} (a send, which sees only its
   * own paths): before a send's deletions are held, and when they come to more than an eighth of the
   * limit, a dry run of a full sync says what the source has lost in all (deletions less what it
   * gained): a directory renamed (on a daemon target: its old name deleted, the new one sent, perhaps
   * later or under yet another name) loses nothing, an {@code rm -rf} cut into several batches is
   * judged whole. Short of the limit, when the source has lost more than this batch (a burst under
   * way), it waits {@link #SETTLE_MILLIS} for the rest of it and looks again, so that all of it is held.
   */
  private boolean admit(List<byte[]> deletions, long created, String what, boolean settle) throws InterruptedException {
    if (!judging.tryLock()) {
      if (settle) throw WithoutDeletions.busy();
      judging.lockInterruptibly();
    }
    try {
      return judge(deletions, created, what, settle);
    } finally {
      judging.unlock();
    }
  }

  private boolean judge(List<byte[]> deletions, long created, String what, boolean settle) throws InterruptedException {
    long total, n;
    boolean confirm, wait;
    synchronized (this) {
      // a batch that makes as many as it deletes (renames on a daemon target) loses none
      n = Math.max(0, deletions.size() - created);
      total = n;
      boolean over = over(n);
      wait = !over && n >= SETTLE_MIN && window.recent() + n > limit() / 8;
      confirm = held.isEmpty() && settle && (over || wait);
    }
    Long net = null; // what the whole tree loses, where it was looked at
    if (confirm) {
      DeletionPreview whole = looks.look();
      if (wait && whole != null && looks.lost(whole) > n) { // a burst may be under way: let it happen, then judge it
        Thread.sleep(SETTLE_MILLIS);
        whole = looks.look();
      }
      if (whole != null) {
        learn(whole.targetEntries());
        net = looks.net(whole);
        // about to hold (the count learned may have lowered the limit): what the whole tree loses is judged, looked at again
        wait = wait && !over(Math.max(n, net));
        if (!wait && over(net)) {
          learn((whole = looks.again(whole)).targetEntries());
          net = looks.net(whole);
        }
      }
    }
    synchronized (this) {
      if (net != null) total = wait ? Math.max(n, net) : net; // short of the limit a burst only grows; over it, what comes pays
      long recent = window.recent(), limit = limit();
      if (log.isDebugEnabled()) log.debug("{}: {} deletions ({} in all, {} recent) of {} entries, limit {}", describe(), n, total, recent, targetEntries, limit);
      if (held.isEmpty() && recent + total <= limit) {
        window.deleted(deletions.size()); // the send's creations go in when it has run (counted)
        return true;
      }
      held.addAll(deletions);
      total = Math.max(total, deletions.size());
      if (!warned) {
        warned = true;
        log.warn("{}: {} would delete {} paths ({} deleted in the last minute) of about {} on the target, more than --max-delete {}: "
                + "deletions for this target are held, creations and changes continue. If the source lost them by mistake "
                + "(rm -rf, an unmounted volume), restore them there and the held deletions clear; if they are meant, run "
                + "'livesync release-deletes {}'. See 'livesync status'.",
            describe(), what, total, Math.max(0, recent), Math.max(targetEntries, 0), max, sync);
      }
      return false;
    }
  }

  /** Whether a loss of {@code net} entries (below zero: a gain) would take the minute over the limit. */
  private synchronized boolean over(long net) {
    return window.recent() + net > limit();
  }

  private long limit() {
    long limit = max.limit(targetEntries);
    return max.percent() >= 0 ? Math.max(limit, MIN_PATHS) : limit;
  }

  /** A send let through with {@code judged} deletions, counted then: set right by what it deleted (the source moved on since, or it failed). */
  private TransferResult judged(TransferResult r, long judged, long releasing) {
    synchronized (this) {
      window.deleted(Math.min(0, Math.max(0, r.deleted() - releasing) - judged));
    }
    return counted(r, releasing > 0);
  }

  /** The entries the transfer made and deleted, on the target's count; {@code releasing}: released deletions went with it. */
  private TransferResult counted(TransferResult r, boolean releasing) {
    return counted(r, releasing, false);
  }

  /** {@code fullSync}: its creations fill the target, they are not churn, so they do not offset the minute's deletions. */
  private TransferResult counted(TransferResult r, boolean releasing, boolean fullSync) {
    if (r.outcome() == TransferResult.Outcome.OK || r.outcome() == TransferResult.Outcome.PARTIAL) {
      synchronized (this) {
        if (targetEntries >= 0) targetEntries = Math.max(0, targetEntries + r.created() - r.deleted());
        if (r.created() > 0 && !max.off() && !fullSync) window.created(r.created());
        if (releasing) released.carriedOut();
      }
    }
    return r;
  }

  private synchronized void learn(long entries) {
    if (entries >= 0) targetEntries = entries;
  }

  /** {@code deletions} less the released ones; a whole tree's ({@code all}) also ends the release of paths it no longer lists. */
  private synchronized List<byte[]> notReleased(List<byte[]> deletions, boolean all) {
    if (all) released.keepListed(deletions);
    return released.notReleased(deletions);
  }
}
