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
 * {@link Transport#fullSyncDeletions}). When that, with what was deleted in the minute before, is
 * more than the limit — a share of the entries the target held before that minute, or a number of
 * paths — the deletions are held ({@link DeletionWindow}: only the new names of renames make up for
 * deletions; names made within the minute are no loss when deleted, {@link RecentNames}): the transfer
 * runs without them (creations and changes keep flowing), the paths are kept here, {@code livesync
 * status} shows how many, the log says it once at WARN. From then on every deletion for the target is held, until an operator
 * {@link #release releases} them or the files come back at the source (held paths that exist again
 * are dropped). The held paths are kept in the sync's state directory ({@link HeldDeletions}): a
 * restart holds them again, with every deletion after them; so is a release until carried out ({@link ReleasedDeletions}).
 *
 * <p>A percentage never holds {@link #MIN_PATHS} deletions or fewer: on a small tree a share says
 * little. Workers call the transfer methods concurrently; the loop thread reads {@link #held()}.
 */
final class DeletionGuard extends ForwardingTransport {
  private static final Logger log = LoggerFactory.getLogger(DeletionGuard.class);
  static final long WINDOW_NANOS = 60_000_000_000L;
  /** Under a percentage, a minute's deletions of at most this many paths always go through. */
  static final long MIN_PATHS = 100;
  static final long SETTLE_MILLIS = 2000;
  /** A batch deleting fewer than this never waits to be judged with what follows it (only for a judgement under way). */
  static final long SETTLE_MIN = 20;

  private final MaxDelete max;
  private final Clock clock;
  private final Batcher.SizeProbe source;
  private final RecentNames names;
  private final DeletionWindow window;
  private final HeldSet held;
  private final ReleasedDeletions released;
  private final SourceTrees treeSize;
  private final RenameByCopy renames;
  private final GuardedFullSync fullSyncs;
  private final WholeTreeLook looks;
  /** One judgement at a time (judged alone while another waited for a burst, a part of it went through); see {@link WithoutDeletions#busy}. */
  private final java.util.concurrent.locks.ReentrantLock judging = new java.util.concurrent.locks.ReentrantLock();

  /**
   * {@code store}: where the held paths are kept across restarts; what it holds is held from the start.
   * {@code treeSize}: how many entries a directory of the source holds, itself included, and which ({@link TreeCount#trees}).
   * {@code names}: the names the source made and renamed lately, from its events.
   */
  DeletionGuard(Transport inner, MaxDelete max, Clock clock, Batcher.SizeProbe source, SourceTrees treeSize,
      String sync, HeldDeletions store, RecentNames names) {
    super(inner);
    this.treeSize = treeSize;
    this.max = max;
    this.clock = clock;
    this.source = source;
    this.names = names;
    this.window = new DeletionWindow(clock, max);
    this.renames = new RenameByCopy(inner, source, treeSize, clock);
    this.fullSyncs = new GuardedFullSync(this, inner, clock);
    this.looks = new WholeTreeLook(this::previewWhole, w -> names.lost(notReleased(w.deletions(), true)) - w.renamed(), clock, describe());
    this.released = new ReleasedDeletions(store.released(), max.off());
    held = new HeldSet(store, store.takeOver(max.off(), describe(), sync), describe(), sync, names::atTarget);
  }

  /** Paths whose deletion is held now (a few times a second from the loop thread: drops those back at the source). */
  int held() {
    if (held.recheckDue(clock.nanos())) synchronized (this) { held.dropReturned(new BackAtSource(source)); } // back: no longer deletions
    return held.count();
  }

  /**
   * Lets the held deletions go: the topmost released paths are returned (a directory stands for what
   * is under it), for the engine to queue as a send; until that has run, exactly those deletions pass
   * uncounted ({@link ReleasedDeletions}, kept across a restart). Held paths back at the source are dropped first.
   */
  synchronized List<byte[]> release() {
    held.dropReturned(new BackAtSource(source)); // those back at the source (below directories, not through a symlink)
    released.add(held.paths()); // recorded before the held file goes: a crash in between leaves them released
    held.clear();
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
    if (!recursive && !missing) return counted(inner.send(paths, false, 0), false, paths, false);
    if (!mayDelete) {
      // nothing known to delete: sent deleting nothing (one rsync, no dry run first), judged only if rsync
      // finds something to delete after all (25; a daemon's run exits 0 and only warns, read as 25), or
      // ran partly (its 23 and 24 win over a 25).
      TransferResult r = inner.send(paths, recursive, 0);
      if (counted(r, false, paths, recursive).exitCode() != WithoutDeletions.MAX_DELETE_EXIT && r.outcome() != TransferResult.Outcome.PARTIAL) return r;
    }
    DeletionPreview preview;
    try {
      preview = ScopedValue.where(Transport.RENAMED, names::renamed).call(() -> inner.sendDeletions(paths, recursive));
    } catch (TransportException e) {
      return WithoutDeletions.instead(e, inner, source, paths, recursive, null, r -> counted(r, false, paths, recursive));
    }
    if (preview == null) return inner.send(paths, recursive);
    List<byte[]> deletions = notReleased(preview.deletions(), false);
    int releasing = preview.deletions().size() - deletions.size();
    if (deletions.isEmpty()) return counted(inner.send(paths, recursive, releasing), releasing > 0, paths, recursive);
    boolean admitted;
    long lost = names.lost(deletions);
    try {
      if (window.targetEntries() < 0 && max.percent() >= 0 && previewWhole() instanceof DeletionPreview whole) learn(whole.targetEntries());
      admitted = admit(deletions, lost, preview.renamed(), "these changes", true, false);
    } catch (TransportException e) {
      return WithoutDeletions.instead(e, inner, source, paths, recursive, preview.deletions(), r -> counted(r, false, paths, recursive));
    }
    if (admitted) return judged(inner.send(paths, recursive, preview.deletions().size()), deletions.size(), lost, releasing, paths, recursive);
    // held: what exists at the source still goes, without deleting anything
    List<byte[]> present = WithoutDeletions.present(paths, source);
    return counted(WithoutDeletions.send(inner, present, recursive), false, present, recursive);
  }

  @Override
  public TransferResult sendKeepingExtras(List<byte[]> paths, boolean recursive) throws InterruptedException {
    return counted(inner.sendKeepingExtras(paths, recursive), false, paths, recursive);
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
        window.transferred(gained, 0, gained, false);
      }
    }
    return done.copied();
  }

  /** A dry run of a full sync, never while a {@link #rename} has the target hold both names of a directory. */
  private DeletionPreview previewWhole() throws InterruptedException {
    return renames.outside(() -> ScopedValue.where(Transport.RENAMED, names::renamed).call(inner::fullSyncDeletions));
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
  GuardedFullSync.WholeTree judgeWholeTree() throws InterruptedException { return judgeWholeTree(() -> {}); }

  /** {@link #judgeWholeTree()}; {@code beforeDryRun} runs when the dry run of the whole tree is about to start. */
  GuardedFullSync.WholeTree judgeWholeTree(Runnable beforeDryRun) throws InterruptedException {
    boolean empty = window.targetEntries() <= 0 && inner.targetEmpty(); // that stands for the dry run: nothing to delete
    if (!empty) beforeDryRun.run();
    DeletionPreview preview = empty ? new DeletionPreview(List.of(), 0) : previewWhole();
    if (preview == null) return null;
    learn(preview.targetEntries());
    List<byte[]> deletions = notReleased(preview.deletions(), true);
    synchronized (this) {
      held.retainAll(deletions);
      if (!deletions.isEmpty() && EmptiedTarget.wholly(preview)) held.holdWhole(deletions, preview.deletions().size()); // whatever the count
    }
    // a full sync sees names only, not what the source did: each name made stands for one gone (a rename while stopped)
    boolean mayDelete = deletions.isEmpty() || admit(deletions, names.lost(deletions), preview.created(), "a full sync", false, true);
    return new GuardedFullSync.WholeTree(preview, mayDelete, preview.deletions().size() - deletions.size(), empty);
  }

  /** A dry run of one part of a full sync, its deletions judged as a send's, against the whole target ({@link #admit}); null: cannot tell. */
  Boolean judgePart(dev.livesync.transport.FullSyncShard part) throws InterruptedException {
    DeletionPreview p = renames.outside(() -> ScopedValue.where(Transport.RENAMED, names::renamed).call(() -> inner.fullSyncDeletions(part)));
    if (p == null) return null;
    List<byte[]> deletions = notReleased(p.deletions(), false);
    if (deletions.isEmpty()) synchronized (this) { return held.isEmpty(); } // nothing to judge; while some are held, none goes
    return admit(deletions, names.lost(deletions), p.created(), "a part of a full sync", true, true);
  }

  /** A full sync's (or a part's) result on the target's count; {@code releasing}: released deletions went with it. */
  TransferResult countedFullSync(TransferResult r, boolean releasing) {
    return counted(r, releasing, true, 0);
  }

  /** The released deletions, {@code n} of them, sent on their own after a full sync that held the others. */
  void sendReleased(long n) throws InterruptedException {
    List<byte[]> top = releasedTop();
    counted(inner.send(top, false, n), true, top, false);
  }

  /**
   * Whether {@code deletions} may go ahead (then counted in the window); else they are held, and the
   * first hold of an episode is told at WARN. {@code what}: what would delete them, for the log;
   * {@code lost}: how many of them the target held before the minute ({@link RecentNames#lost});
   * {@code paying}: the entries the same transfer makes that stand for deleted ones (at the new names
   * of renames; for a full sync, every one). {@code settle} (a send, which sees only its
   * own paths): before a send's deletions are held, and when they come to more than an eighth of the
   * limit, a dry run of a full sync says what the source has lost in all (deletions less what it
   * gained): a directory renamed (on a daemon target: its old name deleted, the new one sent, perhaps
   * later or under yet another name) loses nothing, an {@code rm -rf} cut into several batches is
   * judged whole. Short of the limit, when the source has lost more than this batch (a burst under
   * way), it waits {@link #SETTLE_MILLIS} for the rest of it and looks again, so that all of it is held.
   * {@code waits}: while another judgement is under way, waits for it (else a settling send is busy).
   */
  private boolean admit(List<byte[]> deletions, long lost, long paying, String what, boolean settle, boolean waits) throws InterruptedException {
    if (!judging.tryLock()) {
      if (!waits) throw WithoutDeletions.busy();
      judging.lockInterruptibly();
    }
    try {
      return judge(deletions, lost, paying, what, settle);
    } finally {
      judging.unlock();
    }
  }

  private boolean judge(List<byte[]> deletions, long lost, long paying, String what, boolean settle) throws InterruptedException {
    long total, n;
    boolean confirm, wait;
    synchronized (this) {
      // a batch whose renames' new names make as many as it deletes (renames on a daemon target) loses none
      n = Math.max(0, lost - paying);
      total = n;
      boolean over = over(n);
      wait = !over && n >= SETTLE_MIN && window.recent() + n > window.limit() / 8;
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
      long recent = window.recent(), limit = window.limit();
      if (log.isDebugEnabled()) {
        log.debug("{}: {} deletions ({} in all, {} recent) of {} entries ({} before the minute), limit {}", describe(), n, total, recent,
            window.targetEntries(), window.before(), limit);
      }
      if (held.isEmpty() && recent + total <= limit) {
        window.deleted(lost, deletions.size()); // the send's creations go in when it has run (counted)
        return true;
      }
      held.hold(deletions, what, Math.max(total, deletions.size()), recent, window.before(), max);
      return false;
    }
  }

  /** Whether a loss of {@code net} entries (below zero: a gain) would take the minute over the limit. */
  private synchronized boolean over(long net) {
    return window.over(net);
  }

  /**
   * A send let through with {@code judged} deletions ({@code lost} of them counted), counted then: set
   * right by what it deleted (the source moved on since, or it failed).
   */
  private TransferResult judged(TransferResult r, long judged, long lost, long releasing, List<byte[]> paths, boolean recursive) {
    long fewer = Math.max(0, judged - Math.max(0, r.deleted() - releasing));
    synchronized (this) {
      if (fewer > 0) window.deleted(-Math.min(fewer, lost), -fewer);
    }
    return counted(r, releasing > 0, paths, recursive);
  }

  /**
   * A live send's result on the target's count and the minute; {@code releasing}: released deletions
   * went with it. Of what it made, the entries at or below the new name of a rename ({@code paths}
   * that {@link RecentNames#renamed} names, whole trees when {@code recursive}) make up for deletions.
   */
  private TransferResult counted(TransferResult r, boolean releasing, List<byte[]> paths, boolean recursive) {
    long renamed = 0;
    for (int i = 0; i < paths.size() && renamed < r.created(); i++) {
      byte[] p = paths.get(i);
      if (names.renamed(p) && source.size(p) >= 0) renamed += recursive ? treeSize.entries(p) : 1;
    }
    return counted(r, releasing, false, renamed);
  }

  /** {@code fullSync}: its creations fill the target, they are not churn, so they do not offset the minute's deletions. */
  private TransferResult counted(TransferResult r, boolean releasing, boolean fullSync, long renamed) {
    if (r.outcome() == TransferResult.Outcome.OK || r.outcome() == TransferResult.Outcome.PARTIAL) {
      synchronized (this) {
        window.transferred(r.created(), r.deleted(), renamed, fullSync);
        if (releasing) released.carriedOut();
      }
    }
    return r;
  }

  private synchronized void learn(long entries) {
    window.learn(entries);
  }

  /** {@code deletions} less the released ones; a whole tree's ({@code all}) also ends the release of paths it no longer lists. */
  private synchronized List<byte[]> notReleased(List<byte[]> deletions, boolean all) {
    if (all) released.keepListed(deletions);
    return released.notReleased(deletions);
  }
}
