package dev.livesync.sync;

import dev.livesync.transport.DeletionPreview;

/**
 * A full sync that would leave nothing of what the target holds: the source is empty (an unmounted
 * disk's mount point), or it is another tree than the one the target backs up (a mistyped path, a
 * reload pointing a sync elsewhere), so every entry at the target would be deleted. The mass-deletion
 * guard holds such deletions whatever their number: its limit's floor lets a small tree lose up to
 * 100 entries, but an empty source must never wipe a target. {@code livesync release-deletes} lets
 * them go, as any hold; with {@code --max-delete off} there is no guard, and no dry run to tell.
 */
final class EmptiedTarget {
  private EmptiedTarget() {}

  /**
   * Whether the whole tree's dry run {@code p} deletes every entry the target holds (its top aside,
   * which rsync never deletes): nothing the target has would remain. False when the dry run did not
   * count the target's entries, or deletes nothing.
   */
  static boolean wholly(DeletionPreview p) {
    return p.targetEntries() > 1 && !p.deletions().isEmpty() && p.deletions().size() >= p.targetEntries() - 1;
  }

  /** The WARN line of a hold it starts: {@code entries} deleted, on {@code target}, released with {@code sync}'s name. */
  static String warning(String target, long entries, String sync) {
    return target + ": a full sync would delete all " + entries + " entries on the target and leave nothing there: the source is empty, or"
        + " not the tree this target backs up (an unmounted disk, a mistyped path); whatever max_delete / --max-delete allows, deletions"
        + " for this target are held, creations and changes continue. If the source is wrong, mount or fix it and the held deletions"
        + " clear; if emptying the target is meant, run 'livesync release-deletes " + sync + "'. See 'livesync status'.";
  }
}
