package dev.livesync.sync;

import dev.livesync.fs.BytePath;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The paths whose deletion the {@link DeletionGuard} holds, saved to its {@link HeldDeletions} file on
 * every change, with their number readable without the guard's lock; an episode of holding is told
 * once at WARN as it starts. Not thread-safe otherwise: the guard's lock covers it.
 */
final class HeldSet {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(DeletionGuard.class);
  private final Set<BytePath> held = new LinkedHashSet<>();
  private final HeldDeletions store;
  private final String target, sync;
  private final Consumer<byte[]> back;
  private static final long RECHECK_NANOS = 5_000_000_000L;
  private static final int RECHECK_MAX = 200_000;
  private volatile int count;
  private boolean warned;
  private long lastRecheck;

  /**
   * {@code target}, {@code sync}: for the log. {@code back}: told of each held path dropped because
   * it is back at the source (or a full sync no longer lists it): the target has that name, so it is
   * no new one ({@link RecentNames#atTarget}).
   */
  HeldSet(HeldDeletions store, Collection<BytePath> initial, String target, String sync, Consumer<byte[]> back) {
    this.store = store;
    this.back = back;
    this.target = target;
    this.sync = sync;
    held.addAll(initial);
    count = held.size();
    warned = !held.isEmpty(); // the previous run's: said as it starts
  }

  /**
   * Holds {@code paths}; the first hold of an episode says at WARN that {@code what} would delete
   * {@code total} paths, {@code recent} deleted in the minute before, of about {@code before} on the target.
   */
  void hold(List<byte[]> paths, String what, long total, long recent, long before, Object max) {
    addAll(paths);
    if (warned) return;
    warned = true;
    log.warn("{}: {} would delete {} paths ({} deleted in the last minute) of about {} on the target a minute before, more than max_delete / --max-delete allows ({}): "
            + "deletions for this target are held, creations and changes continue. If the source lost them by mistake "
            + "(rm -rf, an unmounted volume), restore them there and the held deletions clear; if they are meant, run "
            + "'livesync release-deletes {}'. See 'livesync status'.",
        target, what, total, Math.max(0, recent), Math.max(before, 0), max, sync);
  }

  /** Holds {@code paths}, of a full sync that would delete all {@code entries} on the target ({@link EmptiedTarget}): said at WARN as a hold starts. */
  void holdWhole(List<byte[]> paths, long entries) {
    addAll(paths);
    if (warned) return;
    warned = true;
    log.warn(EmptiedTarget.warning(target, entries, sync));
  }

  /** Drops the held paths that are {@code back} at the source: no longer deletions. */
  void dropReturned(Predicate<byte[]> back) {
    int dropped = removeIf(back);
    if (dropped > 0) log.info("{}: {} held deletions dropped: those files are back at the source", target, dropped);
    if (held.isEmpty() && dropped > 0) {
      warned = false;
      log.info("{}: no deletions held any more", target);
    }
  }

  boolean isEmpty() {
    return held.isEmpty();
  }

  int size() {
    return held.size();
  }

  /**
   * Whether the held paths are due to be looked for at the source again (those back there are no
   * longer deletions): every 5 s while some, and not too many to look at, are held; true counts as done.
   * The loop thread's.
   */
  boolean recheckDue(long now) {
    if (count == 0 || count > RECHECK_MAX || now - lastRecheck < RECHECK_NANOS) return false;
    lastRecheck = now;
    return true;
  }

  /** The number held, read without the lock. */
  int count() {
    return count;
  }

  Collection<BytePath> paths() {
    return held;
  }

  void addAll(List<byte[]> paths) {
    if (held.addAll(keys(paths))) changed();
  }

  /** Keeps only {@code paths} (a whole tree's deletions: what it does not list is no longer one). */
  void retainAll(List<byte[]> paths) {
    Set<BytePath> keep = keys(paths);
    removeIf(p -> !keep.contains(BytePath.unsafeWrap(p)));
  }

  /** How many were dropped. */
  int removeIf(Predicate<byte[]> gone) {
    int before = held.size();
    if (held.removeIf(p -> gone.test(p.unsafeArray()) && dropped(p))) changed();
    return before - held.size();
  }

  private boolean dropped(BytePath p) {
    back.accept(p.unsafeArray());
    return true;
  }

  /** Lets them all go (an operator released them); the next hold starts a new episode. */
  void clear() {
    if (!held.isEmpty()) log.warn("{}: {} held deletions released by an operator; deleting them", target, held.size());
    held.clear();
    warned = false;
    changed();
  }

  private void changed() {
    count = held.size();
    store.save(held);
  }

  private static Set<BytePath> keys(List<byte[]> paths) {
    return new LinkedHashSet<>(BytePath.unsafeWrapAll(paths));
  }
}
