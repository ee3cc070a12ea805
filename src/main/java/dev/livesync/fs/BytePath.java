package dev.livesync.fs;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * An immutable path as bytes (paths are byte strings, see docs/decisions.md), with value equality,
 * so that it can be a map key or a record component where {@code byte[]} (identity equality) cannot.
 * Meant for paths relative to a sync's source ({@code a/b/c}: no leading or trailing slash); the
 * empty path is the source itself.
 *
 * <p>The bytes are copied in ({@link #of(byte[])}) and out ({@link #toByteArray()}). Hot paths that
 * already own an array nobody changes may hand it over with {@link #unsafeWrap} and read it back with
 * {@link #unsafeArray} without a copy. {@link #parent()} and {@link #ancestors()} share the array of
 * the path they come from (no copy), so that walking up a path costs one small object per level.
 *
 * <p>Order ({@link #compareTo}) is unsigned byte order ({@link Arrays#compareUnsigned(byte[], byte[])}),
 * which puts a directory right before what lies below it only when no sibling name sorts before '/'.
 * {@link #toString()} is {@link Bytes#display}: UTF-8 where valid, other bytes as {@code \xNN}.
 */
public final class BytePath implements Comparable<BytePath> {
  public static final BytePath EMPTY = new BytePath(Bytes.EMPTY, 0);

  /** Never written to; may be longer than {@link #len} when this is an ancestor of the path that owns it. */
  private final byte[] b;
  private final int len;
  private int hash; // 0: not computed yet (as String)

  private BytePath(byte[] b, int len) {
    this.b = b;
    this.len = len;
  }

  /** A copy of {@code bytes}. */
  public static BytePath of(byte[] bytes) {
    return bytes.length == 0 ? EMPTY : new BytePath(bytes.clone(), bytes.length);
  }

  /** The UTF-8 bytes of {@code s}. */
  public static BytePath of(String s) {
    return unsafeWrap(Bytes.of(s));
  }

  /**
   * Takes {@code bytes} without a copy, for hot paths: the caller hands it over and neither it nor
   * anyone else may change it afterwards (the engine's path arrays are never written once made).
   */
  public static BytePath unsafeWrap(byte[] bytes) {
    return bytes.length == 0 ? EMPTY : new BytePath(bytes, bytes.length);
  }

  /** Each of {@code paths} {@link #unsafeWrap wrapped}, in order. */
  public static List<BytePath> unsafeWrapAll(Collection<byte[]> paths) {
    List<BytePath> out = new ArrayList<>(paths.size());
    for (byte[] p : paths) out.add(unsafeWrap(p));
    return out;
  }

  /** Each of {@code paths} as {@link #unsafeArray}, in order. */
  public static List<byte[]> unsafeArrays(Collection<BytePath> paths) {
    List<byte[]> out = new ArrayList<>(paths.size());
    for (BytePath p : paths) out.add(p.unsafeArray());
    return out;
  }

  public int length() {
    return len;
  }

  public boolean isEmpty() {
    return len == 0;
  }

  public byte byteAt(int i) {
    if (i < 0 || i >= len) throw new IndexOutOfBoundsException(i);
    return b[i];
  }

  /** A copy of the bytes. */
  public byte[] toByteArray() {
    return Arrays.copyOf(b, len);
  }

  /**
   * The bytes without a copy when this path owns its whole array (made by {@link #of}, {@link
   * #unsafeWrap}, {@link #resolve}), else a copy (an ancestor). The caller must not change it.
   */
  public byte[] unsafeArray() {
    return len == b.length ? b : Arrays.copyOf(b, len);
  }

  /** {@code this/child}; {@code child} when this is empty, this when child is; no doubled slash. */
  public BytePath resolve(BytePath child) {
    return len == 0 ? child : resolve(child.b, child.len);
  }

  /** As {@link #resolve(BytePath)}, for a name (or relative path) as bytes (copied). */
  public BytePath resolve(byte[] child) {
    return len == 0 ? of(child) : resolve(child, child.length);
  }

  private BytePath resolve(byte[] c, int clen) {
    if (clen == 0) return this;
    boolean slash = b[len - 1] != '/';
    byte[] out = new byte[len + (slash ? 1 : 0) + clen];
    System.arraycopy(b, 0, out, 0, len);
    if (slash) out[len] = '/';
    System.arraycopy(c, 0, out, out.length - clen, clen);
    return new BytePath(out, out.length);
  }

  /** Index of the last '/' after the first byte, or -1. */
  private int lastSlash() {
    for (int i = len - 1; i > 0; i--) if (b[i] == '/') return i;
    return -1;
  }

  /** What is before the last slash: {@code a/b} for {@code a/b/c}; {@link #EMPTY} for a single name (or empty). */
  public BytePath parent() {
    int i = lastSlash();
    return i < 0 ? EMPTY : new BytePath(b, i);
  }

  /** What is after the last slash: {@code c} for {@code a/b/c}; the whole path for a single name. */
  public BytePath name() {
    int i = lastSlash();
    return i < 0 ? this : new BytePath(Arrays.copyOfRange(b, i + 1, len), len - i - 1);
  }

  /**
   * The non-empty ancestors, nearest first: {@code a/b}, {@code a} for {@code a/b/c}; none for a
   * single name. Each shares this path's array.
   */
  public Iterable<BytePath> ancestors() {
    return () -> new Iterator<>() {
      private BytePath next = parent();

      @Override
      public boolean hasNext() {
        return !next.isEmpty();
      }

      @Override
      public BytePath next() {
        if (next.isEmpty()) throw new NoSuchElementException();
        BytePath out = next;
        next = out.parent();
        return out;
      }
    };
  }

  /** Whether this is {@code dir} or lies below it ({@code dir/...}); everything lies below the empty path. */
  public boolean isUnder(BytePath dir) {
    if (dir.len == 0) return true;
    return len >= dir.len && Arrays.equals(b, 0, dir.len, dir.b, 0, dir.len) && (len == dir.len || b[dir.len] == '/');
  }

  /** Whether {@code p} lies below this ({@code this/...}), not equal to it. */
  public boolean isAncestorOf(BytePath p) {
    return p.len > len && p.isUnder(this);
  }

  /** Whether one of this path's {@link #ancestors()} (or this path itself, when {@code orSelf}) is in {@code dirs}. */
  public boolean isUnderAny(Set<BytePath> dirs, boolean orSelf) {
    if (dirs.isEmpty()) return false;
    if (orSelf && dirs.contains(this)) return true;
    for (int i = len - 1; i > 0; i--) if (b[i] == '/' && dirs.contains(new BytePath(b, i))) return true;
    return false;
  }

  @Override
  public boolean equals(Object o) {
    return o == this || o instanceof BytePath p && p.len == len && Arrays.equals(b, 0, len, p.b, 0, len);
  }

  /** As {@link Arrays#hashCode(byte[])} of the bytes (computed once). */
  @Override
  public int hashCode() {
    int h = hash;
    if (h == 0) {
      h = 1;
      for (int i = 0; i < len; i++) h = 31 * h + b[i];
      hash = h;
    }
    return h;
  }

  /** Unsigned byte order, as {@link Arrays#compareUnsigned(byte[], byte[])}. */
  @Override
  public int compareTo(BytePath o) {
    return Arrays.compareUnsigned(b, 0, len, o.b, 0, o.len);
  }

  /** For logs: {@link Bytes#display}. */
  @Override
  public String toString() {
    return Bytes.display(len == b.length ? b : toByteArray());
  }
}
