package dev.livesync.sync;

import java.util.List;

/**
 * The source's own directory sent as itself ({@code .}): its mode, owner and mtime. Every send
 * carries it as the parent of its paths ({@code -R}), but when only the directory itself changed
 * (chmod, chown, touch of the source) no other send comes, so it goes alone: at a start after a
 * clean stop, and on its own event. It goes in a send of its own, an attribute-only one; the
 * transport sends it without any of its entries (see {@code transport.RootAlone}): a top-level file
 * carried along could land after a newer send of it.
 */
final class RootItself {
  static final byte[] PATH = {'.'};

  private RootItself() {}

  static boolean is(byte[] path) {
    return path.length == 1 && path[0] == '.';
  }

  /** The send of the root as itself, for a change first seen at {@code oldestNanos}. */
  static WorkItem.Send send(long oldestNanos) {
    return new WorkItem.Send(List.of(PATH), false, 0, oldestNanos, true);
  }
}
