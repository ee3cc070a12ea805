package dev.livesync.sync;

import dev.livesync.transport.TransferResult;
import dev.livesync.transport.Transport;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs one work item against one transport, on a worker thread: filters out deletions the delete
 * policy forbids, does a rename in place at the target (both names are reconciled by the batch
 * after it), and runs the exec hook after a successful batch. Stateless apart from its
 * configuration: {@code progress}, where full syncs report how far they are, or null; {@code parts},
 * see {@link SplitFullSync}, or null.
 */
record ItemExecutor(Transport transport, DeletePolicy delete, Batcher.SizeProbe source, ExecHook hook,
    java.util.function.Consumer<String> progress, SplitFullSync.Planner parts) {
  /** A send whose paths are all gone, where the policy sends no deletion (or above them): done without the target. */
  static final TransferResult NOTHING_TO_SEND = TransferResult.ok(0, 0, 0);
  /** A rename where the policy keeps the old name: done without the target. */
  static final TransferResult OLD_NAME_KEPT = new TransferResult(TransferResult.Outcome.OK, 0, List.of(), 0, 0, 0,
      "nothing moved: the delete policy keeps the old name, the batch after it sends the new one");

  /**
   * A directory's rename on a target whose renames copy from the source, which made nothing because
   * its new name is gone from the source (renamed again, or deleted): see {@link RenameMovedOn}.
   */
  static final TransferResult NEW_NAME_GONE = new TransferResult(TransferResult.Outcome.OK, 0, List.of(), 0, 0, 0,
      "not moved: its new name is gone from the source (renamed again, or deleted); the batches after it send what the source holds");

  /** Whether {@code r} was had without asking the target: it says nothing of a target that was failing. */
  static boolean withoutTarget(TransferResult r) {
    return r == NOTHING_TO_SEND || r == OLD_NAME_KEPT;
  }

  /**
   * What running an item did. {@code goneAncestors}: directories gone from the source (or replaced by
   * a symlink or a file) above some of a send's paths, which it left out (see {@link VanishedPaths});
   * their deletion (or the send of what replaced them) is the runner's to queue.
   * {@code fullSyncWhy}: the start's root was not sent, its {@link TopLevelCheck} found the target changed; else null.
   */
  // Never compared or hashed: the runner reads every field.
  record Ran(TransferResult result, List<byte[]> goneAncestors, boolean copiedFromSource, String fullSyncWhy) {
    Ran(TransferResult result) {
      this(result, List.of());
    }

    Ran(TransferResult result, List<byte[]> goneAncestors) {
      this(result, goneAncestors, false, null);
    }

    /**
     * A rename (or a group) ended; {@code made}: it moved every name at the target; {@code copiedFromSource}: it made its new
     * directories from the source ({@link Transport#renameCopiesFromSource}). The log says how long it took, and when it moved nothing.
     */
    static Ran renamed(long t0, boolean made, int group, boolean copiedFromSource) {
      String said = made ? "" : group == 1 ? "not moved at the target (its old name was not there, or it is too small to be worth it): the batch"
          + " after it sends the new name" : "of the " + group + " renames run with it, not every one was moved at the target (an old name"
          + " not there, or too small to be worth it): the batches after them send the new names";
      return new Ran(new TransferResult(TransferResult.Outcome.OK, 0, List.of(), 0, 0, (System.nanoTime() - t0) / 1_000_000, said),
          List.of(), made && copiedFromSource, null);
    }
  }

  /**
   * What the worker side needs: delete policy, a source probe, an optional hook; {@code parts} plans
   * a full sync's parts (see {@link SplitFullSync}), null runs it as one rsync.
   */
  record Config(DeletePolicy delete, Batcher.SizeProbe source, ExecHook hook, SplitFullSync.Planner parts) {
    Config(DeletePolicy delete, Batcher.SizeProbe source, ExecHook hook) {
      this(delete, source, hook, null);
    }
  }

  Ran run(WorkItem item) throws InterruptedException {
    TransferResult r;
    List<byte[]> shipped;
    List<byte[]> gone;
    switch (item) {
      case WorkItem.FullSync f -> {
        return new Ran(ScopedValue.where(Transport.LEAVE_OUT, f.leaveOut()).call(() -> fullSync(f, progress)));
      }
      case WorkItem.Send s -> {
        var look = new SourceLook(source); // one lstat per path for the item, the guard and the transport
        var split = VanishedPaths.split(allowed(s.paths(), look), look);
        shipped = split.kept();
        gone = split.goneAncestors();
        if (shipped.isEmpty()) return new Ran(NOTHING_TO_SEND, gone);
        List<byte[]> paths = shipped;
        r = ScopedValue.where(Transport.BY_CONTENT, s.byContent()).where(Transport.SOURCE_SIZES, look).where(Transport.BASE, s.base())
            .call(() -> delete.whileRunning() ? transport.send(paths, s.recursive()) : transport.sendKeepingExtras(paths, s.recursive()));
      }
      case WorkItem.Rename m -> {
        // Only pre-positions the data, so that the batch after it (which reconciles both names:
        // the coalescer queued them) finds nothing to send. That batch is what makes it right: one
        // cut before the rename may have read the source after it. A rename that made nothing just
        // costs the data being sent again; one the target failed (a daemon down) is retried. Under
        // a delete policy that keeps deleted files, the old name stays.
        // A copy from the source (a daemon's) makes the new name as that batch would: the runner
        // leaves the new name out of the items queued before it began (TargetQueue#coveredByCopies).
        long t0 = System.nanoTime();
        if (!delete.whileRunning()) return new Ran(OLD_NAME_KEPT); // nothing to move: the old name stays
        boolean made;
        try {
          made = transport.rename(m.from(), m.to());
        } catch (dev.livesync.transport.TransportException e) { // the target failed (a daemon's copy: unreachable): retried, still ahead of the batch
          return new Ran(e.result());
        }
        if (!made && m.dir() && newNameGone(List.of(new Transport.Move(m.from(), m.to())))) return new Ran(NEW_NAME_GONE);
        return Ran.renamed(t0, made, 1, m.dir() && transport.renameCopiesFromSource());
      }
    }
    if (r.outcome() == TransferResult.Outcome.OK && hook != null) hook.run(transport.describe(), shipped);
    return new Ran(r, gone);
  }

  private TransferResult fullSync(WorkItem.FullSync f, java.util.function.Consumer<String> progress) throws InterruptedException {
    SplitFullSync.Planner split = parts != null && transport.canSplitFullSync() ? parts : null;
    if (transport instanceof DeletionGuard guard) return guard.fullSync(f.delete(), progress, split); // looks first
    if (split != null) return SplitFullSync.run(transport, split, f.delete(), progress);
    return progress == null ? transport.fullSync(f.delete()) : transport.fullSync(f.delete(), progress);
  }

  /**
   * The start's root after a clean stop, in place of which {@code check} looks at the target's top
   * level: the root goes after it, beside the changes ({@link TopLevelCheck#next}), or the full sync.
   */
  Ran runChecked(TopLevelCheck check) throws InterruptedException {
    long t0 = System.nanoTime();
    String why;
    try {
      why = check.why(transport);
    } catch (dev.livesync.transport.TransportException e) {
      return new Ran(e.result());
    }
    return new Ran(TransferResult.ok(0, 0, (System.nanoTime() - t0) / 1_000_000), List.of(), false, why);
  }

  /**
   * Consecutive renames as one call (ssh: one script): pre-positioning only, like a single rename —
   * the batches after them reconcile every name.
   */
  Ran runRenames(List<WorkItem.Rename> renames) throws InterruptedException {
    if (!delete.whileRunning()) return new Ran(OLD_NAME_KEPT); // as one rename: nothing moved, the target not asked
    List<Transport.Move> moves = new ArrayList<>(renames.size());
    for (WorkItem.Rename m : renames) moves.add(new Transport.Move(m.from(), m.to()));
    long t0 = System.nanoTime();
    boolean all;
    try {
      all = transport.renameAll(moves);
    } catch (dev.livesync.transport.TransportException e) { // as for one rename
      return new Ran(e.result());
    }
    if (!all && renames.stream().allMatch(WorkItem.Rename::dir) && newNameGone(moves)) return new Ran(NEW_NAME_GONE);
    return Ran.renamed(t0, all, renames.size(), renames.stream().allMatch(WorkItem.Rename::dir) && transport.renameCopiesFromSource());
  }

  /** Whether, on a target whose renames copy from the source, a name {@code moves} end at is gone from the source ({@link RenameChains}). */
  private boolean newNameGone(List<Transport.Move> moves) {
    if (source == null || !transport.renameCopiesFromSource()) return false;
    for (Transport.Move c : RenameChains.copies(moves)) if (source.size(c.to()) < 0) return true;
    return false;
  }

  /** All paths when live deletes are allowed; otherwise only those that exist at the source. */
  private List<byte[]> allowed(List<byte[]> paths, SourceLook look) {
    if (delete.whileRunning()) return paths;
    List<byte[]> out = new ArrayList<>(paths.size());
    for (byte[] p : paths) if (look.size(p) >= 0) out.add(p);
    return out;
  }
}
