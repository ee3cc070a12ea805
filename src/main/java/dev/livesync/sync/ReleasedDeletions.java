package dev.livesync.sync;

import dev.livesync.fs.BytePath;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The deletions an operator released ({@code livesync release-deletes}) that are not carried out
 * yet, for one target: exactly the paths that were held, each one, not the directories above them —
 * a deletion that was not among them (one that came after the release) is judged afresh by the
 * {@link DeletionGuard}. They are kept in the state directory beside the held ones (a temp file,
 * fsync, rename; {@link HeldDeletions}), so that a run stopped or killed between the release and the
 * deletions carries them out when it starts again instead of holding them anew. Cleared when a
 * transfer that carried them has run, or as a whole-tree dry run stops listing them (deleted, or
 * back at the source). Not thread-safe: the guard calls it under its lock.
 */
final class ReleasedDeletions {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ReleasedDeletions.class);
  private final HeldDeletions store;
  private final Set<BytePath> paths = new LinkedHashSet<>();

  /**
   * What {@code store} holds is released from the start (a release the previous run did not carry
   * out); {@code off} ({@code --max-delete off}): nothing is judged, the file goes.
   */
  ReleasedDeletions(HeldDeletions store, boolean off) {
    this.store = store;
    if (off) store.save(paths);
    else paths.addAll(store.load());
    if (!paths.isEmpty())
      log.warn("{} deletions an operator released in the previous run were not carried out (kept in {}): they go ahead, not held again", paths.size(), store.file());
  }

  boolean isEmpty() {
    return paths.isEmpty();
  }

  int size() {
    return paths.size();
  }

  /** Releases {@code held}; recorded before the engine is asked to carry them out. */
  void add(Collection<BytePath> held) {
    if (paths.addAll(held)) store.save(paths);
  }

  /** The topmost released paths (a directory stands for what is under it): what to send to carry them out. */
  List<byte[]> top() {
    List<byte[]> top = new ArrayList<>();
    for (BytePath p : paths) if (!p.isUnderAny(paths, false)) top.add(p.unsafeArray());
    return top;
  }

  /** {@code deletions} less the released ones. */
  List<byte[]> notReleased(List<byte[]> deletions) {
    if (paths.isEmpty()) return deletions;
    List<byte[]> out = new ArrayList<>(deletions.size());
    for (byte[] p : deletions) if (!paths.contains(BytePath.unsafeWrap(p))) out.add(p);
    return out;
  }

  /** A whole-tree dry run lists every deletion there is: released paths it does not list are done with. */
  void keepListed(List<byte[]> wholeTree) {
    if (paths.isEmpty()) return;
    if (paths.retainAll(new HashSet<>(BytePath.unsafeWrapAll(wholeTree)))) store.save(paths);
  }

  /** A transfer that carried the released deletions has run. */
  void carriedOut() {
    if (paths.isEmpty()) return;
    paths.clear();
    store.save(paths);
  }
}
