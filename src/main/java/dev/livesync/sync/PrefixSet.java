package dev.livesync.sync;

import java.util.Arrays;

/**
 * A set of paths and of their ancestors held as slices of the engine's own path arrays (the first
 * {@code length} bytes of one), so that claiming a path's ancestors copies nothing and hashes the
 * path once ({@link Split}): the claims a target builds each time a worker frees ({@link PathClaims},
 * {@link WaitingSends}) had made a copy and a hash of every ancestor of every queued path, 40 % of the
 * engine thread's time and most of its garbage while a fast {@code tar x} was being caught up
 * (PathClaimsBenchmark). The arrays are never written once made, so holding them is safe. Open
 * addressing, linear probing; nothing is ever removed (a set lives for one look at the queue).
 */
final class PrefixSet {
  private byte[][] arrays = new byte[64][];
  /** A slot's hash (high half) and length (low half): one load to rule out most other slices. */
  private long[] keys = new long[64];
  private int size;

  boolean isEmpty() {
    return size == 0;
  }

  /** Adds {@code path[0, length)}, whose {@link Split} hash is {@code hash}; false when it was in already. */
  private boolean add(byte[] path, int length, int hash) {
    int i = find(path, length, hash);
    if (arrays[i] != null) return false;
    arrays[i] = path;
    keys[i] = key(length, hash);
    if (++size * 2 > arrays.length) grow();
    return true;
  }

  private boolean contains(byte[] path, int length, int hash) {
    return arrays[find(path, length, hash)] != null;
  }

  /** Adds the whole path. */
  boolean add(Split s) {
    return add(s.path, s.path.length, s.hash);
  }

  boolean contains(Split s) {
    return contains(s.path, s.path.length, s.hash);
  }

  /**
   * Adds the path's ancestors, nearest first, up to the first that was in already: all above that one
   * are in too, in a set that only this method adds to (as the claims' and the folds' sets of ancestors).
   */
  void addAncestors(Split s) {
    for (int k = s.count - 1; k >= 0; k--) if (!add(s.path, s.ends[k], s.hashes[k])) return;
  }

  /** Whether one of the path's ancestors (or the path itself, when {@code orSelf}) is in. */
  boolean holdsAncestorOf(Split s, boolean orSelf) {
    if (size == 0) return false;
    if (orSelf && contains(s)) return true;
    for (int k = s.count - 1; k >= 0; k--) if (contains(s.path, s.ends[k], s.hashes[k])) return true;
    return false;
  }

  /** The slot of the slice, or the empty one where it would go. */
  private int find(byte[] path, int length, int hash) {
    int mask = arrays.length - 1;
    long key = key(length, hash);
    int h = hash * 0x9E3779B9;
    for (int i = (h ^ h >>> 16) & mask; ; i = (i + 1) & mask) {
      byte[] a = arrays[i];
      if (a == null || keys[i] == key && (a == path || Arrays.equals(a, 0, length, path, 0, length))) return i;
    }
  }

  private static long key(int length, int hash) {
    return (long) hash << 32 | length;
  }

  private void grow() {
    byte[][] oldArrays = arrays;
    long[] oldKeys = keys;
    arrays = new byte[oldArrays.length * 2][];
    keys = new long[arrays.length];
    for (int j = 0; j < oldArrays.length; j++) {
      if (oldArrays[j] == null) continue;
      int length = (int) oldKeys[j], hash = (int) (oldKeys[j] >>> 32);
      int i = find(oldArrays[j], length, hash);
      arrays[i] = oldArrays[j];
      keys[i] = oldKeys[j];
    }
  }

  /**
   * One path cut at its slashes, with the hash of the whole and of each ancestor ({@code a/b/c}: {@code a}
   * and {@code a/b}, as {@code BytePath.ancestors}) from one pass over its bytes. Reused from path to
   * path ({@link #of}) by the one thread that owns it.
   */
  static final class Split {
    private byte[] path;
    private int hash;
    private int count;
    private int[] ends = new int[16];
    private int[] hashes = new int[16];

    Split of(byte[] p) {
      path = p;
      count = 0;
      int h = 1;
      for (int i = 0; i < p.length; i++) {
        if (p[i] == '/' && i > 0) {
          if (count == ends.length) {
            ends = Arrays.copyOf(ends, count * 2);
            hashes = Arrays.copyOf(hashes, count * 2);
          }
          ends[count] = i;
          hashes[count++] = h;
        }
        h = 31 * h + p[i];
      }
      hash = h;
      return this;
    }
  }
}
